import { MAX_SECURITY_GROUP_NAME_LENGTH } from "../model/names";
import type { IpFamily } from "../model/cidr";
import type { AllowlistTarget, NftablesTarget } from "../model/config";
import { nftFamilies } from "./onprem";
import type { NetworkAclTarget, NetworkFirewallTarget, SecurityGroupTarget } from "../model/config";
import type { FamilyCounts, FirewallPolicy, IngressRule, UnservedNeed } from "./types";
import { PREFIX_LIST_ENTRIES_PER_REQUEST, type PrefixListPlan } from "./prefix-lists";

/**
 * AWS quotas as mailgate counts them, and the check that runs once the policy has laid out every
 * target. Pure; the loader's caller turns the problems into located diagnostics.
 */

/** AWS default: inbound rules per security group, per address family. */
export const DEFAULT_SECURITY_GROUP_MAX_RULES = 60;
/** AWS default: rules per network ACL, per direction and address family (at most 40). */
export const DEFAULT_NETWORK_ACL_MAX_RULES = 20;

/**
 * The rules mailgate may add to a network ACL whose quota (per direction and family) is
 * `maxRules`: AWS counts the ACL's default deny rule (`*`, one per direction and family) against
 * the quota, so one fewer: 19 by default, 39 after the largest increase.
 */
export function usableNetworkAclRules(maxRules: number): number {
  return maxRules - 1;
}

/** AWS: security groups per network interface, 5 by default and 16 at most. */
export const SECURITY_GROUPS_PER_INTERFACE = { default: 5, max: 16 } as const;

/** AWS: rules per group x groups per interface may not exceed 1000. */
const RULES_TIMES_GROUPS_MAX = 1000;

/** How many groups a network interface can take when each group's quota is `maxRules`. */
export function groupsPerInterfaceLimit(maxRules: number): number {
  return Math.min(SECURITY_GROUPS_PER_INTERFACE.max, Math.floor(RULES_TIMES_GROUPS_MAX / maxRules));
}
/** AWS: a stateful rule group's capacity is at most 30,000. */
export const MAX_STATEFUL_CAPACITY = 30_000;

export const FAMILIES: readonly IpFamily[] = [4, 6];

export function familyKey(family: IpFamily): keyof FamilyCounts {
  return family === 4 ? "ipv4" : "ipv6";
}

/** Sums weights per family: an IPv4 rule never counts against the IPv6 quota, nor the reverse. */
export function countByFamily(items: Iterable<{ readonly family: IpFamily; readonly weight: number }>): FamilyCounts {
  let ipv4 = 0;
  let ipv6 = 0;
  for (const { family, weight } of items) {
    if (family === 4) ipv4 += weight;
    else ipv6 += weight;
  }
  return { ipv4, ipv6 };
}

export interface Packable {
  readonly port: number;
  readonly family: IpFamily;
  readonly weight: number;
}

/**
 * Splits the rules of a created group into groups, each within `maxRules` per family.
 * Deterministic, and chosen for stability under edits, since a rule that moves to another group
 * is destroyed and re-created (`security_group_id` cannot change in place), leaving HubSpot
 * without that access until the new rule exists:
 * - `previous` (the groups an earlier synth made, by rule key: the placements file) comes first:
 *   every surviving rule stays in its group while the group has room (it always does unless
 *   `maxRules` was lowered or a prefix list grew), and every remembered group is kept, even
 *   emptied, since servers are attached to it;
 * - the remaining (new) rules go whole ports first, in ascending port order, each into the first
 *   group with room for all of it: a port's allowlist stays together (one group to read per
 *   port); a new group is made only for rules that fit in none;
 * - a port too big for any one group is spread rule by rule (in the order given: CIDRs sorted),
 *   each into the first group with room;
 * - chunking the sorted (port, CIDR) sequence instead would shift every later rule across every
 *   later group boundary whenever one rule is inserted early.
 * An item heavier than `maxRules` on its own gets a group of its own; `checkLimits` reports it.
 */
