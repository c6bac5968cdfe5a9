// One YAML reading for every file (read-yaml.ts): the inputs a second, faster parser used to
// read wrongly or accept, each refused at its line, or read as YAML 1.2 says, whatever else the
// file holds; one error for one tab; what a config never needs, refused at its line.
import { afterAll, describe, expect, test } from "vitest";
import type { Diagnostic } from "../../lib/config/diagnostic";
import { readYaml } from "../../lib/config/read-yaml";
import { FIREWALL_FW, load, removeTempDirs, where, yaml } from "../config/helpers";
import { everyFieldExample } from "./support";

afterAll(removeTempDirs);

/** Line, column, code and message of each diagnostic: what a reader is shown. */
function shown(ds: readonly Diagnostic[], lineOffset = 0): string[] {
  return ds.map((d) => `${d.position.line - lineOffset}:${d.position.column} ${d.code} ${d.message}`);
}

/** Unrelated text before a snippet: what made the old fast path step aside (an anchor, 60,000+ values). */
const UNRELATED: readonly [string, string][] = [
  ["nothing", ""],
  ["a comment", yaml("# owned by the mail team")],
  ["an anchor and an alias", yaml("x-defaults: &defaults { port: 993 }", "x-copy: *defaults")],
  ["61,000 values", yaml(`x-filler: [${Array(61_000).fill("1").join(",")}]`)],
];

const DOMAIN_HEAD = ["domains:", "  - domain: example.com", "    imap:", "      incoming: { host: imap.example.com, port: 993 }", "      outgoing: { host: smtp.example.com, port: 587 }"];

/** Inputs a second parser accepted or misread, with the line (of the snippet) that must be refused. */
const REFUSED: readonly [string, string, number, RegExp][] = [
  ["a comment glued to a quote", yaml("domains:", '  - domain: "example.com"#primary', "    firewalls: [fw]"), 2, /Comments must be separated from other tokens by white space/],
  ["a comment glued to a bracket", yaml(...DOMAIN_HEAD, "    firewalls: [mail-use1]#primary"), 6, /Comments must be separated from other tokens by white space/],
  ["a flow list continued at column 0", yaml(...DOMAIN_HEAD, "    firewalls: [mail-use1,", "mail-use2]"), 7, /Flow sequence in block collection must be sufficiently indented/],
  ["an unclosed quote continued at column 0", yaml("domains:", '  - domain: "example.com', 'firewalls: [fw]"'), 2, /Missing closing "quote/],
  [
    "`]    smtp: [...]` at column 0",
    yaml("hubspot:", "  ipRanges:", "    source: x", "    imap: [141.193.184.0/27,", "      143.244.82.8", "]    smtp: [141.193.184.0/27]"),
    6,
    /Flow sequence in block collection must be sufficiently indented/,
  ],
];

describe("what a second parser accepted is refused at its line, whatever else the file holds", () => {
  test.each(REFUSED)("GIVEN %s WHEN read THEN refused, first at its line", (_, snippet, line, message) => {
    const reading = readYaml(snippet, "a.yaml");
    expect("value" in reading).toBe(false);
    expect(reading.diagnostics.map((d) => [d.code, d.severity])).toEqual(reading.diagnostics.map(() => ["YAML_SYNTAX", "error"]));
    expect(reading.diagnostics[0].position.line).toBe(line);
    expect(reading.diagnostics[0].message).toMatch(message);
    // At most one per line: the parser losing its way after the first says nothing new.
    const lines = reading.diagnostics.map((d) => d.position.line);
    expect(new Set(lines).size).toBe(lines.length);
  });

  test.each(REFUSED.flatMap(([name, snippet]) => UNRELATED.map(([before, text]) => [name, before, snippet, text] as const)))(
    "GIVEN %s after %s WHEN read THEN the same errors, at the same lines of the snippet",
    (_, __, snippet, before) => {
      const alone = readYaml(snippet, "a.yaml");
      const after = readYaml(before + snippet, "a.yaml");
      const offset = before.split("\n").length - 1;
      expect(shown(after.diagnostics, offset)).toEqual(shown(alone.diagnostics));
    },
  );

  test("GIVEN an inner list ending in `- # TODO` WHEN read THEN the next domain stays a domain, and the empty item is an error at its line", () => {
    const text = yaml(
      "domains:",
      "  - domain: example.com",
      "    exchange: { url: https://mail.example.com/EWS/Exchange.asmx }",
      "    firewalls:",
      "      - fw",
      "      - # TODO",
      "  - domain: example.org",
      "    exchange: { url: https://mail.example.org/EWS/Exchange.asmx }",
    );
    for (const [, before] of UNRELATED) {
      const { value } = readYaml(before + text, "a.yaml") as { value: { domains: unknown[] } };
      expect(value.domains).toEqual([
        { domain: "example.com", exchange: { url: "https://mail.example.com/EWS/Exchange.asmx" }, firewalls: ["fw", null] },
        { domain: "example.org", exchange: { url: "https://mail.example.org/EWS/Exchange.asmx" } },
      ]);
    }
    const { diagnostics } = load({ "a.yaml": text, "fw.yaml": FIREWALL_FW });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["WRONG_TYPE a.yaml:6:9"]);
  });

  test("GIVEN a closing bracket at its key's column WHEN read THEN the list ends there, as editors read it", () => {
    // YAML 1.2 wants flow lines indented past the key; the yaml library (and so every editor on
    // yaml-language-server) reads this the one way it can be meant.
    expect(readYaml(yaml("domains: [", "  { domain: example.com },", "]"), "a.yaml")).toEqual({ value: { domains: [{ domain: "example.com" }] }, diagnostics: [] });
  });
});

