// AWS limits at their exact boundaries (lib/policy/quota.ts), where mutation testing found the
// checks could be moved by one, or lose a bound or a family filter, with every other test
// passing (issue 15): exactly 100 prefix-list entries, a prefix-list rule weighing exactly
// `maxRules`, a split group name of exactly 255 characters, both ends of an ACL's `ruleNumbers`,
// the figures of the over-quota advice per family, and IPv6 in group packing.
import { describe, expect, test } from "vitest";
import { Cidr, type IpFamily } from "../../lib/model/cidr";
import type { Config, CustomIpRanges } from "../../lib/model/config";
import { buildPolicy, type FirewallPolicy, type NetworkAclPolicy } from "../../lib/policy/firewall-policy";
import { checkLimits, countByFamily, packGroups, type LimitProblem } from "../../lib/policy/quota";
import { limitDiagnostic } from "../../lib/validate";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain, networkAcl } from "../support/configs";

/** `n` public addresses two apart (/32 or /128), so none aggregate: `n` rules per port. */
function spaced(n: number, family: IpFamily = 4): Cidr[] {
  const base = family === 4 ? Cidr.of("44.10.0.0/32") : Cidr.of("2600:1f18::/128");
  const bits = family === 4 ? 32 : 128;
  return Array.from({ length: n }, (_, i) => Cidr.fromRange(family, base.first + BigInt(2 * i), bits));
}
const lists = (both: Cidr[]): CustomIpRanges => ({ source: "test", smtp: both, imap: both });

/** Each problem as one line: its kind and the figures that matter for it. */
function problems(cfg: Config | FirewallPolicy): string[] {
  const policy = "targets" in cfg && "catalog" in cfg ? cfg : buildPolicy(cfg);
  return checkLimits(policy).map(describe1);
}
function describe1(p: LimitProblem): string {
  switch (p.kind) {
    case "prefix-list-too-large":
      return `${p.kind} ${p.prefixList.key} ${p.prefixList.entries.length}`;
    case "rule-heavier-than-quota":
      return `${p.kind} tcp/${p.port} ${p.prefixList.key} weighs ${p.prefixList.maxEntries} > ${p.allowed}`;
    case "split-name-too-long":
      return `${p.kind} ${p.groups} groups`;
    case "network-acl-numbers":
      return `${p.kind} ${p.direction} ${p.needed}`;
    default:
      return p.kind;
  }
}

describe("prefix lists: one EC2 request takes 100 entries", () => {
  test.each([
    [99, []],
    [100, []],
    [101, ["prefix-list-too-large smtp/ipv4 101", "prefix-list-too-large imap/ipv4 101"]],
  ])("GIVEN lists of %i blocks on prefix lists WHEN checked THEN %j", (n, expected) => {
    const cfg = config([imapDomain("example.com", ["mail"])], [createdGroup("mail", "us-east-1", "mail", { sources: "prefix-lists", maxRules: 1000 })], lists(spaced(n)));
    expect(problems(cfg)).toEqual(expected);
  });
});

describe("a rule referencing a prefix list weighs its max_entries, which must fit one group", () => {
  // HubSpot's published lists: 6 blocks each, so max_entries 10 for each list's prefix list.
  test.each([
    [11, []],
    [10, []],
    [9, ["rule-heavier-than-quota tcp/587 smtp/ipv4 weighs 10 > 9", "rule-heavier-than-quota tcp/993 imap/ipv4 weighs 10 > 9"]],
  ])("GIVEN a created group on prefix lists with maxRules %i WHEN checked THEN %j", (maxRules, expected) => {
    const cfg = config([imapDomain("example.com", ["mail"])], [createdGroup("mail", "us-east-1", "mail", { sources: "prefix-lists", maxRules })]);
    expect(problems(cfg)).toEqual(expected);
    // At exactly the weight each rule fills a group of its own.
    if (maxRules === 10) expect(buildPolicy(cfg).targets.flatMap((p) => (p.type === "aws-security-group" ? p.groups.map((g) => g.weight.ipv4) : []))).toEqual([10, 10]);
  });
});

