import { afterAll, describe, expect, test } from "vitest";
import type { Config } from "../../lib/model/config";
import { changeFingerprint, leavingAccess, leavingOf, NO_LEAVING, renamesOf, sameLeaving, withRemovedTargets, type Leaving } from "../../lib/policy/leaving";
import type { LeavingRules, Placements, TargetPlacement } from "../../lib/policy/placement-types";
import { removeTempDirs } from "../config/helpers";
import { ACL, config, CREATED, EXISTING, opened, step } from "./safe-apply-steps";

// What leaves with a change (lib/policy/leaving.ts), from the placements the last synth wrote to
// those of this one: what the expand phase keeps, and when a commit synthesized again keeps it.

afterAll(removeTempDirs);

const STACK = "mailgate-us-east-1";
const placements = (targets: Record<string, TargetPlacement>, prefixLists: Record<string, number> = {}, extra: Partial<Placements> = {}): Placements => ({
  stacks: new Map([[STACK, { region: "us-east-1", targets: Object.keys(targets).sort() }]]),
  targets: new Map(Object.entries(targets)),
  prefixLists: new Map(Object.entries(prefixLists)),
  ...extra,
});
const NO_RENAMES = new Map<string, string>();
const A = "tcp/993 141.193.184.0/27";
const B = "tcp/587 141.193.184.0/27";
const C = "tcp/993 141.193.184.0/26";

describe("what leaves a target that stays", () => {
  test("GIVEN a group's rule replaced WHEN placements change THEN the old rule leaves, with the lists its description names", () => {
    const was = placements({ mail: { stack: STACK, securityGroupId: "sg-1", groups: [[A, B]], lists: new Map([[A, "imap"], [B, "smtp"]]) } });
    const now = placements({ mail: { stack: STACK, securityGroupId: "sg-1", groups: [[B, C]], lists: new Map([[B, "smtp"], [C, "imap"]]) } });
    expect(leavingOf(was, now, NO_RENAMES, "f")).toEqual(new Map([["mail", { groups: [[A]], lists: new Map([[A, "imap"]]) }]]));
  });

  test("GIVEN placements of an earlier version, without lists WHEN a rule leaves THEN it leaves with no lists, and nothing fails", () => {
    const was = placements({ mail: { stack: STACK, securityGroupId: "sg-1", groups: [[A, B]] } });
    const now = placements({ mail: { stack: STACK, securityGroupId: "sg-1", groups: [[B]] } });
    expect(leavingOf(was, now, NO_RENAMES, "f")).toEqual(new Map([["mail", { groups: [[A]], lists: new Map() }]]));
  });

  test.each([
    ["inbound", { inbound: new Map([[A, 100], [B, 101]]) }, { inbound: new Map([[A, 100], [B, 105]]) }, { inbound: new Map([[B, 101]]) }],
    ["outbound", { outbound: new Map([[A, 100]]) }, { outbound: new Map([[A, 102]]) }, { outbound: new Map([[A, 100]]) }],
  ])("GIVEN an ACL's %s rule renumbered WHEN placements change THEN only its old number leaves: no group, no lists", (_way, before, after, leaves) => {
    const was = placements({ acl: { stack: STACK, networkAclId: "acl-1", ...before } });
    const now = placements({ acl: { stack: STACK, networkAclId: "acl-1", ...after } });
    expect(leavingOf(was, now, NO_RENAMES, "f")).toEqual(new Map([["acl", leaves]]));
  });

  test("GIVEN nothing moved WHEN placements are compared THEN nothing leaves", () => {
    const both = placements({ acl: { stack: STACK, networkAclId: "acl-1", inbound: new Map([[A, 100]]) } });
    expect(leavingOf(both, both, NO_RENAMES, "f")).toEqual(new Map());
  });

  test("GIVEN a renamed target whose rule is replaced WHEN placements change THEN the rule leaves under its new name, found under its old one", () => {
    const was = placements({ old: { stack: STACK, networkAclId: "acl-1", inbound: new Map([[A, 100], [B, 101]]) } });
    const now = placements({ mail: { stack: STACK, networkAclId: "acl-1", inbound: new Map([[B, 101], [C, 102]]) } });
    expect(leavingOf(was, now, new Map([["mail", "old"]]), "f")).toEqual(new Map([["mail", { inbound: new Map([[A, 100]]) }]]));
  });

  test("GIVEN a target moved to another stack WHEN placements change THEN nothing leaves it: its old stack's apply removes the old rules", () => {
    const was = placements({ acl: { stack: STACK, networkAclId: "acl-1", inbound: new Map([[A, 100]]) } });
    const now = placements({ acl: { stack: "mailgate-eu-west-1", networkAclId: "acl-1", inbound: new Map([[B, 100]]) } });
    expect(leavingOf(was, now, NO_RENAMES, "f")).toEqual(new Map());
  });
});

