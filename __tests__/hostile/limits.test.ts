// Resource limits: alias bombs, deep nesting, huge and dense files are refused with a located
// error, without exhausting the stack or the heap. No timing assertions (machines are noisy):
// each test has a 20 s timeout, and a hang or runaway would hit it.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { Diagnostic } from "../../lib/config/diagnostic";
import { LIMITS } from "../../lib/config/files";
import { loadConfig, MAX_PROBLEMS_PER_FILE } from "../../lib/config/load";
import { YAML_LIMITS } from "../../lib/config/parse";
import { load, removeTempDirs, where, writeConfigDir, yaml } from "../config/helpers";

afterAll(removeTempDirs);

const LIMIT_TIMEOUT = 20_000;
const MiB = 1024 * 1024;

/** Codes and positions, the way people read them. */
function summary(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => `${d.code} ${where(d)}`);
}

/** The classic "billion laughs": 9 anchors, each 9 aliases of the previous one (~387 million values). */
function billionLaughs(levels = 9, width = 9): string {
  const lines = [`a0: &a0 [${Array(width).fill('"lol"').join(", ")}]`];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(width).fill(`*a${i - 1}`).join(", ")}]`);
  return yaml(...lines);
}

describe("alias bombs", () => {
  test(
    "GIVEN a billion-laughs file WHEN loaded THEN one YAML_LIMIT error at the first alias that expands too far, nothing expanded",
    () => {
      const { diagnostics, config } = load({ "a.yaml": billionLaughs() });
      expect(config).toBeUndefined();
      // a5 holds ~600,000 values: its first use, in a6's line, is where it stops.
      expect(summary(diagnostics)).toEqual(["YAML_LIMIT a.yaml:7:10"]);
      expect(diagnostics[0].message).toMatch(/more than 120,000 values .*billion laughs/);
    },
    LIMIT_TIMEOUT,
  );

  test(
    "GIVEN many small aliases that add up WHEN loaded THEN refused at the first alias, not after building them",
    () => {
      // One anchor of 2,000 values used 100 times: no single alias is large, the sum is.
      const anchor = `x: &big [${Array(2000).fill("1").join(",")}]`;
      const uses = Array.from({ length: 100 }, (_, i) => `k${i}: *big`);
      const { diagnostics } = load({ "a.yaml": yaml(anchor, ...uses) });
      expect(summary(diagnostics)).toEqual(["YAML_LIMIT a.yaml:2:5"]);
    },
    LIMIT_TIMEOUT,
  );

  test("GIVEN an alias inside its own anchor WHEN loaded THEN a YAML_LIMIT error at the alias (a value that never ends)", () => {
    const { diagnostics } = load({ "a.yaml": yaml("domains: &loop", "  - domain: example.com", "    imap: *loop") });
    expect(summary(diagnostics)).toEqual(["YAML_LIMIT a.yaml:3:11"]);
    expect(diagnostics[0].message).toContain("`*loop` is inside the node it refers to");
  });

  test("GIVEN an alias with no anchor WHEN loaded THEN a located error, not an exception", () => {
    const { diagnostics } = load({ "a.yaml": yaml("domains:", "  - domain: example.com", "    imap: *nowhere") });
    expect(summary(diagnostics)).toEqual(["YAML_SYNTAX a.yaml:3:11"]);
    expect(diagnostics[0].message).toBe("The alias `*nowhere` has no anchor `&nowhere` before it.");
  });

  test("GIVEN an alias repeated 1,000 times (repeated settings, not a bomb) WHEN loaded THEN it is allowed", () => {
    const domains = Array.from({ length: 1000 }, (_, i) => [`  - domain: d${i}.example.com`, "    imap: *mail"]).flat();
    const { diagnostics, config } = load({
      "a.yaml": yaml(
        "x-anchors: &mail",
        "  incoming: { host: imap.example.com, port: 993 }",
        "  outgoing: { host: smtp.example.com, port: 587 }",
        "domains:",
        ...domains,
      ),
    });
    // The helper key is unknown (one error); the 1,000 aliases themselves are fine.
    expect(summary(diagnostics)).toEqual(["UNKNOWN_KEY a.yaml:1:1"]);
    expect(config).toBeUndefined();
  });
});

describe("deep nesting", () => {
  // yaml's composer recurses per level. Without the limit, 1,000 `[` then 50,000 `- ` abort the
  // process outright ("FATAL ERROR: RegExpCompiler Allocation failed"), which no catch stops.
  test.each([
    ["100,000 unclosed [", "[".repeat(100_000), "a.yaml:1:"],
    ["100,000 balanced [ ]", `x: ${"[".repeat(100_000)}${"]".repeat(100_000)}`, "a.yaml:1:"],
    ["50,000 {a: ", `${"{a: ".repeat(50_000)}${"}".repeat(50_000)}`, "a.yaml:1:"],
    ["300,000 block sequences", `${"- ".repeat(300_000)}x\n`, "a.yaml:1:"],
    ["1,000 [ then 50,000 - (aborted the process before)", `${"[".repeat(1000)}${"]".repeat(1000)}\n${"- ".repeat(50_000)}x\n`, "a.yaml:1:"],
    ["1,000 indented mappings", Array.from({ length: 1000 }, (_, i) => `${" ".repeat(i)}a:`).join("\n") + " x\n", "a.yaml:"],
  ])(
    "GIVEN %s WHEN loaded THEN one YAML_LIMIT error",
    (_, text, at) => {
      const { diagnostics } = load({ "a.yaml": text });
      expect(diagnostics.map((d) => d.code)).toEqual(["YAML_LIMIT"]);
      expect(where(diagnostics[0])).toContain(at);
      expect(diagnostics[0].message).toContain("nested more than 64 levels");
      // The excerpt of a 100,000-character line is a window around the column.
      expect(diagnostics[0].excerpt!.lineText.length).toBeLessThanOrEqual(130);
    },
    LIMIT_TIMEOUT,
  );

  test("the limit is exact: 64 levels are read (the schema then complains), 65 are refused", () => {
    // The file's mapping is level 1, so `x:` holding n sequences is n + 1 levels.
    const nested = (n: number) => `x: ${"[".repeat(n)}${"]".repeat(n)}\n`;
    expect(load({ "a.yaml": nested(YAML_LIMITS.maxDepth - 1) }).diagnostics.map((d) => d.code)).toEqual(["UNKNOWN_KEY"]);
    expect(summary(load({ "a.yaml": nested(YAML_LIMITS.maxDepth) }).diagnostics)).toEqual(["YAML_LIMIT a.yaml:1:67"]);
  });

  test("GIVEN aliases that nest deeper than any literal part WHEN loaded THEN refused at the alias", () => {
    const deep = (n: number, inner: string) => `${"[".repeat(n)}${inner}${"]".repeat(n)}`;
    const { diagnostics } = load({ "a.yaml": yaml(`a: &a ${deep(40, "x")}`, `b: ${deep(40, "*a")}`) });
    expect(summary(diagnostics)).toEqual(["YAML_LIMIT a.yaml:2:44"]);
  });
});

describe("large files", () => {
  test(
    "GIVEN a file of 1 MiB + 1 byte WHEN loaded THEN FILE_TOO_LARGE naming both sizes, and the file is never parsed",
    () => {
      const { diagnostics } = load({ "a.yaml": `#${"x".repeat(MiB - 2)}\n\n` });
      expect(summary(diagnostics)).toEqual(["FILE_TOO_LARGE a.yaml:1:1"]);
      expect(diagnostics[0].message).toBe(
        "This file is 1.0 MiB (1,048,577 bytes); mailgate reads config files of at most 1 MiB, and did not read it.",
      );
      expect(diagnostics[0].hint).toContain("split it into several files");
    },
    LIMIT_TIMEOUT,
  );

  test(
    "GIVEN a file of exactly 1 MiB WHEN loaded THEN it is read",
    () => {
      const { diagnostics } = load({ "a.yaml": `#${"x".repeat(MiB - 2)}\n` });
      expect(diagnostics).toEqual([]);
    },
    LIMIT_TIMEOUT,
  );

  test(
    "GIVEN files adding up to more than 8 MiB WHEN loaded THEN CONFIG_TOO_LARGE at the file that crosses the limit, and reading stops",
    () => {
      // Nine files just under 1 MiB each: one comment line is the cheapest YAML to parse.
      const files = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}.yaml`, `#${"x".repeat(MiB - 100)}\n`]));
      const { diagnostics } = load(files);
      expect(summary(diagnostics)).toEqual(["CONFIG_TOO_LARGE f8.yaml:1:1"]);
      expect(diagnostics[0].message).toMatch(/adds up to 9\.0 MiB .* over the limit of 8 MiB/);
    },
    LIMIT_TIMEOUT,
  );

  test(
    "GIVEN 1 MiB of one-letter values WHEN loaded THEN a YAML_LIMIT error where the 120,001st value starts, not half a million problems",
    () => {
      const { diagnostics } = load({ "a.yaml": `domains: [${"a,".repeat(MiB / 2 - 10)}]\n` });
      expect(summary(diagnostics)).toEqual(["YAML_LIMIT a.yaml:1:240007"]);
      expect(diagnostics[0].message).toContain("more than 120,000 values");
    },
    LIMIT_TIMEOUT,
  );

  test(
    "GIVEN 50,000 copies of one key in a mapping WHEN loaded THEN duplicates are found in linear time, 100 shown and the rest counted",
    () => {
      const { diagnostics } = load({ "a.yaml": yaml("firewalls:", ...Array(50_000).fill("  fw: 1")) });
      expect(diagnostics.filter((d) => d.code === "DUPLICATE_KEY")).toHaveLength(MAX_PROBLEMS_PER_FILE);
      expect(diagnostics.at(-1)).toMatchObject({ code: "TOO_MANY_PROBLEMS", severity: "error" });
      expect(diagnostics.at(-1)!.message).toMatch(/^49,899 more problems in this file are not shown \(49,899 errors, 0 warnings\)/);
    },
    LIMIT_TIMEOUT,
  );
});

