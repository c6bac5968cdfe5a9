// Definitions that must be unique across the whole config directory: a pull request adding a
// second `fw` or a second `hubspot` section in another file is refused, naming both places.
import { afterAll, describe, expect, test } from "vitest";
import { formatDiagnostics } from "../../lib/config/format";
import { DOMAIN_USING_FW, FIREWALL_FW, load, removeTempDirs, where, yaml } from "../config/helpers";

afterAll(removeTempDirs);

describe("duplicates across files", () => {
  test("GIVEN the same firewall name in two files WHEN loaded THEN DUPLICATE_FIREWALL at the later one, naming the earlier", () => {
    const { config, diagnostics } = load({ "a/fw.yaml": FIREWALL_FW, "b/fw.yaml": yaml("# a copy, added later", FIREWALL_FW), "d.yaml": DOMAIN_USING_FW });
    expect(config).toBeUndefined();
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["DUPLICATE_FIREWALL b/fw.yaml:3:3"]);
    expect(diagnostics[0].message).toBe("Firewall `fw` is defined here and at a/fw.yaml:2:3.");
    expect(diagnostics[0].related).toEqual([{ file: "a/fw.yaml", line: 2, column: 3 }]);
    expect(formatDiagnostics(diagnostics)).toContain("see also: a/fw.yaml:2:3");
  });

  test("GIVEN two hubspot sections in two files WHEN loaded THEN DUPLICATE_HUBSPOT at the later one, naming the earlier", () => {
    const { diagnostics } = load({ "h1.yaml": yaml("hubspot: {}"), "z/h2.yaml": yaml("# another", "hubspot: {}"), "d.yaml": DOMAIN_USING_FW, "fw.yaml": FIREWALL_FW });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["DUPLICATE_HUBSPOT z/h2.yaml:2:1"]);
    expect(diagnostics[0].message).toContain("defined here and at h1.yaml:1:1");
    expect(diagnostics[0].related).toEqual([{ file: "h1.yaml", line: 1, column: 1 }]);
  });

  test("GIVEN a firewall name twice in one file WHEN loaded THEN DUPLICATE_KEY at the second, not a silent overwrite", () => {
    const { diagnostics } = load({ "fw.yaml": yaml(FIREWALL_FW.trimEnd(), "  fw:", "    type: aws-security-group", "    region: eu-west-1", "    securityGroupId: sg-0a1b2c3e"), "d.yaml": DOMAIN_USING_FW });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["DUPLICATE_KEY fw.yaml:6:3"]);
  });

  test("GIVEN keys that differ only in YAML type (1 and \"1\") WHEN loaded THEN a duplicate: they would be one JS key", () => {
    const { diagnostics } = load({ "a.yaml": yaml("firewalls:", "  1: {}", '  "1": {}') });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["DUPLICATE_KEY a.yaml:3:3"]);
  });

  test("GIVEN `__proto__` and `constructor` keys WHEN loaded THEN unknown keys like any other, and no prototype is touched", () => {
    const { diagnostics } = load({ "a.yaml": yaml("__proto__: { polluted: true }", "domains:", "  - __proto__: { domain: x.example.com }", "    constructor: 1") });
    expect(diagnostics.filter((d) => d.code === "UNKNOWN_KEY").map(where)).toEqual(["a.yaml:1:1", "a.yaml:3:5", "a.yaml:4:5"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