describe("what leaves with a removed target", () => {
  test("GIVEN an existing group's target removed WHEN placements change THEN its rules leave with its stack and group", () => {
    const was = placements({ mail: { stack: STACK, securityGroupId: "sg-1", groups: [[A]], lists: new Map([[A, "imap"]]) } });
    expect(leavingOf(was, placements({}), NO_RENAMES, "f")).toEqual(
      new Map([["mail", { groups: [[A]], lists: new Map([[A, "imap"]]), stack: STACK, securityGroupId: "sg-1" }]]),
    );
  });

  test("GIVEN an emptied created group's target removed WHEN placements change THEN its empty groups leave too (the contract deletes them), with the name they were created under", () => {
    const was = placements({ mail: { stack: STACK, vpcId: "vpc-1", name: "hubspot-mail", createdAs: "first", groups: [[], []] } });
    expect(leavingOf(was, placements({}), NO_RENAMES, "f")).toEqual(
      new Map([["mail", { groups: [[], []], stack: STACK, vpcId: "vpc-1", name: "hubspot-mail", createdAs: "first" }]]),
    );
  });

  test("GIVEN an existing group's target with no rules left removed WHEN placements change THEN nothing leaves: there is nothing to keep or delete", () => {
    const was = placements({ mail: { stack: STACK, securityGroupId: "sg-1", groups: [[]] } });
    expect(leavingOf(was, placements({}), NO_RENAMES, "f")).toEqual(new Map());
  });

  test("GIVEN a removed target placed by an earlier version (no identity) or holding a rule group WHEN placements change THEN nothing leaves: expand could not render it", () => {
    const was = placements({
      old: { stack: STACK, groups: [[A]] },
      nfw: { stack: STACK, name: "hubspot-mail", sids: new Map([[A, 1000000]]) },
    });
    expect(leavingOf(was, placements({}), NO_RENAMES, "f")).toEqual(new Map());
  });

  test("GIVEN an ACL target removed WHEN placements change THEN its rule numbers leave with its ACL", () => {
    const was = placements({ acl: { stack: STACK, networkAclId: "acl-1", inbound: new Map([[A, 100]]) } });
    expect(leavingOf(was, placements({}), NO_RENAMES, "f")).toEqual(new Map([["acl", { inbound: new Map([[A, 100]]), stack: STACK, networkAclId: "acl-1" }]]));
  });

  test("GIVEN a target renamed away WHEN placements change THEN its old name does not leave as removed", () => {
    const was = placements({ old: { stack: STACK, networkAclId: "acl-1", inbound: new Map([[A, 100]]) } });
    const now = placements({ mail: { stack: STACK, networkAclId: "acl-1", inbound: new Map([[A, 100]]) } });
    expect(leavingOf(was, now, new Map([["mail", "old"]]), "f")).toEqual(new Map());
  });
});

