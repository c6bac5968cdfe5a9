import { describe, expect, test } from "vitest";
import { Cidr, type IpFamily } from "../../lib/model/cidr";
import type { Config, CustomIpRanges } from "../../lib/model/config";
import { buildPolicy, type SecurityGroupPolicy } from "../../lib/policy/firewall-policy";
import { computedCapacity, legacyCapacity } from "../../lib/kinds/network-firewall/plan";
import { prefixListMaxEntries } from "../../lib/policy/prefix-lists";
import { checkLimits, countByFamily, groupsNeeded, packGroups, type LimitProblem } from "../../lib/policy/quota";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain, networkAcl, networkFirewall } from "../support/configs";

/** `n` rules of weight `w` on one port per rule (ports 1..n), of one family. */
const onePerPort = (n: number, family: IpFamily = 4, w = 1) => Array.from({ length: n }, (_, i) => ({ port: i + 1, family, weight: w }));
/** `n` rules of weight 1 all on one port. */
const onOnePort = (n: number, family: IpFamily = 4, port = 993) => Array.from({ length: n }, () => ({ port, family, weight: 1 }));

/** `n` public /32s two apart, so none aggregate: `n` rules per port. */
function spaced(n: number, base = "44.10.0.0"): Cidr[] {
  const first = Cidr.of(`${base}/32`).first;
  return Array.from({ length: n }, (_, i) => Cidr.fromRange(4, first + BigInt(2 * i), 32));
}
const lists = (smtp: Cidr[], imap: Cidr[] = smtp): CustomIpRanges => ({ source: "test", smtp, imap });

function problems(cfg: Config): LimitProblem[] {
  return checkLimits(buildPolicy(cfg));
}

describe("quota arithmetic", () => {
  test.each([
    ["CIDR rules, IPv4 only", [{ family: 4, weight: 1 }, { family: 4, weight: 1 }], { ipv4: 2, ipv6: 0 }],
    ["IPv4 and IPv6 counted apart", [{ family: 4, weight: 1 }, { family: 6, weight: 1 }, { family: 6, weight: 1 }], { ipv4: 1, ipv6: 2 }],
    ["a prefix-list rule weighs its max_entries", [{ family: 4, weight: 10 }, { family: 4, weight: 1 }], { ipv4: 11, ipv6: 0 }],
    ["prefix lists of both families", [{ family: 4, weight: 10 }, { family: 6, weight: 5 }, { family: 6, weight: 10 }], { ipv4: 10, ipv6: 15 }],
    ["nothing", [], { ipv4: 0, ipv6: 0 }],
  ] as const)("%s", (_, items, expected) => {
    expect(countByFamily(items)).toEqual(expected);
  });

  test.each([
    // [what, items, maxRules, groups]
    ["60 rules on 60 ports", onePerPort(60), 60, 1],
    ["61 rules on 61 ports", onePerPort(61), 60, 2],
    ["120 rules on 120 ports", onePerPort(120), 60, 2],
    ["121 rules on 121 ports", onePerPort(121), 60, 3],
    ["60 rules on one port", onOnePort(60), 60, 1],
    ["61 rules on one port", onOnePort(61), 60, 2],
    ["120 rules on one port", onOnePort(120), 60, 2],
    ["121 rules on one port", onOnePort(121), 60, 3],
    ["60 IPv4 and 60 IPv6 rules share one group (separate quotas)", [...onOnePort(60, 4), ...onOnePort(60, 6)], 60, 1],
    ["61 IPv4 and 1 IPv6 rules", [...onOnePort(61, 4), ...onOnePort(1, 6)], 60, 2],
    ["6 prefix-list rules weighing 10", onePerPort(6, 4, 10), 60, 1],
    ["7 prefix-list rules weighing 10", onePerPort(7, 4, 10), 60, 2],
    ["12 prefix-list rules weighing 10", onePerPort(12, 4, 10), 60, 2],
    ["13 prefix-list rules weighing 10", onePerPort(13, 4, 10), 60, 3],
    ["a raised quota of 200 holds 121 rules", onOnePort(121), 200, 1],
    ["nothing", [], 60, 0],
  ])("%s: maxRules %i -> %i group(s)", (_, items, maxRules, groups) => {
    const packed = packGroups(items, maxRules);
    expect(packed).toHaveLength(groups);
    expect(groupsNeeded(items, maxRules)).toBe(groups);
    // Nothing lost, nothing doubled, every group within the quota per family.
    expect(packed.flat()).toHaveLength(items.length);
    for (const group of packed) {
      const w = countByFamily(group);
      expect(Math.max(w.ipv4, w.ipv6)).toBeLessThanOrEqual(maxRules);
    }
  });

  test("GIVEN several ports WHEN packed THEN each port stays whole in one group while it fits, in ascending port order", () => {
    // Ports 10, 20, 30 with 25 rules each and a quota of 60: 10 and 20 share group 1, 30 opens group 2.
    const items = [30, 20, 10].flatMap((port) => onOnePort(25, 4, port));
    expect(packGroups(items, 60).map((g) => [...new Set(g.map((i) => i.port))])).toEqual([[10, 20], [30]]);
  });

  test("GIVEN a packed layout WHEN a higher port is added THEN no existing rule changes group (stability)", () => {
    const before = packGroups([10, 20, 30].flatMap((port) => onOnePort(25, 4, port)), 60);
    const after = packGroups([10, 20, 30, 40].flatMap((port) => onOnePort(25, 4, port)), 60);
    expect(after.slice(0, before.length).map((g) => g.filter((i) => i.port !== 40).length)).toEqual(before.map((g) => g.length));
  });

  test.each([
    [0, 5],
    [1, 5],
    [3, 5],
    [4, 10],
    [6, 10],
    [8, 10],
    [9, 15],
    [12, 15],
    [13, 20],
    [100, 125],
    [800, 1000],
    [900, 1000],
    [1000, 1000],
  ])("a prefix list of %i entries gets max_entries %i (>= 2 or 25%% room, multiple of 5, at most 1000)", (entries, max) => {
    expect(prefixListMaxEntries(entries)).toBe(max);
  });

  test.each([
    [0, 10],
    [5, 20],
    [12, 30],
    [36, 80],
    [40, 80],
    [41, 90],
    [100, 200],
    [1200, 2400],
    [10_000, 20_000],
    [14_995, 29_990],
    [15_000, 30_000],
    [15_001, 30_000],
    [30_000, 30_000],
  ])("%i stateful rules get a computed capacity of %i (twice the rules, at least 10 more, a multiple of 10, at most 30000)", (rules, capacity) => {
    expect(computedCapacity(rules)).toBe(capacity);
  });

  test.each([
    [0, 100],
    [12, 100],
    [50, 100],
    [51, 200],
    [100, 200],
    [101, 500],
    [250, 500],
    [251, 1000],
    [5000, 10000],
    [10001, 30000],
    [15001, 30000],
  ])("a group placed by an older version with %i sids was created with capacity %i (the smallest step with room to double)", (rules, capacity) => {
    expect(legacyCapacity(rules)).toBe(capacity);
  });
});