export function packGroups<T extends Packable>(
  items: readonly T[],
  maxRules: number,
  previous?: {
    readonly groups: readonly (readonly string[])[];
    readonly keyOf: (item: T) => string;
    /**
     * Per group, what its leaving rules weigh: they are still there while the apply creates the
     * new rules (Terraform orders no delete before a create), so new rules go where they fit
     * beside them.
     */
    readonly occupied?: readonly FamilyCounts[];
  },
): T[][] {
  const groups: { items: T[]; used: { ipv4: number; ipv6: number } }[] = [];
  const fits = (g: (typeof groups)[number], w: FamilyCounts) => g.used.ipv4 + w.ipv4 <= maxRules && g.used.ipv6 + w.ipv6 <= maxRules;
  const add = (group: (typeof groups)[number], portItems: readonly T[], w: FamilyCounts) => {
    group.items.push(...portItems);
    group.used.ipv4 += w.ipv4;
    group.used.ipv6 += w.ipv6;
  };
  const place = (portItems: readonly T[]) => {
    const w = countByFamily(portItems);
    let group = groups.find((g) => fits(g, w));
    if (!group) {
      group = { items: [], used: { ipv4: 0, ipv6: 0 } };
      groups.push(group);
    }
    add(group, portItems, w);
  };
  let remaining = items;
  if (previous) {
    const home = new Map<string, number>();
    previous.groups.forEach((keys, index) => keys.forEach((key) => home.set(key, index)));
    for (let i = 0; i < previous.groups.length; i++) groups.push({ items: [], used: { ...(previous.occupied?.[i] ?? { ipv4: 0, ipv6: 0 }) } });
    remaining = items.filter((item) => {
      const index = home.get(previous.keyOf(item));
      if (index === undefined) return true;
      const w = countByFamily([item]);
      if (!fits(groups[index], w)) return true;
      add(groups[index], [item], w);
      return false;
    });
  }
  const ports = [...new Set(remaining.map((i) => i.port))].sort((a, b) => a - b);
  for (const port of ports) {
    const portItems = remaining.filter((i) => i.port === port);
    const w = countByFamily(portItems);
    if (w.ipv4 <= maxRules && w.ipv6 <= maxRules) place(portItems);
    else for (const item of portItems) place([item]);
  }
  if (!previous) return groups.map((g) => g.items);
  // Survivors were placed before new items: put each group back in the order given.
  const order = new Map(items.map((item, i) => [item, i]));
  return groups.map((g) => g.items.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)));
}

/** How many groups a created target needs for rules of these weights (for tables and docs). */
export function groupsNeeded(items: readonly Packable[], maxRules: number): number {
  return packGroups(items, maxRules).length;
}

/** Something a target's plan asks of AWS that AWS would refuse at apply. */
export type LimitProblem =
  | {
      readonly kind: "security-group-quota";
      readonly target: SecurityGroupTarget & { readonly securityGroupId: string };
      readonly family: IpFamily;
      readonly needed: number;
      readonly allowed: number;
      readonly cidrRules: number;
      readonly prefixListRules: readonly { readonly prefixList: PrefixListPlan; readonly rules: number }[];
      /** What the same (port, CIDR) pairs would weigh as CIDR rules. */
      readonly cidrAlternative: number;
    }
  | {
      readonly kind: "rule-heavier-than-quota";
      readonly target: SecurityGroupTarget;
      readonly port: number;
      readonly prefixList: PrefixListPlan;
      readonly allowed: number;
    }
  | {
      readonly kind: "network-acl-quota";
      readonly target: NetworkAclTarget;
      readonly direction: "inbound" | "outbound";
      readonly family: IpFamily;
      readonly needed: number;
      /** The ACL's quota; mailgate may use one fewer (`usableNetworkAclRules`). */
      readonly maxRules: number;
    }
  | {
      readonly kind: "network-acl-numbers";
      readonly target: NetworkAclTarget;
      readonly direction: "inbound" | "outbound";
      readonly needed: number;
    }
  | {
      readonly kind: "capacity";
      readonly target: NetworkFirewallTarget;
      readonly rules: number;
      readonly capacity: number;
      readonly given: boolean;
    }
  | { readonly kind: "prefix-list-too-large"; readonly target: SecurityGroupTarget; readonly prefixList: PrefixListPlan }
  | { readonly kind: "allowlist-too-large"; readonly target: AllowlistTarget; readonly file: string; readonly entries: number; readonly allowed: number }
  | { readonly kind: "nft-family-mismatch"; readonly target: NftablesTarget; readonly family: IpFamily }
  | { readonly kind: "split-name-too-long"; readonly target: SecurityGroupTarget; readonly groupName: string; readonly groups: number }
  | {
      readonly kind: "split-name-taken";
      readonly target: SecurityGroupTarget;
      readonly groupName: string;
      readonly vpcId: string;
      readonly otherTarget: string;
    }
  /** More groups than a network interface takes: an error above `limit`, a warning above AWS's default of 5. */
  | { readonly kind: "too-many-groups"; readonly target: SecurityGroupTarget; readonly groups: number; readonly limit: number; readonly maxRules: number }
  /** A Network Firewall or nftables target whose `destinations` leave some list without a rule. */
  | {
      readonly kind: "nothing-admitted";
      readonly target: NetworkFirewallTarget | (NftablesTarget & { readonly destinations: NonNullable<NftablesTarget["destinations"]> });
      readonly unserved: readonly UnservedNeed[];
      readonly listFamilies: readonly IpFamily[];
    };


