import type { IpFamily } from "../model/cidr";

/**
 * Counting rules per address family as AWS counts them against a quota, and packing a created
 * security group's rules into as many groups as the quota needs.
 */

/** Rules as AWS counts them against a quota, per address family. */
export interface FamilyCounts {
  readonly ipv4: number;
  readonly ipv6: number;
}

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
