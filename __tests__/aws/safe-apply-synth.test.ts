import { afterAll, describe, expect, test } from "vitest";
import { App, Testing } from "cdktf";
import { addStacks } from "../../lib/aws/stacks";
import type { Config } from "../../lib/model/config";
import { leavingAccess, withRemovedTargets } from "../../lib/policy/leaving";
import { renderPlacements } from "../../lib/policy/placements";
import type { FirewallPolicy } from "../../lib/policy/types";
import { readWrittenStacks } from "../../lib/verify/terraform-json";
import { expectationOf, verifyTerraform, type LeavingAccess } from "../../lib/verify/verify-terraform";
import { removeTempDirs } from "../config/helpers";
import { tempDir } from "../support/run";
import { validateFiles } from "../support/validate-dir";

// What the stacks say about the apply (issue 19), read from the synthesized Terraform JSON:
// moved blocks for a rename, create-before-destroy where a replacement must not leave a gap, and
// an expand phase that holds the leaving rules and nothing else.

afterAll(removeTempDirs);

interface TfJson {
  readonly resource: Record<string, Record<string, { description?: string; rule_number?: number; lifecycle?: { create_before_destroy?: boolean } }>>;
  readonly moved?: readonly { readonly from: string; readonly to: string }[];
}

function files(name: string, extra: string[] = [], imap = "141.193.184.0/27"): Record<string, string> {
  return {
    "a.yaml": [
      "hubspot:",
      "  ipRanges: { source: test, smtp: [141.193.185.0/27], imap: [" + imap + "] }",
      "domains:",
      "  - domain: example.com",
      "    imap:",
      "      incoming: { host: imap.example.com, port: 993 }",
      "      outgoing: { host: smtp.example.com, port: 587 }",
      `    firewalls: [${name}, ${name}-acl]`,
      "firewalls:",
      `  ${name}:`,
      "    type: aws-security-group",
      "    region: us-east-1",
      "    vpcId: vpc-0a1b2c3d4e5f67890",
      "    name: hubspot-mail",
      ...extra.map((l) => `    ${l}`),
      `  ${name}-acl:`,
      "    type: aws-network-acl",
      "    region: us-east-1",
      "    networkAclId: acl-0a1b2c3d4e5f67890",
      "    ruleNumbers: { from: 100, to: 199 }",
      ...(extra.length > 0 ? [`    renamedFrom: ${extra[0]?.replace("renamedFrom: ", "")}-acl`] : []),
      "",
    ].join("\n"),
  };
}

/** The verifier main.ts runs, on the stacks of `policy` as cdktf writes them to disk. */
function verifyWritten(policy: FirewallPolicy, config: Config, leaving?: LeavingAccess) {
  const outdir = tempDir("mailgate-safe-apply-");
  const app = new App({ outdir });
  addStacks(app, policy);
  app.synth();
  return verifyTerraform(readWrittenStacks(outdir), expectationOf(config, leaving));
}

function synth(policy: FirewallPolicy | undefined): TfJson {
  if (!policy) throw new Error("invalid config");
  const app = Testing.app();
  const [stack] = addStacks(app, policy);
  return JSON.parse(Testing.synth(stack as never)) as TfJson;
}

describe("renames", () => {
  test("GIVEN a target renamed with `renamedFrom` WHEN synthesized THEN every resource has a moved block from its old address, and the group keeps its description", () => {
    const before = validateFiles(files("mail"));
    if (!before.placements) throw new Error("invalid config");
    const after = validateFiles(files("post", ["renamedFrom: mail"]), renderPlacements(before.placements));
    expect(after.diagnostics).toEqual([]);
    const old = synth(before.policy);
    const json = synth(after.policy);
    const addresses = (j: TfJson) => Object.entries(j.resource).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)).sort();
    const renamed = addresses(old).map((a) => a.replace(/\.mail/, ".post")).sort();
    expect(addresses(json)).toEqual(renamed);
    expect([...(json.moved ?? [])].sort((a, b) => (a.from < b.from ? -1 : 1))).toEqual(
      addresses(old).map((from) => ({ from, to: from.replace(/\.mail/, ".post") })),
    );
    expect(json.resource.aws_security_group?.post_group?.description).toBe(old.resource.aws_security_group?.mail_group?.description);
  });
});

describe("replacements create first", () => {
  test("GIVEN any config WHEN synthesized THEN every network ACL rule and security group rule is create_before_destroy, and groups are not", () => {
    const json = synth(validateFiles(files("mail")).policy);
    const of = (type: string) => Object.values(json.resource[type] ?? {}).map((r) => r.lifecycle?.create_before_destroy);
    expect(of("aws_network_acl_rule").length).toBeGreaterThan(0);
    expect(new Set(of("aws_network_acl_rule"))).toEqual(new Set([true]));
    expect(new Set(of("aws_vpc_security_group_ingress_rule"))).toEqual(new Set([true]));
    expect(of("aws_security_group")).toEqual([undefined]);
  });
});

