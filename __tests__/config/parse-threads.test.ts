// Config files parsed on two threads (parse.ts): every reading is the same as on one thread,
// whichever thread made it, down to positions; and values cross threads as plain values.
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../lib/config/load";
import { parseConfigFile, parseConfigFiles, parseStats, PARALLEL_MIN_CHARS, type ConfigText } from "../../lib/config/parse";
import { YAML_LIMITS } from "../../lib/config/read-yaml";
import { generateConfig } from "../../scripts/bench/generate-config";
import { removeTempDirs, writeConfigDir, yaml } from "./helpers";

afterAll(removeTempDirs);

function generatedDir(): string {
  const dir = writeConfigDir({});
  generateConfig(dir, { domains: 2500, targets: 24, accounts: 2, seed: 11 });
  return dir;
}

function configTexts(dir: string): ConfigText[] {
  const files: string[] = [];
  const visit = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) visit(path.join(d, e.name));
      else files.push(path.join(d, e.name));
    }
  };
  visit(dir);
  const texts = files.sort().map((f) => ({ file: path.relative(dir, f), text: fs.readFileSync(f, "utf8") }));
  // And two broken files: diagnostics must come back from the helper as they would from here.
  return [...texts, { file: "broken.yaml", text: yaml("domains:", "\t- domain: x") }, { file: "dup.yaml", text: yaml("a: 1", "a: 2") }];
}

describe("files parsed on two threads read exactly as on one", () => {
  test(
    "GIVEN a config above the parallel threshold WHEN the helper reads all it can THEN values, diagnostics and positions are the same",
    () => {
      const inputs = configTexts(generatedDir());
      expect(inputs.reduce((n, i) => n + i.text.length, 0)).toBeGreaterThan(PARALLEL_MIN_CHARS);
      const before = { ...parseStats };
      const parallel = [...parseConfigFiles(inputs, { waitForHelper: true })];
      expect(parseStats.helper - before.helper).toBeGreaterThan(0);
      const alone = inputs.map((i) => parseConfigFile(i.file, i.text));
      expect(parallel.length).toBe(alone.length);
      for (let i = 0; i < alone.length; i++) {
        expect(parallel[i].ok).toBe(alone[i].ok);
        expect(parallel[i].diagnostics).toEqual(alone[i].diagnostics);
        expect(parallel[i].omitted).toEqual(alone[i].omitted);
        expect(isDeepStrictEqual(parallel[i].value, alone[i].value)).toBe(true);
        for (const p of [["domains", 7, "imap", "incoming", "port"], ["domains", 499], ["firewalls"], ["nowhere", 3], []]) {
          expect(parallel[i].source.value(p)).toEqual(alone[i].source.value(p));
          expect(parallel[i].source.key(p)).toEqual(alone[i].source.key(p));
          expect(parallel[i].source.sourceText(p)).toEqual(alone[i].source.sourceText(p));
        }
      }
    },
    60_000,
  );

  test(
    "GIVEN the same config WHEN loaded with MAILGATE_PARSE_THREADS=1 and without THEN the same result",
    () => {
      const dir = generatedDir();
      const both = loadConfig(dir);
      process.env.MAILGATE_PARSE_THREADS = "1";
      try {
        const one = loadConfig(dir);
        expect(one.diagnostics).toEqual(both.diagnostics);
        expect(JSON.stringify(one.config)).toBe(JSON.stringify(both.config));
      } finally {
        delete process.env.MAILGATE_PARSE_THREADS;
      }
    },
    60_000,
  );

  test("GIVEN a value with a `__proto__` key WHEN it crosses threads THEN it stays an own key, no prototype touched", () => {
    const big = yaml(`x-filler: [${Array(YAML_LIMITS.maxValues / 2).fill("1").join(",")}]`);
    const inputs = [
      { file: "a.yaml", text: big },
      { file: "b.yaml", text: yaml("__proto__: { polluted: true }", "domains: []") },
    ];
    const [, b] = [...parseConfigFiles(inputs, { waitForHelper: true })];
    expect(Object.keys(b.value as object)).toEqual(["__proto__", "domains"]);
    expect(Object.getPrototypeOf(b.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("GIVEN aliases WHEN the value crosses threads THEN repeated settings stay one object, as toJS makes them", () => {
    const inputs = [
      { file: "a.yaml", text: yaml("x: 1") },
      { file: "b.yaml", text: yaml("x-mail: &mail { host: imap.example.com }", "domains: [{ imap: *mail }, { imap: *mail }]") },
    ];
    const [, b] = [...parseConfigFiles(inputs, { waitForHelper: true })];
    const { domains } = b.value as { domains: { imap: object }[] };
    expect(domains[0].imap).toBe(domains[1].imap);
  });
});