/**
 * Everything in the plan AWS would refuse: a group over its quota, an ACL over its quota or out
 * of rule numbers, a rule group over its capacity, a prefix list too large to create, split group
 * names that do not fit or collide. Sorted by target name, in the order found.
 */
export function checkLimits(policy: FirewallPolicy): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const createdNames = new Map<string, string>();
  for (const p of policy.targets) {
    if (p.type === "aws-security-group" && p.target.create) {
      for (const g of p.groups) {
        if (g.groupName !== undefined) createdNames.set(groupNameKey(p.target.region, p.target.create.vpcId, g.groupName), p.target.name);
      }
    }
  }

  for (const p of policy.targets) {
    switch (p.type) {
      case "aws-security-group": {
        const target = p.target;
        for (const pl of unique(p.groups.flatMap((g) => g.ingress).flatMap((r) => (r.kind === "prefix-list" ? [r.prefixList] : [])))) {
          if (pl.entries.length > PREFIX_LIST_ENTRIES_PER_REQUEST) problems.push({ kind: "prefix-list-too-large", target, prefixList: pl });
        }
        if (target.securityGroupId !== undefined) {
          const groupId = target.securityGroupId;
          for (const family of FAMILIES) {
            const rules = p.groups.flatMap((g) => g.ingress).filter((r) => r.family === family);
            const needed = countByFamily(rules)[familyKey(family)];
            if (needed <= p.maxRules) continue;
            problems.push({
              kind: "security-group-quota",
              // Spread only here: it reads every field, the loader's lazy position included.
              target: { ...target, securityGroupId: groupId },
              family,
              needed,
              allowed: p.maxRules,
              cidrRules: rules.filter((r) => r.kind === "cidr").length,
              prefixListRules: prefixListUse(rules),
              cidrAlternative: p.rules.filter((r) => r.cidr.family === family).length,
            });
          }
          break;
        }
        for (const rule of p.groups.flatMap((g) => g.ingress)) {
          if (rule.kind === "prefix-list" && rule.weight > p.maxRules) {
            problems.push({ kind: "rule-heavier-than-quota", target, port: rule.port, prefixList: rule.prefixList, allowed: p.maxRules });
          }
        }
        const create = target.create;
        if (create && p.groups.length > 1) {
          const last = p.groups[p.groups.length - 1].groupName ?? "";
          if (last.length > MAX_SECURITY_GROUP_NAME_LENGTH) {
            problems.push({ kind: "split-name-too-long", target, groupName: create.groupName, groups: p.groups.length });
          }
          for (const g of p.groups.slice(1)) {
            const other = createdNames.get(groupNameKey(target.region, create.vpcId, g.groupName ?? ""));
            if (other !== undefined && other !== target.name) {
              problems.push({ kind: "split-name-taken", target, groupName: g.groupName ?? "", vpcId: create.vpcId, otherTarget: other });
            }
          }
        }
        // Every group must be attached to the mail servers' interfaces to work.
        const limit = groupsPerInterfaceLimit(p.maxRules);
        if (create && p.groups.length > Math.min(SECURITY_GROUPS_PER_INTERFACE.default, limit)) {
          problems.push({ kind: "too-many-groups", target, groups: p.groups.length, limit, maxRules: p.maxRules });
        }
        break;
      }
      case "aws-network-acl": {
        const { from, to } = p.target.ruleNumbers;
        const directions = [
          ["inbound", p.inbound.map((r) => ({ family: r.rule.cidr.family, ruleNumber: r.ruleNumber }))],
          ["outbound", p.outbound.map((r) => ({ family: r.cidr.family, ruleNumber: r.ruleNumber }))],
        ] as const;
        for (const [direction, rules] of directions) {
          for (const family of FAMILIES) {
            const needed = rules.filter((r) => r.family === family).length;
            if (needed > usableNetworkAclRules(p.maxRules)) problems.push({ kind: "network-acl-quota", target: p.target, direction, family, needed, maxRules: p.maxRules });
          }
          if (rules.some((r) => r.ruleNumber < from || r.ruleNumber > to)) {
            problems.push({ kind: "network-acl-numbers", target: p.target, direction, needed: rules.length });
          }
        }
        break;
      }
      case "aws-network-firewall":
        if (p.unserved.length > 0) problems.push(nothingAdmitted(p.target, p.unserved, policy));
        if (p.statefulRules.length > p.capacity) {
          problems.push({ kind: "capacity", target: p.target, rules: p.statefulRules.length, capacity: p.capacity, given: p.capacityGiven });
        }
        break;
      case "allowlist":
        for (const f of p.files) {
          if (f.entries.length > p.maxEntries) problems.push({ kind: "allowlist-too-large", target: p.target, file: f.file, entries: f.entries.length, allowed: p.maxEntries });
        }
        break;
      case "nftables": {
        const destinations = p.target.destinations;
        if (p.unserved.length > 0 && destinations !== undefined) problems.push(nothingAdmitted({ ...p.target, destinations }, p.unserved, policy));
        // An `ip` table cannot match IPv6 sources (nor `ip6` IPv4 ones): the plan leaves such rules out.
        const matched = nftFamilies(p.target);
        for (const family of FAMILIES) {
          if (!matched.includes(family) && p.rules.some((r) => r.cidr.family === family)) problems.push({ kind: "nft-family-mismatch", target: p.target, family });
        }
        break;
      }
      case "windows-firewall":
        break;
    }
  }
  return problems;
}

