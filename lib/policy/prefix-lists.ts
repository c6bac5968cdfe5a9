import type { Cidr, IpFamily } from "../model/cidr";
import type { HubSpotList, IpCatalog } from "../model/ip-catalog";
import { minimalCover } from "./aggregate";

/**
 * A customer-managed prefix list holding one HubSpot list (or the union of both, for ports that
 * need both) in one address family: AWS prefix lists have a fixed family.
 */
export interface PrefixListPlan {
  /** `imap/ipv4`, `imap+smtp/ipv6`: unique per (lists, family); what rules refer to. */
  readonly key: string;
  /** Sorted, unique. */
  readonly lists: readonly HubSpotList[];
  readonly family: IpFamily;
  /** The minimal exact cover of the lists' addresses in this family, sorted. */
  readonly entries: readonly Cidr[];
  /** See `prefixListMaxEntries`; kept from the placements file while the entries fit. */
  readonly maxEntries: number;
  /** The remembered `max_entries`, when the entries have outgrown it and `maxEntries` is larger. */
  readonly grownFrom?: number;
}

/** AWS: a prefix list holds at most 1000 entries. */
export const PREFIX_LIST_MAX_ENTRIES = 1000;

/**
 * The EC2 API takes at most 100 entries per CreateManagedPrefixList / ModifyManagedPrefixList
 * request, and the AWS provider sends all inline entries in one (terraform-provider-aws#35371), so
 * a larger list would fail at apply. HubSpot's lists aggregate to 6 blocks each.
 */
export const PREFIX_LIST_ENTRIES_PER_REQUEST = 100;

/**
 * `max_entries` for a list of `entries` entries: at least 2 or 25% more (whichever is larger),
 * rounded up to a multiple of 5, capped at AWS's 1000. HubSpot's 6-block lists get 10.
 *
 * Why headroom at all, when mailgate recomputes the list on every synth: AWS counts a rule that
 * references a prefix list as `max_entries` rules in the group, and refuses to raise a list's
 * `max_entries` while any referencing group (including groups outside mailgate that reuse the
 * list) would go over its quota. With room to grow, HubSpot adding a range or two changes the
 * entries only, which never touches any group's quota.
 * Why rounded to 5: so that small changes in the entry count leave `max_entries`, and with it
 * the weight of every referencing rule (and so how created groups are split), unchanged.
 * Why not more: every referencing rule pays the full `max_entries` against the group's quota
 * (60 by default), so generous headroom would cost rules on every port.
 */
export function prefixListMaxEntries(entries: number): number {
  const wanted = entries + Math.max(2, Math.ceil(entries / 4));
  return Math.min(PREFIX_LIST_MAX_ENTRIES, Math.max(entries, Math.ceil(wanted / 5) * 5));
}

export function prefixListKey(lists: readonly HubSpotList[], family: IpFamily): string {
  return `${[...lists].sort().join("+")}/ipv${family}`;
}

/**
 * The list for `lists` in `family`; undefined when those lists have no address in that family.
 * `remembered` is the `max_entries` the list was last synthesized with: it stays while the
 * entries fit (even when fewer entries would get a smaller one), since it is the weight of every
 * referencing rule in its group, and a changed weight could move rules between groups.
 */
export function planPrefixList(catalog: IpCatalog, lists: readonly HubSpotList[], family: IpFamily, remembered?: number): PrefixListPlan | undefined {
  const sorted = [...new Set(lists)].sort();
  const entries = minimalCover(sorted.flatMap((list) => catalog.lists[list]).filter((cidr) => cidr.family === family));
  if (entries.length === 0) return undefined;
  const key = prefixListKey(sorted, family);
  if (remembered !== undefined && entries.length <= remembered && remembered <= PREFIX_LIST_MAX_ENTRIES) {
    return { key, lists: sorted, family, entries, maxEntries: remembered };
  }
  const maxEntries = prefixListMaxEntries(entries.length);
  return { key, lists: sorted, family, entries, maxEntries, ...(remembered !== undefined && remembered < maxEntries ? { grownFrom: remembered } : {}) };
}

/**
 * The prefix lists targets ask for, one per (lists, family), shared by every target. `remembered`
 * holds each list's `max_entries` from the placements file: kept while the entries fit in it.
 */
export class PrefixListRegistry {
  private readonly plans = new Map<string, PrefixListPlan | null>();

  constructor(
    private readonly catalog: IpCatalog,
    private readonly remembered: ReadonlyMap<string, number> = new Map(),
  ) {}

  get(lists: readonly HubSpotList[], family: IpFamily): PrefixListPlan | undefined {
    const key = prefixListKey(lists, family);
    if (!this.plans.has(key)) this.plans.set(key, planPrefixList(this.catalog, lists, family, this.remembered.get(key)) ?? null);
    return this.plans.get(key) ?? undefined;
  }

  /** The lists some rule uses, sorted by key. */
  all(): PrefixListPlan[] {
    return [...this.plans.values()]
      .filter((p): p is PrefixListPlan => p !== null)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