describe("split group names: AWS takes 255 characters", () => {
  // maxRules 2 over HubSpot's 6 blocks on one port: 3 groups, `<name>`, `<name>-2`, `<name>-3`.
  test.each([
    [252, []],
    [253, []],
    [254, ["split-name-too-long 3 groups"]],
  ])("GIVEN a name of %i characters WHEN split in 3 THEN %j (the longest is the name plus `-3`)", (length, expected) => {
    const cfg = config([imapDomain("example.com", ["c"], { imap: 993, smtp: 993 })], [createdGroup("c", "us-east-1", "m".repeat(length), { maxRules: 2 })]);
    const groups = buildPolicy(cfg).targets.flatMap((p) => (p.type === "aws-security-group" ? p.groups.map((g) => g.groupName?.length) : []));
    expect(groups).toEqual([length, length + 2, length + 2]);
    expect(problems(cfg)).toEqual(expected);
  });

  test("GIVEN a name of 255 characters that needs no split WHEN checked THEN no problem: only split names grow", () => {
    const cfg = config([imapDomain("example.com", ["c"])], [createdGroup("c", "us-east-1", "m".repeat(255))]);
    expect(problems(cfg)).toEqual([]);
  });
});

describe("network ACL rule numbers stay inside `ruleNumbers`, at both ends", () => {
  // The planner never numbers outside the range on its own; these policies are made wrong by
  // hand, as a planner bug would, so that the check itself is what is tested. A number below
  // `from` would put an ALLOW rule ahead of the user's own DENY rules.
  const cfg = config([imapDomain("example.com", ["acl"])], [networkAcl("acl", { from: 100, to: 199 })]);
  const policy = buildPolicy(cfg);
  const acl = policy.targets[0] as NetworkAclPolicy;

  function withNumber(direction: "inbound" | "outbound", ruleNumber: number): FirewallPolicy {
    const changed: NetworkAclPolicy =
      direction === "inbound"
        ? { ...acl, inbound: acl.inbound.map((r, i) => (i === 0 ? { ...r, place: { ruleNumber } } : r)) }
        : { ...acl, outbound: acl.outbound.map((r, i) => (i === 0 ? { ...r, place: { ruleNumber } } : r)) };
    return { ...policy, targets: [changed] };
  }

  test("GIVEN the planner's numbers WHEN checked THEN all inside 100-199, no problem", () => {
    expect([acl.inbound.length, acl.outbound.length]).toEqual([12, 6]);
    expect([...acl.inbound, ...acl.outbound].every((r) => r.place.ruleNumber >= 100 && r.place.ruleNumber <= 199)).toBe(true);
    expect(problems(policy)).toEqual([]);
  });

  test.each([
    ["inbound", 99, ["network-acl-numbers inbound 12"]],
    ["inbound", 100, []],
    ["inbound", 199, []],
    ["inbound", 200, ["network-acl-numbers inbound 12"]],
    ["inbound", 1, ["network-acl-numbers inbound 12"]],
    ["outbound", 99, ["network-acl-numbers outbound 6"]],
    ["outbound", 100, []],
    ["outbound", 199, []],
    ["outbound", 200, ["network-acl-numbers outbound 6"]],
  ] as const)("GIVEN one %s rule numbered %i WHEN checked THEN %j", (direction, ruleNumber, expected) => {
    expect(problems(withNumber(direction, ruleNumber))).toEqual(expected);
  });

  test("GIVEN a rule below `from` WHEN reported THEN the message names the range", () => {
    const [problem] = checkLimits(withNumber("inbound", 99));
    expect(limitDiagnostic(problem).message).toBe("Firewall `acl` needs 12 inbound rule numbers, but `ruleNumbers` 100-199 has only 100.");
  });
});