describe("the expand phase", () => {
  const widened = () => {
    const before = validateFiles(files("mail"));
    if (!before.placements) throw new Error("invalid config");
    return validateFiles(files("mail", [], "141.193.184.0/26"), renderPlacements(before.placements));
  };

  test("GIVEN a widened block WHEN the expand phase is synthesized THEN it holds the old and new rules, with the old rules' numbers, and passes the verifier only with the leaving rules allowed", () => {
    const after = widened();
    if (!after.expand || !after.policy || !after.config) throw new Error("invalid config");
    const app = Testing.app();
    const [stack] = addStacks(app, after.expand);
    const json = JSON.parse(Testing.synth(stack as never)) as TfJson;
    const rules = Object.keys(json.resource.aws_vpc_security_group_ingress_rule ?? {}).sort();
    expect(rules).toEqual(["mail_tcp587_141-193-185-0-27", "mail_tcp993_141-193-184-0-26", "mail_tcp993_141-193-184-0-27"]);
    const acl = json.resource.aws_network_acl_rule ?? {};
    expect(acl["mail-acl_in_tcp993_141-193-184-0-27"]?.rule_number).toBe(after.placements?.leaving?.get("mail-acl")?.inbound?.get("tcp/993 141.193.184.0/27"));
    // The /27 lies inside the /26: the expand phase admits nothing the new config does not.
    expect(() => verifyWritten(after.expand as FirewallPolicy, after.config as never)).not.toThrow();
  });

  test("GIVEN a block HubSpot narrowed WHEN the expand phase is synthesized THEN the verifier refuses its extra addresses unless they are the leaving rules'", () => {
    const before = validateFiles(files("mail", [], "141.193.184.0/26"));
    if (!before.placements) throw new Error("invalid config");
    const after = validateFiles(files("mail"), renderPlacements(before.placements));
    if (!after.expand || !after.policy || !after.config) throw new Error("invalid config");
    expect(() => verifyWritten(after.expand as FirewallPolicy, after.config as never)).toThrow(/target mail port 993 open 64 addresses but HubSpot's lists require 32: missing none, extra 141\.193\.184\.32-141\.193\.184\.63/);
    expect(() => verifyWritten(after.expand as FirewallPolicy, after.config as never, leavingAccess(after.expand as FirewallPolicy, after.policy as FirewallPolicy))).not.toThrow();
  });

  test("GIVEN nothing leaves WHEN the expand phase is synthesized THEN it is the contract phase, byte for byte", () => {
    const before = validateFiles(files("mail"));
    if (!before.placements) throw new Error("invalid config");
    const same = validateFiles(files("mail"), renderPlacements(before.placements));
    expect(same.expand).toBe(same.policy);
    expect(JSON.stringify(synth(same.expand))).toBe(JSON.stringify(synth(same.policy)));
  });
});

describe("a target left without domains", () => {
  test("GIVEN a created group's domains all unlisted WHEN the expand phase is synthesized THEN it keeps the group and its rules, and the verifier knows the idle target", () => {
    const before = validateFiles(files("mail"));
    if (!before.placements) throw new Error("invalid config");
    const unlisted = files("mail");
    unlisted["a.yaml"] = (unlisted["a.yaml"] ?? "").replace("firewalls: [mail, mail-acl]", "firewalls: [mail-acl]");
    const after = validateFiles(unlisted, renderPlacements(before.placements));
    if (!after.expand || !after.policy || !after.config) throw new Error(after.diagnostics.map((d) => d.message).join("\n"));
    const app = Testing.app();
    const [stack] = addStacks(app, after.expand);
    expect(() => verifyWritten(after.expand as FirewallPolicy, after.config as never, leavingAccess(after.expand as FirewallPolicy, after.policy as FirewallPolicy))).not.toThrow();
    const json = JSON.parse(Testing.synth(stack as never)) as TfJson;
    expect(Object.keys(json.resource.aws_security_group ?? {})).toEqual(["mail_group"]);
    expect(Object.keys(json.resource.aws_vpc_security_group_ingress_rule ?? {}).sort()).toEqual(["mail_tcp587_141-193-185-0-27", "mail_tcp993_141-193-184-0-27"]);
    const contract = synth(after.policy);
    expect(Object.keys(contract.resource.aws_security_group ?? {})).toEqual(["mail_group"]);
    expect(contract.resource.aws_vpc_security_group_ingress_rule).toBeUndefined();
  });
});

describe("a removed target in the expand phase", () => {
  test("GIVEN a created-group target deleted from the config WHEN the expand phase is synthesized THEN it holds the group and rules as before, and passes the verifier with the removed target known", () => {
    const before = validateFiles(files("mail"));
    if (!before.placements) throw new Error("invalid config");
    const gone = files("mail");
    gone["a.yaml"] = (gone["a.yaml"] ?? "").replace("firewalls: [mail, mail-acl]", "firewalls: [mail-acl]").replace(/  mail:\n(    .*\n)+?(?=  mail-acl:)/, "");
    const after = validateFiles(gone, renderPlacements(before.placements));
    if (!after.expand || !after.policy || !after.config) throw new Error(after.diagnostics.map((d) => d.message).join("\n"));
    expect(after.config.firewalls.map((t) => t.name)).toEqual(["mail-acl"]);
    const app = Testing.app();
    const [stack] = addStacks(app, after.expand);
    expect(() => verifyWritten(after.expand as FirewallPolicy, after.config as never, leavingAccess(after.expand as FirewallPolicy, after.policy as FirewallPolicy))).toThrow(/which the config does not define/);
    expect(() =>
      verifyWritten(after.expand as FirewallPolicy, withRemovedTargets(after.config as never, after.expand as FirewallPolicy), leavingAccess(after.expand as FirewallPolicy, after.policy as FirewallPolicy)),
    ).not.toThrow();
    const json = JSON.parse(Testing.synth(stack as never)) as TfJson;
    const old = synth(before.policy);
    expect(json.resource.aws_security_group).toEqual(old.resource.aws_security_group);
    expect(json.resource.aws_vpc_security_group_ingress_rule).toEqual(old.resource.aws_vpc_security_group_ingress_rule);
    expect(synth(after.policy).resource.aws_security_group).toBeUndefined();
  });
});
