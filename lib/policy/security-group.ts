import { Cidr, type IpFamily } from "../model/cidr";
import type { SecurityGroupTarget } from "../model/config";
import type { HubSpotList, IpCatalog } from "../model/ip-catalog";
import { mergeProvenance } from "./needs";
import type { FamilyCounts, FirewallRule, IngressRule, SecurityGroupPlan, SecurityGroupPolicy } from "./types";
import { ingressKey, parseRuleKey, type TargetPlacement } from "./placements";
import { planPrefixList, prefixListKey, type PrefixListPlan } from "./prefix-lists";
import { countByFamily, DEFAULT_SECURITY_GROUP_MAX_RULES, FAMILIES, packGroups } from "./quota";

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

/**
 * A security group target's rule resources, and the groups that hold them. `sources: cidrs`:
 * one rule per (port, CIDR). `sources: prefix-lists`: per port and family, one rule referencing
 * the prefix list of exactly the lists that port needs. A created group over `maxRules` is split
 * (`packGroups`); an existing one keeps every rule, and `checkLimits` reports it.
 */
export function planSecurityGroup(
  target: SecurityGroupTarget,
  rules: readonly FirewallRule[],
  listsByPort: ReadonlyMap<number, readonly HubSpotList[]>,
  prefixLists: PrefixListRegistry,
  previous?: TargetPlacement,
): SecurityGroupPolicy {
  const sources = target.sources ?? "cidrs";
  const maxRules = target.maxRules ?? DEFAULT_SECURITY_GROUP_MAX_RULES;
  const ingress: IngressRule[] =
    sources === "cidrs"
      ? rules.map((rule) => ({ kind: "cidr", port: rule.port, family: rule.cidr.family, weight: 1, rule }))
      : prefixListIngress(rules, listsByPort, prefixLists);
  const chunks = target.create
    ? packGroups(ingress, maxRules, previous?.groups ? { groups: previous.groups, keyOf: ingressKey, occupied: leavingWeights(previous.groups, ingress, prefixLists) } : undefined)
    : [ingress];
  const groups: SecurityGroupPlan[] = chunks.map((chunk, i) => ({
    index: i + 1,
    ...(target.create ? { groupName: i === 0 ? target.create.groupName : `${target.create.groupName}-${i + 1}` } : {}),
    ingress: chunk,
    weight: countByFamily(chunk),
  }));
  return { type: "aws-security-group", target, sources, maxRules, rules, groups };
}

/** Per remembered group, what its rules that this plan drops weigh while the apply runs. */
function leavingWeights(groups: readonly (readonly string[])[], ingress: readonly IngressRule[], prefixLists: PrefixListRegistry): FamilyCounts[] {
  const kept = new Set(ingress.map(ingressKey));
  return groups.map((keys) => {
    const counts = { ipv4: 0, ipv6: 0 };
    for (const key of keys) {
      if (kept.has(key)) continue;
      const parsed = parseRuleKey(key);
      if (!parsed) continue;
      const family = parsed.kind === "cidr" ? parsed.cidr.family : parsed.family;
      const weight = parsed.kind === "cidr" ? 1 : (prefixLists.get(parsed.lists, parsed.family)?.maxEntries ?? 0);
      if (family === 4) counts.ipv4 += weight;
      else counts.ipv6 += weight;
    }
    return counts;
  });
}

function prefixListIngress(
  rules: readonly FirewallRule[],
  listsByPort: ReadonlyMap<number, readonly HubSpotList[]>,
  prefixLists: PrefixListRegistry,
): IngressRule[] {
  const ingress: IngressRule[] = [];
  for (const port of [...new Set(rules.map((r) => r.port))].sort((a, b) => a - b)) {
    for (const family of FAMILIES) {
      const covered = rules.filter((r) => r.port === port && r.cidr.family === family);
      if (covered.length === 0) continue;
      const prefixList = prefixLists.get(listsByPort.get(port) ?? [], family);
      // The port's rules are the minimal cover of its lists, so the list's entries are exactly
      // their CIDRs; anything else is a bug, and the coverage proof would catch it too.
      if (!prefixList || !sameCidrs(prefixList.entries, covered.map((r) => r.cidr))) {
        throw new Error(`internal: prefix list for tcp/${port} IPv${family} does not match the port's rules`);
      }
      ingress.push({ kind: "prefix-list", port, family, weight: prefixList.maxEntries, prefixList, rules: covered, provenance: mergeProvenance(covered) });
    }
  }
  return ingress;
}

function sameCidrs(a: readonly Cidr[], b: readonly Cidr[]): boolean {
  const sa = [...a].sort(Cidr.compare);
  const sb = [...b].sort(Cidr.compare);
  return sa.length === sb.length && sa.every((c, i) => c.equals(sb[i]));
}