describe("one tab in an indentation: one error, with the fix", () => {
  const EXAMPLE = everyFieldExample();
  const cases = Object.entries(EXAMPLE).flatMap(([name, text]) =>
    text.split("\n").flatMap((line, i) => {
      if (!/^ +[^ #]/.test(line)) return [];
      return [
        [name, i + 1, "before the indentation", `\t${line}`],
        [name, i + 1, "instead of two spaces", line.replace(/^ {2}/, "\t")],
        [name, i + 1, "after the indentation", line.replace(/^( +)/, "$1\t")],
      ] as const;
    }),
  );

  test.each(cases)("GIVEN %s line %i with a tab %s WHEN read THEN one error at that line saying to indent with spaces", (name, line, _, edited) => {
    const lines = EXAMPLE[name].split("\n");
    lines[line - 1] = edited;
    const { diagnostics } = readYaml(lines.join("\n"), name);
    expect(diagnostics.map((d) => [d.code, d.position.line, d.position.column])).toEqual([["YAML_SYNTAX", line, edited.indexOf("\t") + 1]]);
    expect(diagnostics[0].message).toBe("A tab indents this line; YAML indents with spaces only, so this line and the ones after it cannot be read as meant.");
    expect(diagnostics[0].hint).toContain("indent with spaces");
  });

  test("GIVEN tabs on two lines WHEN read THEN one error for each, nothing else", () => {
    const text = yaml("domains:", "\t- domain: example.com", "\t  imap: {}");
    expect(shown(readYaml(text, "a.yaml").diagnostics).map((s) => s.slice(0, 16))).toEqual(["2:1 YAML_SYNTAX ", "3:1 YAML_SYNTAX "]);
  });

  test("GIVEN a tab before a comment or between a key and its value WHEN read THEN it is fine", () => {
    expect(readYaml(yaml("domains:", "\t# a comment", "  - domain:\texample.com"), "a.yaml")).toEqual({ value: { domains: [{ domain: "example.com" }] }, diagnostics: [] });
  });
});

describe("YAML a config never needs is refused at its line", () => {
  test.each([
    ["a second document", yaml("domains: []", "---", "firewalls: {}"), "2:1", /^A second YAML document starts here/],
    ["a key that is a list", yaml("domains: []", "[a, b]: 1"), "2:1", /^This mapping key is a list or a mapping/],
    ["a key that is a mapping", yaml("? { a: 1 }", ": x"), "1:3", /^This mapping key is a list or a mapping/],
    ["an entry with no key", yaml("domains: []", ": x"), "2:1", /^This mapping entry has no key/],
    ["a null key", yaml("domains: []", "~: x"), "2:1", /^This mapping entry has no key/],
    ["a local tag", yaml("domains: !mine []"), "1:10", /^The tag `!mine` is not one mailgate reads/],
    ["a YAML 1.1 tag", yaml("x: !!timestamp 2001-12-14"), "1:4", /^The tag `!!timestamp` is not one mailgate reads/],
    ["the %YAML directive twice", yaml("%YAML 1.2", "%YAML 1.2", "---", "domains: []"), "2:1", /^The directive "%YAML 1.2" repeats one given before/],
    ["a key written twice", yaml("domains: []", "domains: []"), "2:1", /^The key `domains` appears more than once/],
    ["keys that are one JS key (1 and \"1\")", yaml("firewalls:", "  1: {}", '  "1": {}'), "3:3", /^The key `1` appears more than once/],
  ])("GIVEN %s WHEN read THEN an error at %s", (_, text, at, message) => {
    const reading = readYaml(text, "a.yaml");
    expect("value" in reading).toBe(false);
    expect(reading.diagnostics.map((d) => `${d.position.line}:${d.position.column}`)).toEqual([at]);
    expect(reading.diagnostics[0].message).toMatch(message);
  });

  test.each([
    ["!!str keeps digits as text", "account: !!str 012345678901\n", { account: "012345678901" }],
    ["!!int reads a number", "port: !!int 993\n", { port: 993 }],
    ["`yes` is text (YAML 1.2), even under %YAML 1.1", "%YAML 1.1\n---\nx: yes\n", { x: "yes" }],
    ["`<<` is a key like any other", "x: { <<: 1 }\n", { x: { "<<": 1 } }],
    ["an empty file is null", "# nothing yet\n", null],
  ])("GIVEN %s WHEN read THEN the value YAML 1.2 core says", (_, text, value) => {
    expect(readYaml(text, "a.yaml")).toEqual({ value, diagnostics: [] });
  });

  test("every error names the file and a line in it; a value comes exactly without errors", () => {
    for (const [, text] of REFUSED) {
      const reading = readYaml(text, "dir/a.yaml");
      for (const d of reading.diagnostics) {
        expect(d.position.file).toBe("dir/a.yaml");
        expect(d.position.line).toBeGreaterThanOrEqual(1);
        expect(d.position.line).toBeLessThanOrEqual(text.split("\n").length);
      }
    }
  });
});
