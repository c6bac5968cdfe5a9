import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Cidr } from "../../lib/model/cidr";
import type { CustomIpRanges } from "../../lib/model/config";
import { buildPolicy, type NetworkAclPolicy, type NetworkFirewallPolicy } from "../../lib/policy/firewall-policy";
import { SID_RANGE } from "../../lib/kinds/network-firewall/plan";
import { assignStableNumbers, homeOffset } from "../../lib/policy/numbering";
import { config, imapDomain, networkAcl, networkFirewall } from "../support/configs";

const keyArb = fc.stringMatching(/^tcp\/(25|143|465|587|993) 44\.\d{1,2}\.\d{1,3}\.0\/24$/);

/**
 * The numbers of the cyclic run of consecutive used numbers that contains `n`: in a range where
 * `used` are taken, walk both ways from `n` (wrapping) while the numbers are used.
 */
function runAround(n: number, used: ReadonlySet<number>, from: number, to: number): Set<number> {
  const size = to - from + 1;
  const run = new Set<number>([n]);
  const step = (x: number, d: number) => from + ((((x - from + d) % size) + size) % size);
  for (let x = step(n, 1); used.has(x) && !run.has(x); x = step(x, 1)) run.add(x);
  for (let x = step(n, -1); used.has(x) && !run.has(x); x = step(x, -1)) run.add(x);
  return run;
}

