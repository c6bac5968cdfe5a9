import type { Cidr } from "../model/cidr";
import type { IpCatalog } from "../model/ip-catalog";
import { FAMILIES } from "./packing";
import type { LimitProblem } from "./problems";
import type { Need, UnservedNeed } from "./rule";

/**
 * Targets with `destinations` (Network Firewall, nftables) pair a source only with destinations of
 * its own family: what a list no destination shares a family with cannot reach.
 */

/**
 * The needs a target with these `destinations` cannot serve (Network Firewall, nftables): a rule
 * pairs a source only with destinations of its own family, so a list with no address of any
 * destination's family reaches none of them (IPv4-only lists and IPv6-only destinations would
 * synthesize `stateful_rule: []`, or an nftables chain without a rule). Sorted by domain, list,
 * port; unique.
 */
export function unservedNeeds(destinations: readonly Cidr[], needs: readonly Need[], catalog: IpCatalog): UnservedNeed[] {
  const served = new Set(destinations.map((d) => d.family));
  const unserved = new Map<string, UnservedNeed>();
  for (const need of needs) {
    if (catalog.lists[need.list].some((cidr) => served.has(cidr.family))) continue;
    const entry = { domain: need.domain, list: need.list, port: need.endpoint.port };
    unserved.set(`${entry.domain} ${entry.list} ${String(entry.port).padStart(5, "0")}`, entry);
  }
  return [...unserved].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, need]) => need);
}

/** The needs a target's `destinations` leave without a rule, with the families the lists do have. */
export function nothingAdmitted(
  target: Extract<LimitProblem, { kind: "nothing-admitted" }>["target"],
  unserved: readonly UnservedNeed[],
  catalog: IpCatalog,
  chain?: string,
): LimitProblem {
  const lists = new Set(unserved.map((u) => u.list));
  const listFamilies = FAMILIES.filter((f) => [...lists].some((list) => catalog.lists[list].some((c) => c.family === f)));
  return { kind: "nothing-admitted", target, unserved, listFamilies, ...(chain !== undefined ? { chain } : {}) };
}