/** The needs a target's `destinations` leave without a rule, with the families the lists do have. */
function nothingAdmitted(
  target: Extract<LimitProblem, { kind: "nothing-admitted" }>["target"],
  unserved: readonly UnservedNeed[],
  policy: FirewallPolicy,
): LimitProblem {
  const lists = new Set(unserved.map((u) => u.list));
  const listFamilies = FAMILIES.filter((f) => [...lists].some((list) => policy.catalog.lists[list].some((c) => c.family === f)));
  return { kind: "nothing-admitted", target, unserved, listFamilies };
}

/** AWS compares security group names per VPC without regard to case (`Mail-2` and `mail-2` collide). */
export function groupNameKey(region: string, vpcId: string, groupName: string): string {
  return JSON.stringify([region, vpcId, groupName.toLowerCase()]);
}

function prefixListUse(rules: readonly IngressRule[]): { prefixList: PrefixListPlan; rules: number }[] {
  const byKey = new Map<string, { prefixList: PrefixListPlan; rules: number }>();
  for (const r of rules) {
    if (r.kind !== "prefix-list") continue;
    const entry = byKey.get(r.prefixList.key) ?? { prefixList: r.prefixList, rules: 0 };
    entry.rules++;
    byKey.set(r.prefixList.key, entry);
  }
  return [...byKey.values()].sort((a, b) => (a.prefixList.key < b.prefixList.key ? -1 : a.prefixList.key > b.prefixList.key ? 1 : 0));
}

function unique(lists: readonly PrefixListPlan[]): PrefixListPlan[] {
  return [...new Map(lists.map((l) => [l.key, l])).values()];
}