describe("limits the policy checks before anything is synthesized", () => {
  test("GIVEN a created group of 61 rules WHEN checked THEN no problem: it is split", () => {
    const cfg = config([imapDomain("example.com", ["mail"], { imap: 993, smtp: 993 })], [createdGroup("mail")], lists(spaced(61)));
    expect(problems(cfg)).toEqual([]);
    expect((buildPolicy(cfg).targets[0] as SecurityGroupPolicy).groups.map((g) => [g.groupName, g.weight.ipv4])).toEqual([
      ["hubspot-mail", 60],
      ["hubspot-mail-2", 1],
    ]);
  });

  test.each([
    [60, []],
    [61, ["security-group-quota IPv4 61/60"]],
  ])("GIVEN an existing group with %i rules WHEN checked THEN %j", (n, expected) => {
    const cfg = config([imapDomain("example.com", ["dmz"], { imap: 993, smtp: 993 })], [existingGroup("dmz")], lists(spaced(n)));
    expect(problems(cfg).map((p) => (p.kind === "security-group-quota" ? `${p.kind} IPv${p.family} ${p.needed}/${p.allowed}` : p.kind))).toEqual(expected);
  });

  test("GIVEN an existing group with IPv4 and IPv6 rules WHEN checked THEN each family is held to the quota apart", () => {
    const v6 = Array.from({ length: 61 }, (_, i) => Cidr.fromRange(6, Cidr.of("2600:1f18::/128").first + BigInt(2 * i), 128));
    const cfg = config([imapDomain("example.com", ["dmz"], { imap: 993, smtp: 993 })], [existingGroup("dmz")], lists([...spaced(60), ...v6]));
    expect(problems(cfg).map((p) => (p.kind === "security-group-quota" ? [p.family, p.needed] : p.kind))).toEqual([[6, 61]]);
  });

  test("GIVEN an existing group on prefix lists WHEN its rules weigh more than the quota THEN the figures name the lists and the CIDR alternative", () => {
    // 7 ports x one list of 6 entries (max_entries 10) = 70 > 60; with CIDRs it would be 42.
    const ports = [25, 143, 465, 587, 993, 2525, 8443];
    const cfg = config(
      ports.map((port, i) => exchangeDomain(`d${i}.example`, ["dmz"], port)),
      [existingGroup("dmz", "eu-central-1", "sg-0a1b2c3d4e5f67890", { sources: "prefix-lists" })],
    );
    const [p] = problems(cfg);
    expect(p).toMatchObject({ kind: "security-group-quota", needed: 70, allowed: 60, cidrRules: 0, cidrAlternative: 42 });
    expect(p.kind === "security-group-quota" && p.prefixListRules.map((u) => [u.prefixList.key, u.rules, u.prefixList.maxEntries])).toEqual([["imap+smtp/ipv4", 7, 10]]);
  });

  test("GIVEN a prefix-list rule heavier than a created group's quota WHEN checked THEN it is reported, since no split helps", () => {
    const cfg = config([imapDomain("example.com", ["mail"])], [createdGroup("mail", "us-east-1", "mail", { sources: "prefix-lists", maxRules: 8 })]);
    expect(problems(cfg).map((p) => (p.kind === "rule-heavier-than-quota" ? `${p.port} ${p.prefixList.key}` : p.kind))).toEqual([
      "587 smtp/ipv4",
      "993 imap/ipv4",
    ]);
  });

  test("GIVEN a prefix list of more than 100 entries WHEN checked THEN it is reported (one EC2 request takes 100)", () => {
    const cfg = config([imapDomain("example.com", ["mail"])], [createdGroup("mail", "us-east-1", "mail", { sources: "prefix-lists", maxRules: 1000 })], lists(spaced(101)));
    expect(problems(cfg).map((p) => (p.kind === "prefix-list-too-large" ? `${p.prefixList.key} ${p.prefixList.entries.length}` : p.kind))).toEqual([
      "smtp/ipv4 101",
      "imap/ipv4 101",
    ]);
  });

  test.each([
    // [what, CIDRs, ports, maxRules, size of ruleNumbers, problems]
    ["19 rules a direction fit the default quota of 20: the default deny rule is the 20th", 19, [993], undefined, 100, []],
    ["20 inbound rules exceed it", 10, [993, 465], undefined, 100, ["quota inbound IPv4 20/20"]],
    ["21 rules exceed it in both directions", 21, [993], undefined, 100, ["quota inbound IPv4 21/20", "quota outbound IPv4 21/20"]],
    ["39 rules fit a raised quota of 40", 39, [993], 40, 100, []],
    ["40 inbound rules exceed even a raised quota", 20, [993, 465], 40, 100, ["quota inbound IPv4 40/40"]],
    ["a range exactly as large as the rules needs", 12, [993, 465], 40, 24, []],
    ["a range one number short", 12, [993, 465], 40, 23, ["numbers inbound 24"]],
    ["a range too small for the return rules as well", 12, [993], 40, 11, ["numbers inbound 12", "numbers outbound 12"]],
  ] as const)("network ACL: %s", (_, n, ports, maxRules, size, expected) => {
    const cfg = config(
      [imapDomain("example.com", ["acl"], { imap: ports[0], smtp: ports[ports.length - 1] })],
      [networkAcl("acl", { from: 100, to: 100 + size - 1, ...(maxRules !== undefined ? { maxRules } : {}) })],
      lists(spaced(n)),
    );
    expect(
      problems(cfg).map((p) =>
        p.kind === "network-acl-quota"
          ? `quota ${p.direction} IPv${p.family} ${p.needed}/${p.maxRules}`
          : p.kind === "network-acl-numbers"
            ? `numbers ${p.direction} ${p.needed}`
            : p.kind,
      ),
    ).toEqual(expected);
  });

  test.each([
    ["computed", undefined, []],
    ["given and large enough", 12, []],
    ["given and too small", 11, ["capacity 12/11 given"]],
  ] as const)("Network Firewall capacity %s", (_, capacity, expected) => {
    const cfg = config([imapDomain("example.com", ["nfw"])], [networkFirewall("nfw", { ...(capacity !== undefined ? { capacity } : {}) })]);
    expect(problems(cfg).map((p) => (p.kind === "capacity" ? `${p.kind} ${p.rules}/${p.capacity}${p.given ? " given" : ""}` : p.kind))).toEqual(expected);
  });

  test("GIVEN more stateful rules than any rule group holds WHEN checked THEN the computed capacity (30000) is reported", () => {
    // 12 rules per destination x 2501 destinations = 30012.
    const first = Cidr.of("10.0.0.0/32").first;
    const destinations = Array.from({ length: 2501 }, (_, i) => Cidr.fromRange(4, first + BigInt(i), 32).toString());
    const cfg = config([imapDomain("example.com", ["nfw"])], [networkFirewall("nfw", { destinations })]);
    expect(problems(cfg).map((p) => (p.kind === "capacity" ? `${p.rules}/${p.capacity} ${p.given}` : p.kind))).toEqual(["30012/30000 false"]);
  });

  test("GIVEN split group names that would be too long or taken WHEN checked THEN both are reported", () => {
    const long = "m".repeat(254);
    const taken = config(
      [imapDomain("example.com", ["a", "b"], { imap: 993, smtp: 993 })],
      [createdGroup("a", "us-east-1", "mail", { maxRules: 3 }), createdGroup("b", "us-east-1", "mail-2", { maxRules: 60 }), createdGroup("c", "us-east-1", long)],
    );
    expect(problems(taken).map((p) => (p.kind === "split-name-taken" ? `${p.target.name} ${p.groupName} ${p.otherTarget}` : p.kind))).toEqual(["a mail-2 b"]);
    const tooLong = config([imapDomain("example.com", ["c"], { imap: 993, smtp: 993 })], [createdGroup("c", "us-east-1", long, { maxRules: 3 })]);
    expect(problems(tooLong).map((p) => (p.kind === "split-name-too-long" ? `${p.groups}` : p.kind))).toEqual(["2"]);
  });
});
