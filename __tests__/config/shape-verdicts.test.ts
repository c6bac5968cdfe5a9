import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { parseConfigFile } from "../../lib/config/parse";
import { checkShapeOnce, fingerprintOf, MAX_VERDICTS, schemaModules, zodVersion } from "../../lib/config/shape-verdicts";
import { runTs, tempDir } from "../support/run";

const VALID = "domains:\n  - domain: a.example.com\n    imap: { incoming: { host: imap.a.example.com, port: 993 }, outgoing: { host: smtp.a.example.com, port: 587 } }\n";
const BAD_PORT = VALID.replace("port: 993", "port: 70000");

function parsed(text: string) {
  const file = parseConfigFile("domains/a.yaml", text);
  return { source: file.source, value: file.value };
}

describe("shape verdicts", () => {
  test("a file that passed is not checked again: the pass is recorded for its bytes", () => {
    // GIVEN a valid file checked once with a verdict directory
    const dir = tempDir("mailgate-shapes-");
    const valid = parsed(VALID);
    expect(checkShapeOnce(valid.source, valid.value, dir)).toEqual([]);
    expect(fs.readdirSync(dir)).toHaveLength(1);
    // WHEN the same bytes come again, with a value the schema refuses
    const refused = parsed(BAD_PORT).value;
    // THEN the recorded pass answers without checking: the bytes decide the value, not the caller
    expect(checkShapeOnce(valid.source, refused, dir)).toEqual([]);
    // and without a directory, the check runs and refuses it
    expect(checkShapeOnce(valid.source, refused, undefined).map((d) => d.code)).toEqual(["INVALID_PORT"]);
  });

  test("a file with shape problems is never recorded: its problems come from the check every time", () => {
    const dir = tempDir("mailgate-shapes-");
    const bad = parsed(BAD_PORT);
    const first = checkShapeOnce(bad.source, bad.value, dir);
    expect(first.map((d) => [d.code, d.position.line])).toEqual([["INVALID_PORT", 3]]);
    expect(checkShapeOnce(bad.source, bad.value, dir)).toEqual(first);
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });

  test("other bytes are another verdict", () => {
    const dir = tempDir("mailgate-shapes-");
    const one = parsed(VALID);
    const other = parsed(`# a comment\n${VALID}`);
    checkShapeOnce(one.source, one.value, dir);
    checkShapeOnce(other.source, other.value, dir);
    expect(fs.readdirSync(dir)).toHaveLength(2);
    // The second file's bytes were never recorded as passing: a bad value under them is refused.
    const third = parsed(`# another\n${VALID}`);
    expect(checkShapeOnce(third.source, parsed(BAD_PORT).value, dir).map((d) => d.code)).toEqual(["INVALID_PORT"]);
  });

  test(`past a quarter more than ${MAX_VERDICTS} passes, the newest ${MAX_VERDICTS} are kept, the oldest going first, then by name`, () => {
    const dir = tempDir("mailgate-shapes-");
    const limit = MAX_VERDICTS + MAX_VERDICTS / 4;
    const hourAgo = Date.now() / 1000 - 3600;
    const names = Array.from({ length: limit }, (_, i) => `old-${String(i).padStart(4, "0")}`);
    for (const [i, name] of names.entries()) {
      fs.writeFileSync(path.join(dir, name), "");
      // Two older ones, then the rest recorded at one same moment (ties go by name).
      const at = i < 2 ? hourAgo - 60 + i : hourAgo;
      fs.utimesSync(path.join(dir, name), at, at);
    }
    const valid = parsed(VALID);
    checkShapeOnce(valid.source, valid.value, dir);
    const left = fs.readdirSync(dir).sort();
    expect(left).toHaveLength(MAX_VERDICTS);
    // The new pass stays; the two oldest went, then the last names of the tie.
    expect(left.filter((name) => !name.startsWith("old-"))).toHaveLength(1);
    expect(left.filter((name) => name.startsWith("old-"))).toEqual(names.slice(2, MAX_VERDICTS + 1));
  });

  test(`up to a quarter more than ${MAX_VERDICTS} passes, none goes`, () => {
    const dir = tempDir("mailgate-shapes-");
    const limit = MAX_VERDICTS + MAX_VERDICTS / 4;
    for (let i = 0; i < limit - 1; i++) fs.writeFileSync(path.join(dir, `old-${i}`), "");
    const valid = parsed(VALID);
    checkShapeOnce(valid.source, valid.value, dir);
    expect(fs.readdirSync(dir)).toHaveLength(limit);
  });

  test("without a directory given, passes go to <MAILGATE_CACHE_DIR>/shapes, and off records none", () => {
    const cache = tempDir("mailgate-shapes-env-");
    const valid = parsed(`# env\n${VALID}`);
    const saved = process.env.MAILGATE_CACHE_DIR;
    try {
      process.env.MAILGATE_CACHE_DIR = "off";
      expect(checkShapeOnce(valid.source, valid.value)).toEqual([]);
      process.env.MAILGATE_CACHE_DIR = cache;
      expect(fs.existsSync(path.join(cache, "shapes"))).toBe(false);
      expect(checkShapeOnce(valid.source, valid.value)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.MAILGATE_CACHE_DIR;
      else process.env.MAILGATE_CACHE_DIR = saved;
    }
    expect(fs.readdirSync(path.join(cache, "shapes"))).toHaveLength(1);
  });

  test("the schema's fingerprint changes with any schema module's bytes, place or absence, and with zod's version", () => {
    const dir = tempDir("mailgate-shapes-fp-");
    fs.mkdirSync(path.join(dir, "config"));
    fs.mkdirSync(path.join(dir, "kinds"));
    const one = path.join(dir, "config", "schema.ts");
    const two = path.join(dir, "kinds", "schema.ts");
    fs.writeFileSync(one, "export const a = 1;\n");
    fs.writeFileSync(two, "export const b = 2;\n");
    const base = fingerprintOf([one, two], "4.3.6");
    expect(fingerprintOf([one, two], "4.3.6")).toBe(base);
    expect(fingerprintOf([one, two], "4.3.7")).not.toBe(base);
    expect(fingerprintOf([two, one], "4.3.6")).not.toBe(base);
    expect(fingerprintOf([one], "4.3.6")).not.toBe(base);
    expect(fingerprintOf([one, path.join(dir, "kinds", "gone.ts")], "4.3.6")).not.toBe(base);
    // The same bytes under another folder are another module.
    fs.mkdirSync(path.join(dir, "other"));
    fs.copyFileSync(two, path.join(dir, "other", "schema.ts"));
    expect(fingerprintOf([one, path.join(dir, "other", "schema.ts")], "4.3.6")).not.toBe(base);
    fs.writeFileSync(two, "export const b = 3;\n");
    expect(fingerprintOf([one, two], "4.3.6")).not.toBe(base);
    // A module gone is not the same as one emptied.
    const empty = path.join(dir, "kinds", "empty.ts");
    fs.writeFileSync(empty, "");
    expect(fingerprintOf([one, empty], "4.3.6")).not.toBe(fingerprintOf([one, path.join(dir, "kinds", "absent.ts")], "4.3.6"));
    // The version that counts is the installed zod's.
    expect(zodVersion()).toBe((JSON.parse(fs.readFileSync(require.resolve("zod/package.json"), "utf8")) as { version: string }).version);
  });

  test("the schema's fingerprint covers lib/config's schema and every kind's", () => {
    const kinds = path.join(__dirname, "..", "..", "lib", "kinds");
    const kindSchemas = fs
      .readdirSync(kinds, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(kinds, e.name, "schema.ts")))
      .map((e) => path.join(kinds, e.name, "schema.ts"));
    expect(kindSchemas.length).toBeGreaterThanOrEqual(6);
    const modules = schemaModules();
    for (const file of [...kindSchemas, path.join(kinds, "schema-fields.ts"), path.join(kinds, "..", "config", "schema.ts")]) expect(modules).toContain(file);
    for (const file of modules) expect(fs.existsSync(file)).toBe(true);
  });

  test("a second validate of unchanged files loads no zod, and says the same", () => {
    // GIVEN a config, a cache directory, and a preload that lists the zod modules a run loaded
    const root = tempDir("mailgate-shapes-run-");
    const config = path.join(root, "config");
    fs.cpSync(path.join(__dirname, "..", "fixtures", "config", "valid"), config, { recursive: true });
    const preload = path.join(root, "zod-modules.cjs");
    fs.writeFileSync(preload, `process.on("exit", () => process.stderr.write("zod modules: " + Object.keys(require.cache).filter((k) => k.includes("/node_modules/zod/")).length + "\\n"));\n`);
    const run = () => runTs("lib/cli.ts", ["validate", "--config", config, "--out", path.join(root, "generated")], { env: { MAILGATE_CACHE_DIR: path.join(root, "cache"), NODE_OPTIONS: `--require ${preload}` } });
    // WHEN validate runs twice
    const first = run();
    const second = run();
    // THEN both pass; the first loaded zod to check the shape, the second did not need it
    expect([first.status, second.status]).toEqual([0, 0]);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stderr).toMatch(/zod modules: [1-9]\d*/);
    expect(second.stderr).toContain("zod modules: 0");
  });
});
