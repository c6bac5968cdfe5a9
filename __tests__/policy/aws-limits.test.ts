import { afterAll, describe, expect, test } from "vitest";
import type { DiagnosticCode, Severity } from "../../lib/config/diagnostic";
import { formatDiagnostic } from "../../lib/config/format";
import { groupsPerInterfaceLimit, usableNetworkAclRules } from "../../lib/policy/quota";
import { domainUsing, firewall, hubspot } from "../config/builders";
import { removeTempDirs, where } from "../config/helpers";
import { validateFiles } from "../support/validate-dir";

// AWS quotas and names that need the policy's counts (issue 11, part 2): the network ACL's
// default deny rule, split group names compared as AWS compares them, and more groups than a
// network interface takes. Each at its firewall, with its hint.

afterAll(removeTempDirs);

interface Row {
  readonly name: string;
  readonly files: Record<string, string>;
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly at: string;
  /** Text the message or hint must contain. */
  readonly says: string;
}
const e = (name: string, files: Row["files"], code: DiagnosticCode, at: string, says: string): Row => ({ name, files, code, severity: "error", at, says });
const w = (name: string, files: Row["files"], code: DiagnosticCode, at: string, says: string): Row => ({ ...e(name, files, code, at, says), severity: "warning" });

const acl = (target: string[]) => ({ "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ type: "aws-network-acl", target }) });
const sg = (target: string[]) => ({ "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ target }) });
const ACL = ["networkAclId: acl-0a1b2c3d", "ruleNumbers: { from: 100, to: 199 }"];

/** `n` public addresses two apart (no two aggregate): `n` rules per port. */
function spaced(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `44.10.${Math.floor((2 * i) / 256)}.${(2 * i) % 256}`);
}
const lists = (n: number) => hubspot({ smtp: spaced(n), imap: spaced(n) });

const ROWS: Row[] = [
  e("an ACL needing 20 rules a direction: the default deny rule is the 20th", { ...acl(ACL), "h.yaml": lists(10) }, "RULE_QUOTA_EXCEEDED", "fw.yaml:2:3", "`maxRules` 20 leaves room for 19"),
  e("an ACL quota of 1 leaves mailgate nothing", acl([...ACL, "maxRules: 1"]), "INVALID_MAX_RULES", "fw.yaml:7:15", "the least allowed is 2"),
  e(
    "a split group named like another target's group, in another case",
    {
      "a.yaml": domainUsing("one", "two"),
      "fw.yaml": firewall({ name: "one", target: ["vpcId: vpc-0a1b2c3d", "name: mail", "maxRules: 6"] }),
      "fw2.yaml": firewall({ name: "two", target: ["vpcId: vpc-0a1b2c3d", "name: MAIL-2"] }),
    },
    "DUPLICATE_GROUP_NAME",
    "fw.yaml:2:3",
    '"mail-2"',
  ),
  w("more groups than an interface takes by default", sg(["vpcId: vpc-0a1b2c3d", "name: mail", "maxRules: 2"]), "TOO_MANY_SECURITY_GROUPS", "fw.yaml:2:3", "needs 6 security groups; a network interface takes 5 by default"),
  e("more groups than an interface can ever take", { ...sg(["vpcId: vpc-0a1b2c3d", "name: mail", "maxRules: 1"]), "h.yaml": lists(9) }, "TOO_MANY_SECURITY_GROUPS", "fw.yaml:2:3", "needs 18 security groups, but a network interface takes at most 16 (AWS's maximum)"),
  e("more groups than rules x groups <= 1000 allows", { ...sg(["vpcId: vpc-0a1b2c3d", "name: mail", "maxRules: 400"]), "h.yaml": lists(401) }, "TOO_MANY_SECURITY_GROUPS", "fw.yaml:2:3", "takes at most 2 with `maxRules` 400"),
];

describe("AWS quotas and names: one diagnostic each, at the firewall", () => {
  test.each(ROWS.map((row) => [row.name, row] as const))("%s", (_, row) => {
    // GIVEN a config whose only problem is the one the row names; WHEN validated
    const { config, diagnostics } = validateFiles(row.files);
    // THEN that problem is reported once, with its code, severity, position and fix
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${where(d)}`)).toEqual([`${row.severity} ${row.code} ${row.at}`]);
    expect(`${diagnostics[0].message} ${diagnostics[0].hint ?? ""}`).toContain(row.says);
    expect(config !== undefined).toBe(row.severity === "warning");
  });

  test("GIVEN an ACL of 19 rules a direction WHEN validated THEN valid: the default deny rule is the 20th", () => {
    expect(validateFiles({ ...acl(ACL), "h.yaml": hubspot({ smtp: spaced(18), imap: ["44.10.0.0"] }) }).diagnostics).toEqual([]);
  });

  test("a split no network interface can take, word for word", () => {
    const { diagnostics } = validateFiles({ ...sg(["vpcId: vpc-0a1b2c3d", "name: mail", "maxRules: 1"]), "h.yaml": lists(9) });
    expect(diagnostics.map(formatDiagnostic).join("\n")).toMatchInlineSnapshot(`
      "fw.yaml:2:3: error TOO_MANY_SECURITY_GROUPS: Firewall \`fw\` needs 18 security groups, but a network interface takes at most 16 (AWS's maximum).
          2 |   fw:
            |   ^^
        hint: the mail servers could never be attached to all of them: raise \`maxRules\` if AWS raised the rules quota (fewer, larger groups), use \`sources: cidrs\` if the rules reference prefix lists, or split the domains over several firewalls"
    `);
  });
});

describe("the arithmetic", () => {
  test.each([
    [20, 19],
    [40, 39],
    [2, 1],
  ])("a network ACL quota of %i leaves mailgate %i rules (the default deny rule takes one)", (maxRules, usable) => {
    expect(usableNetworkAclRules(maxRules)).toBe(usable);
  });

  test.each([
    [1, 16],
    [60, 16],
    [62, 16],
    [63, 15],
    [100, 10],
    [200, 5],
    [1000, 1],
  ])("with maxRules %i a network interface takes at most %i groups (16, and rules x groups <= 1000)", (maxRules, groups) => {
    expect(groupsPerInterfaceLimit(maxRules)).toBe(groups);
  });
});