describe("stable numbers (network ACL rule numbers, Network Firewall sids)", () => {
  test.each([
    ["a roomy range", 5, 100, 199],
    ["a range exactly as large as the keys", 10, 1, 10],
    ["the top of the rule number space", 7, 32760, 32766],
    ["one number", 1, 500, 500],
  ])("%s: every key gets a number in range, all different", (_, n, from, to) => {
    const keys = Array.from({ length: n }, (_, i) => `tcp/993 44.10.${i}.0/24`);
    const numbers = [...assignStableNumbers(keys, from, to).values()];
    expect(numbers).toHaveLength(n);
    expect(new Set(numbers).size).toBe(n);
    expect(numbers.every((x) => x >= from && x <= to)).toBe(true);
  });

  test("GIVEN more keys than numbers WHEN numbered THEN every key still gets one, the surplus above the range (for checkLimits to report)", () => {
    const numbers = assignStableNumbers(["a", "b", "c"], 10, 11);
    expect([...numbers.values()].sort()).toEqual([10, 11, 12]);
  });

  test("numbers depend on content, not on the order keys are given in", () => {
    const keys = Array.from({ length: 30 }, (_, i) => `tcp/587 44.10.${i}.0/24`);
    expect([...assignStableNumbers([...keys].reverse(), 100, 199)].sort()).toEqual([...assignStableNumbers(keys, 100, 199)].sort());
  });

  test("a key without competition gets its home number (the hash is part of the contract)", () => {
    expect(assignStableNumbers(["tcp/993 143.244.87.0/25"], 100, 199).get("tcp/993 143.244.87.0/25")).toBe(100 + homeOffset("tcp/993 143.244.87.0/25", 100));
  });

  test("property: in range and unique for any keys and any large-enough range", () => {
    fc.assert(
      fc.property(fc.uniqueArray(keyArb, { maxLength: 60 }), fc.integer({ min: 1, max: 32766 }), fc.integer({ min: 0, max: 200 }), (keys, from, extra) => {
        const to = Math.min(32766, from + keys.length - 1 + extra);
        fc.pre(to - from + 1 >= keys.length);
        const numbers = [...assignStableNumbers(keys, from, to).values()];
        expect(new Set(numbers).size).toBe(keys.length);
        expect(numbers.every((x) => x >= from && x <= to)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test("property: adding one key renumbers only keys of the one run of consecutive numbers the new key joins", () => {
    fc.assert(
      fc.property(fc.uniqueArray(keyArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 30000 }), fc.integer({ min: 1, max: 120 }), (keys, from, extra) => {
        const [added, ...existing] = keys;
        const to = from + keys.length - 1 + extra;
        const before = assignStableNumbers(existing, from, to);
        const after = assignStableNumbers(keys, from, to);
        const moved = existing.filter((k) => before.get(k) !== after.get(k));
        const run = runAround(after.get(added) as number, new Set(after.values()), from, to);
        for (const k of moved) {
          expect(run.has(before.get(k) as number)).toBe(true);
          expect(run.has(after.get(k) as number)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  test("with a range twice the rule count, adding one key renumbers on average fewer than half a rule (sequential numbering: half of them)", () => {
    let moved = 0;
    let trials = 0;
    for (let t = 0; t < 1000; t++) {
      const keys = Array.from({ length: 2 + (t % 39) }, (_, i) => `tcp/993 44.${t % 256}.${i}.${Math.floor(t / 256)}/32`);
      const [, ...existing] = keys;
      const to = 100 + 2 * keys.length - 1;
      const before = assignStableNumbers(existing, 100, to);
      const after = assignStableNumbers(keys, 100, to);
      moved += existing.filter((k) => before.get(k) !== after.get(k)).length;
      trials++;
    }
    expect(moved / trials).toBeLessThan(0.6);
  });
});

describe("numbers in the plans", () => {
  const spaced = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => Cidr.fromRange(4, Cidr.of("44.10.0.0/32").first + BigInt(2 * (i + offset)), 32));
  const lists = (cidrs: Cidr[]): CustomIpRanges => ({ source: "test", smtp: cidrs, imap: cidrs });

  test("property: network ACL rule numbers stay inside ruleNumbers and unique per direction; adding one CIDR keeps most numbers", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 32000 }), fc.integer({ min: 0, max: 8 }), (n, from, where) => {
        const target = networkAcl("acl", { from, to: Math.min(32766, from + 59), maxRules: 40 });
        const plan = (cidrs: Cidr[]) => buildPolicy(config([imapDomain("example.com", ["acl"], { imap: 993, smtp: 465 })], [target], lists(cidrs))).targets[0] as NetworkAclPolicy;
        const base = spaced(n);
        // A new /32 between existing ones (odd offsets never touch the even ones, so nothing merges).
        const grown = [...base, Cidr.fromRange(4, Cidr.of("44.10.0.0/32").first + BigInt(2 * Math.min(where, n) + 1) + 1000n, 32)];
        const before = plan(base);
        const after = plan(grown);
        for (const p of [before, after]) {
          for (const rules of [p.inbound.map((r) => r.place.ruleNumber), p.outbound.map((r) => r.place.ruleNumber)]) {
            expect(new Set(rules).size).toBe(rules.length);
            expect(rules.every((x) => x >= target.ruleNumbers.from && x <= target.ruleNumbers.to)).toBe(true);
          }
        }
        const number = (p: NetworkAclPolicy) => new Map(p.inbound.map((r) => [`${r.content.port} ${r.content.cidr}`, r.place.ruleNumber]));
        const b = number(before);
        const a = number(after);
        const moved = [...b].filter(([k, v]) => a.get(k) !== v).length;
        // Two inbound rules are added (one per port); each may push a short run of neighbours along.
        expect(moved).toBeLessThanOrEqual(Math.max(4, Math.ceil(b.size / 2)));
      }),
      { numRuns: 100 },
    );
  });

  test("Network Firewall sids are unique, in the local-rules range, and keep their value when a destination is added", () => {
    const plan = (destinations: string[]) =>
      buildPolicy(config([imapDomain("example.com", ["nfw"])], [networkFirewall("nfw", { destinations })])).targets[0] as NetworkFirewallPolicy;
    const one = plan(["10.0.1.25/32"]);
    const two = plan(["10.0.1.25/32", "10.0.2.0/28"]);
    const sids = two.plannedRules.map((r) => r.place.sid);
    expect(new Set(sids).size).toBe(sids.length);
    expect(sids.every((s) => s >= SID_RANGE.from && s <= SID_RANGE.to)).toBe(true);
    const key = (r: NetworkFirewallPolicy["plannedRules"][number]) => `${r.destination} ${r.content.port} ${r.content.cidr}`;
    const kept = new Map(two.plannedRules.map((r) => [key(r), r.place.sid]));
    expect(one.plannedRules.filter((r) => kept.get(key(r)) !== r.place.sid)).toEqual([]);
  });
});
