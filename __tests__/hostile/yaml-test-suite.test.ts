// The official YAML test suite through `readYaml`, the one function through which config text
// becomes a value. The cases are vendored in fixtures/yaml-test-suite.json (MIT, licence and
// commit inside; written by scripts/yaml-test-suite.ts, which also runs a fresh checkout).
// A valid case must read as the suite's in.json says, or be refused at a line for a feature no
// config needs; an invalid one must be refused at a line. Reading wrongly is never allowed.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { casesIn, figures, runCase, type CaseResult, type SuiteCase } from "../../scripts/yaml-test-suite";

const FIXTURE = path.join(__dirname, "fixtures", "yaml-test-suite.json");
const suite = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as { commit: string; licence: string; cases: SuiteCase[] };
const results = suite.cases.map(runCase);

/** Why a valid case may be refused: YAML that a config never needs. */
const ACCEPTABLE_REFUSALS: readonly [string, RegExp][] = [
  ["a tag other than the core schema's", /^The tag .* is not one mailgate reads/],
  ["a second document", /^A second YAML document starts here/],
  ["a key that is a list or a mapping", /^This mapping key is a list or a mapping/],
  ["an entry without a key", /^This mapping entry has no key/],
  ["a directive mailgate does not know", /^YAML syntax error: (Unknown directive|Unsupported YAML version)/],
  ["an anchor or alias name ending in `:`", /^YAML syntax error: (Anchor|Alias) ending in : is ambiguous/],
];

function refusalReason(r: CaseResult): string {
  const message = r.detail.replace(/^\d+:\d+ [A-Z_]+ /, "");
  return ACCEPTABLE_REFUSALS.find(([, pattern]) => pattern.test(message))?.[0] ?? `unexpected: ${r.detail}`;
}

describe(`yaml-test-suite (data branch at ${suite.commit.slice(0, 7)}, ${suite.cases.length} cases)`, () => {
  test("the fixture carries the suite's MIT licence", () => {
    expect(suite.licence).toMatch(/^MIT License/);
    expect(suite.cases.length).toBe(402);
  });

  test("no case is read wrongly: valid ones as in.json says, invalid ones never as a value", () => {
    expect(results.filter((r) => r.outcome === "wrong").map((r) => `${r.id} ${r.name}: ${r.detail}`)).toEqual([]);
  });

  test("every invalid case is refused, at a line", () => {
    const invalid = results.filter((r) => !r.valid);
    expect(invalid).toHaveLength(94);
    expect(invalid.filter((r) => r.outcome !== "refused").map((r) => r.id)).toEqual([]);
  });

  test("valid cases are refused only for features a config never needs", () => {
    const refused = results.filter((r) => r.valid && r.outcome === "refused");
    expect(refused.map(refusalReason).filter((reason) => reason.startsWith("unexpected"))).toEqual([]);
  });

  test("the figures", () => {
    expect(figures(results)).toEqual({
      total: 402,
      valid: { total: 308, read: 241, refused: 65, unchecked: 2, wrong: 0 },
      invalid: { total: 94, refused: 94, wrong: 0 },
    });
  });

  test("the two valid cases without an in.json read as their event trees say", () => {
    // 4ABK is a flow mapping with keys and no values; UKK6/02 is `!`, the non-specific tag on
    // an empty scalar.
    const unchecked = Object.fromEntries(results.filter((r) => r.outcome === "unchecked").map((r) => [r.id, r.detail]));
    expect(unchecked).toEqual({ "4ABK": '{"unquoted":"separate","http://foo.com":null,"omitted value":null}', "UKK6/02": '""' });
  });
});

describe("the suite script reads a data-branch checkout", () => {
  test("GIVEN a directory of cases WHEN listed THEN cases and sub-cases, sorted", () => {
    const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "mailgate-suite-"));
    try {
      fs.mkdirSync(path.join(dir, "AB12", "00"), { recursive: true });
      fs.mkdirSync(path.join(dir, "ZZ99"));
      fs.writeFileSync(path.join(dir, "AB12", "00", "in.yaml"), "a: 1\n");
      fs.writeFileSync(path.join(dir, "AB12", "00", "in.json"), '{"a": 1}\n');
      fs.writeFileSync(path.join(dir, "AB12", "00", "==="), "Sub-case\n");
      fs.writeFileSync(path.join(dir, "ZZ99", "in.yaml"), "[\n");
      fs.writeFileSync(path.join(dir, "ZZ99", "error"), "");
      const cases = casesIn(dir);
      expect(cases.map((c) => [c.id, c.error])).toEqual([
        ["AB12/00", false],
        ["ZZ99", true],
      ]);
      expect(cases.map((c) => runCase(c).outcome)).toEqual(["read", "refused"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