describe("the same commit synthesized again keeps what it recorded as leaving", () => {
  const recorded: Leaving = new Map([["acl", { inbound: new Map([[A, 100]]) }]]);
  const now = placements({ acl: { stack: STACK, networkAclId: "acl-1", inbound: new Map([[B, 101], [C, 102]]) } }, { "imap/ipv4": 5 });

  test("GIVEN the placements and fingerprint it recorded WHEN compared again THEN its recorded leaving rules stay, as a string or computed fingerprint", () => {
    const previous = { ...now, leaving: recorded, leavingFor: "f1" };
    expect(leavingOf(previous, now, NO_RENAMES, "f1")).toBe(recorded);
    expect(leavingOf(previous, now, NO_RENAMES, () => "f1")).toBe(recorded);
  });

  test("GIVEN the same placements with their maps and fields in another order WHEN compared again THEN still the same commit", () => {
    const previous = placements({ acl: { inbound: new Map([[C, 102], [B, 101]]), networkAclId: "acl-1", stack: STACK } }, { "imap/ipv4": 5 }, { leaving: recorded, leavingFor: "f1" });
    expect(leavingOf(previous, now, NO_RENAMES, "f1")).toBe(recorded);
    const two = (first: string, second: string) =>
      placements({ [first]: { stack: STACK, networkAclId: `acl-${first}` }, [second]: { stack: STACK, networkAclId: `acl-${second}` } }, { "imap/ipv4": 5, "smtp/ipv4": 5 });
    expect(leavingOf({ ...two("x", "y"), leaving: recorded, leavingFor: "f1" }, placements({ y: { stack: STACK, networkAclId: "acl-y" }, x: { stack: STACK, networkAclId: "acl-x" } }, { "smtp/ipv4": 5, "imap/ipv4": 5 }), NO_RENAMES, "f1")).toBe(recorded);
  });

  test("GIVEN another config (fingerprint) with the same placements WHEN compared THEN a new change: nothing leaves, the recorded rules are gone", () => {
    const previous = { ...now, leaving: recorded, leavingFor: "f1" };
    expect(leavingOf(previous, now, NO_RENAMES, "f2")).toEqual(new Map());
  });

  test("GIVEN the same fingerprint but a placement or a prefix list moved WHEN compared THEN a new change", () => {
    const moved = placements({ acl: { stack: STACK, networkAclId: "acl-1", inbound: new Map([[B, 103], [C, 102]]) } }, { "imap/ipv4": 5 });
    expect(leavingOf({ ...now, leaving: recorded, leavingFor: "f1" }, moved, NO_RENAMES, "f1")).toEqual(new Map([["acl", { inbound: new Map([[B, 101]]) }]]));
    const resized = placements({ acl: { stack: STACK, networkAclId: "acl-1", inbound: new Map([[B, 101], [C, 102]]) } }, { "imap/ipv4": 10 });
    expect(leavingOf({ ...now, leaving: recorded, leavingFor: "f1" }, resized, NO_RENAMES, "f1")).toEqual(new Map());
  });

  test("GIVEN no recorded fingerprint WHEN compared THEN the leaving rules are computed afresh, and the config is not hashed", () => {
    const previous = { ...now, leaving: recorded };
    expect(leavingOf(previous, now, NO_RENAMES, () => { throw new Error("hashed"); })).toEqual(new Map());
  });

  test("GIVEN leaving sets in another order WHEN compared THEN the same; another number THEN not", () => {
    const x: LeavingRules = { inbound: new Map([[A, 100]]) };
    const y: LeavingRules = { groups: [[B]], lists: new Map([[B, "smtp"]]) };
    expect(sameLeaving(new Map([["a", x], ["b", y]]), new Map([["b", y], ["a", x]]))).toBe(true);
    expect(sameLeaving(new Map([["a", x]]), new Map([["a", { inbound: new Map([[A, 101]]) }]]))).toBe(false);
    expect(sameLeaving(NO_LEAVING, new Map())).toBe(true);
  });
});

describe("a config's fingerprint and renames", () => {
  const valid = (files: Record<string, string>): Config => {
    const r = step(files);
    if (!r.config) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
    return r.config;
  };

  test("GIVEN a config WHEN fingerprinted THEN 16 hex digits, the same when its text only moves, another when a CIDR changes", () => {
    const base = config({ firewalls: { mail: EXISTING } });
    const fingerprint = changeFingerprint(valid(base));
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const moved = { "a.yaml": `# a comment moves every line\n\n${base["a.yaml"] ?? ""}` };
    expect(changeFingerprint(valid(moved))).toBe(fingerprint);
    expect(changeFingerprint(valid(config({ imap: "141.193.184.0/26, 143.244.82.8/30", firewalls: { mail: EXISTING } })))).not.toBe(fingerprint);
  });

  test("GIVEN one renamed target among others WHEN renames are read THEN only it, new name to old", () => {
    const c = valid(config({ firewalls: { mail: [...EXISTING, "renamedFrom: old"], acl: ACL } }));
    expect(renamesOf(c)).toEqual(new Map([["mail", "old"]]));
  });
});