describe("many problems", () => {
  test(
    "GIVEN 20,000 bad domains in one file WHEN loaded THEN the first 100 are shown, then one TOO_MANY_PROBLEMS with the count",
    () => {
      const entries = Array.from({ length: 20_000 }, (_, i) => `  - { domain: "bad ${i}" }`);
      const { diagnostics } = load({ "a.yaml": yaml("domains:", ...entries), "b.yaml": yaml("domains: 7") });
      const inA = diagnostics.filter((d) => d.position.file === "a.yaml");
      expect(inA).toHaveLength(MAX_PROBLEMS_PER_FILE + 1);
      expect(inA.slice(0, 2).map(where)).toEqual(["a.yaml:2:5", "a.yaml:2:15"]);
      expect(inA.at(-1)).toMatchObject({ code: "TOO_MANY_PROBLEMS", position: { file: "a.yaml", line: 52 } });
      expect(inA.at(-1)!.message).toBe(
        "39,900 more problems in this file are not shown (39,900 errors, 0 warnings); the first 100 are listed above.",
      );
      // Other files are unaffected.
      expect(summary(diagnostics.filter((d) => d.position.file === "b.yaml"))).toEqual(["WRONG_TYPE b.yaml:1:10"]);
    },
    LIMIT_TIMEOUT,
  );
});

describe("limits are what the docs say", () => {
  test("the README names each limit with its value", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    expect(LIMITS.maxFileBytes).toBe(MiB);
    expect(LIMITS.maxTotalBytes).toBe(8 * MiB);
    expect(doc).toContain("1 MiB");
    expect(doc).toContain("8 MiB");
    expect(doc).toContain(YAML_LIMITS.maxValues.toLocaleString("en-US"));
    expect(doc).toContain(`${YAML_LIMITS.maxDepth} levels`);
    expect(doc).toContain(`${MAX_PROBLEMS_PER_FILE} problems`);
  });

  test("a config dir given as a relative path keeps its diagnostics relative", () => {
    const dir = writeConfigDir({ "a.yaml": `#${"x".repeat(MiB)}\n` });
    const relative = path.relative(process.cwd(), dir);
    expect(loadConfig(relative).diagnostics[0].position.file).toBe(`${relative.split(path.sep).join("/")}/a.yaml`);
  });
});