describe("the over-quota figures count one address family", () => {
  test("GIVEN an existing group with 61 IPv4 and 5 IPv6 CIDR rules WHEN checked THEN IPv4 only, and its figures leave IPv6 out", () => {
    const cfg = config([imapDomain("example.com", ["dmz"], { imap: 993, smtp: 993 })], [existingGroup("dmz")], lists([...spaced(61), ...spaced(5, 6)]));
    const found = checkLimits(buildPolicy(cfg));
    expect(found.map((p) => (p.kind === "security-group-quota" ? [p.family, p.needed, p.allowed, p.cidrRules, p.cidrAlternative, p.prefixListRules.length] : p.kind))).toEqual([
      [4, 61, 60, 61, 61, 0],
    ]);
    expect(limitDiagnostic(found[0]).message).toBe(
      "Firewall `dmz` needs 61 IPv4 inbound rules in existing security group sg-0a1b2c3d4e5f67890, but `maxRules` allows 60.",
    );
  });

  test("GIVEN an existing group with 3 IPv4 and 61 IPv6 CIDR rules WHEN checked THEN IPv6 only, and its figures leave IPv4 out", () => {
    const cfg = config([imapDomain("example.com", ["dmz"], { imap: 993, smtp: 993 })], [existingGroup("dmz")], lists([...spaced(3), ...spaced(61, 6)]));
    expect(
      checkLimits(buildPolicy(cfg)).map((p) => (p.kind === "security-group-quota" ? [p.family, p.needed, p.cidrRules, p.cidrAlternative] : p.kind)),
    ).toEqual([[6, 61, 61, 61]]);
  });

  test("GIVEN an existing group on prefix lists of both families, IPv4 over the quota WHEN reported THEN the breakdown and the CIDR alternative are IPv4's", () => {
    // 7 Exchange ports x one prefix list per family: IPv4 6 blocks (max_entries 10) = 70 > 60,
    // IPv6 2 blocks (max_entries 5) = 35. With CIDRs IPv4 would be 7 x 6 = 42.
    const ports = [25, 143, 465, 587, 993, 2525, 8443];
    const cfg = config(
      ports.map((port, i) => exchangeDomain(`d${i}.example`, ["dmz"], port)),
      [existingGroup("dmz", "eu-central-1", "sg-0a1b2c3d4e5f67890", { sources: "prefix-lists" })],
      lists([...spaced(6), ...spaced(2, 6)]),
    );
    const found = checkLimits(buildPolicy(cfg));
    expect(
      found.map((p) =>
        p.kind === "security-group-quota"
          ? [p.family, p.needed, p.cidrRules, p.cidrAlternative, p.prefixListRules.map((u) => `${u.prefixList.key} ${u.rules} x ${u.prefixList.maxEntries}`)]
          : p.kind,
      ),
    ).toEqual([[4, 70, 0, 42, ["imap+smtp/ipv4 7 x 10"]]]);
    const diagnostic = limitDiagnostic(found[0]);
    expect(diagnostic.message).toBe(
      "Firewall `dmz` needs 70 IPv4 inbound rules in existing security group sg-0a1b2c3d4e5f67890, but `maxRules` allows 60 (70 = 7 rules x 10 entries of prefix list mailgate-hubspot-imap-smtp-ipv4).",
    );
    expect(diagnostic.hint).toContain("use `sources: cidrs` (a rule that references a prefix list weighs its max_entries, 42 rules here with CIDRs);");
  });
});