describe("the expand phase's extra targets and access", () => {
  test("GIVEN a removed target and one that stays WHEN verifying the expand phase THEN the removed one is an idle target, after the config's own idle ones", () => {
    const first = step(config({ firewalls: { gone: CREATED, keep: EXISTING } }));
    const IDLE = [...CREATED.slice(0, 3), "name: hubspot-idle"];
    const files = config({ firewalls: { keep: EXISTING, idle: IDLE } });
    files["a.yaml"] = (files["a.yaml"] ?? "").replace("firewalls: [keep, idle]", "firewalls: [keep]");
    const second = step(files, first);
    if (!second.config || !second.expand) throw new Error("invalid config");
    expect((second.config.idleFirewalls ?? []).map((t) => t.name)).toEqual(["idle"]);
    expect(second.expand.targets.map((t) => t.target.name)).toEqual(["gone", "keep"]);
    const verified = withRemovedTargets(second.config, second.expand);
    expect(verified.firewalls.map((t) => t.name)).toEqual(["keep"]);
    expect((verified.idleFirewalls ?? []).map((t) => t.name)).toEqual(["idle", "gone"]);
    expect(withRemovedTargets(second.config, second.policy ?? second.expand)).toBe(second.config);
    const access = leavingAccess(second.expand, second.policy ?? second.expand);
    expect([...access].map(([name, ports]) => [name, [...ports].map(([port, cidrs]) => [port, cidrs.map(String).sort()]).sort()])).toEqual([
      ["gone", [[587, ["141.193.184.0/27", "143.244.82.12/30"]], [993, ["141.193.184.0/27", "143.244.82.8/30"]]]],
    ]);
  });

  test("GIVEN a removed target between two that stay, in an account's stack WHEN the expand phase is planned THEN it holds the removed one in name order, with its stack's account and roles", () => {
    const account = ['account: "123456789012"', "roleArn: arn:aws:iam::123456789012:role/mailgate-deploy", "planRoleArn: arn:aws:iam::123456789012:role/mailgate-plan"];
    const zulu = EXISTING;
    const first = step(config({ firewalls: { alpha: ACL, mid: [...CREATED, ...account], zulu } }));
    const second = step(config({ firewalls: { zulu, alpha: ACL } }), first);
    if (!second.expand) throw new Error("invalid config");
    expect(second.expand.targets.map((t) => t.target.name)).toEqual(["alpha", "mid", "zulu"]);
    expect(second.expand.targets[1]?.target).toMatchObject({ stack: "mailgate-123456789012-us-east-1", account: "123456789012", roleArn: account[1]?.slice(9), planRoleArn: account[2]?.slice(13) });
  });

  test("GIVEN a removed target on prefix lists WHEN the expand phase is planned THEN it keeps the lists its rules reference, sorted by key", () => {
    const first = step(config({ firewalls: { gone: [...EXISTING, "sources: prefix-lists"], keep: ACL } }));
    const second = step(config({ firewalls: { keep: ACL } }), first);
    expect(second.policy?.prefixLists).toEqual([]);
    expect(second.expand?.prefixLists.map((p) => [p.key, p.maxEntries])).toEqual([["imap/ipv4", 5], ["smtp/ipv4", 5]]);
  });

  test("GIVEN a widened /27 WHEN the expand phase's extra access is read THEN only the leaving /27 per port, not the rules both phases hold", () => {
    const first = step(config({ firewalls: { mail: EXISTING } }));
    const second = step(config({ imap: "141.193.184.0/26, 143.244.82.8/30", firewalls: { mail: EXISTING } }), first);
    if (!second.expand || !second.policy) throw new Error("invalid config");
    const access = leavingAccess(second.expand, second.policy);
    expect([...access].map(([name, ports]) => [name, [...ports].map(([port, cidrs]) => [port, cidrs.map(String)])])).toEqual([["mail", [[993, ["141.193.184.0/27"]]]]]);
    expect(opened(second.expand)).toHaveLength(opened(second.policy).length + 1);
  });
});