describe("the over-quota breakdown names every prefix list, in order", () => {
  test("GIVEN IMAP-only, SMTP-only and Exchange ports on prefix lists WHEN over the quota THEN each list with its rules, sorted by list", () => {
    // 6 ports x 10 (each list's max_entries) = 60 would fit; the 7th port makes 70.
    const domains = [
      imapDomain("a.example", ["dmz"], { imap: 993, smtp: 587 }),
      imapDomain("b.example", ["dmz"], { imap: 143, smtp: 25 }),
      exchangeDomain("c.example", ["dmz"], 443),
      exchangeDomain("d.example", ["dmz"], 8443),
      exchangeDomain("e.example", ["dmz"], 9443),
    ];
    const cfg = config(domains, [existingGroup("dmz", "eu-central-1", "sg-0a1b2c3d4e5f67890", { sources: "prefix-lists" })]);
    const [problem, ...others] = checkLimits(buildPolicy(cfg));
    expect(others).toEqual([]);
    expect(problem.kind === "security-group-quota" && problem.prefixListRules.map((u) => `${u.prefixList.key} ${u.rules}`)).toEqual([
      "imap+smtp/ipv4 3",
      "imap/ipv4 2",
      "smtp/ipv4 2",
    ]);
    expect(limitDiagnostic(problem).message).toBe(
      "Firewall `dmz` needs 70 IPv4 inbound rules in existing security group sg-0a1b2c3d4e5f67890, but `maxRules` allows 60 " +
        "(70 = 3 rules x 10 entries of prefix list mailgate-hubspot-imap-smtp-ipv4 + 2 rules x 10 entries of prefix list mailgate-hubspot-imap-ipv4 + 2 rules x 10 entries of prefix list mailgate-hubspot-smtp-ipv4).",
    );
    expect(limitDiagnostic(problem).hint).toContain("42 rules here with CIDRs");
  });
});

describe("group packing holds IPv6 to the quota as it holds IPv4", () => {
  const v6 = (n: number, port = 993) => Array.from({ length: n }, () => ({ port, family: 6 as IpFamily, weight: 1 }));
  const v4 = (n: number, port = 993) => Array.from({ length: n }, () => ({ port, family: 4 as IpFamily, weight: 1 }));
  const weights = (groups: readonly (readonly { family: IpFamily; weight: number }[])[]) => groups.map((g) => countByFamily(g));

  test.each([
    ["61 IPv6 rules on one port: spread", v6(61), [{ ipv4: 0, ipv6: 60 }, { ipv4: 0, ipv6: 1 }]],
    ["1 IPv4 and 61 IPv6 rules on one port: spread", [...v4(1), ...v6(61)], [{ ipv4: 1, ipv6: 60 }, { ipv4: 0, ipv6: 1 }]],
    ["60 IPv6 on one port, 1 IPv6 on another: the second port does not fit", [...v6(60, 10), ...v6(1, 20)], [{ ipv4: 0, ipv6: 60 }, { ipv4: 0, ipv6: 1 }]],
    ["60 IPv6 on one port, 60 IPv4 on another: one group (separate quotas)", [...v6(60, 10), ...v4(60, 20)], [{ ipv4: 60, ipv6: 60 }]],
    ["30 + 30 IPv6 on two ports: they fill one group exactly", [...v6(30, 10), ...v6(30, 20)], [{ ipv4: 0, ipv6: 60 }]],
    ["30 IPv6 on one port, exactly 60 on another: the full port goes whole to a group of its own", [...v6(30, 10), ...v6(60, 20)], [{ ipv4: 0, ipv6: 30 }, { ipv4: 0, ipv6: 60 }]],
    ["30 IPv4 on one port, exactly 60 on another: the same for IPv4", [...v4(30, 10), ...v4(60, 20)], [{ ipv4: 30, ipv6: 0 }, { ipv4: 60, ipv6: 0 }]],
    ["prefix-list rules of IPv6 weighing 10 on 7 ports", Array.from({ length: 7 }, (_, i) => ({ port: i + 1, family: 6 as IpFamily, weight: 10 })), [{ ipv4: 0, ipv6: 60 }, { ipv4: 0, ipv6: 10 }]],
  ])("%s", (_, items, expected) => {
    expect(weights(packGroups(items, 60))).toEqual(expected);
  });

  test("GIVEN remembered groups holding more IPv6 rules than a lowered quota WHEN packed THEN the surplus moves out, the rest stays", () => {
    const items = Array.from({ length: 6 }, (_, i) => ({ port: 993, family: 6 as IpFamily, weight: 1, key: `r${i}` }));
    const packed = packGroups(items, 4, { groups: [items.map((i) => i.key)], keyOf: (i) => i.key });
    expect(packed.map((g) => g.map((i) => i.key))).toEqual([["r0", "r1", "r2", "r3"], ["r4", "r5"]]);
  });
});
