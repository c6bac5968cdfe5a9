import { Cidr, type IpFamily } from "../../model/cidr";
import type { SecurityGroupSources, SecurityGroupTarget } from "../../model/config";
import type { HubSpotList } from "../../model/ip-catalog";
import { MAX_SECURITY_GROUP_NAME_LENGTH } from "../../model/names";
import { mergeProvenance } from "../../policy/needs";
import { countByFamily, familyKey, FAMILIES, packGroups, type FamilyCounts } from "../../policy/packing";
import { type IdentityField, type LeavingRules, type TargetIdentity, type TargetPlacement } from "../../policy/placement-types";
import { parseRuleIdentity } from "../../model/rule-identity";
import { compareText } from "../../model/text";
import { PREFIX_LIST_ENTRIES_PER_REQUEST, type PrefixListPlan, type PrefixListRegistry } from "../../policy/prefix-lists";
import type { ApplyProblem, LifecycleProblem, LimitProblem } from "../../policy/problems";
import { cidrRule, keyedPairs, plannedIdentity, type CidrContent, type PlannedRule, type PrefixListContent } from "../../policy/planned-rule";
import type { FirewallRule, Need, RequiredRules, RuleProvenance } from "../../policy/rule";
import type { Claim, PlanPart, StackAccess } from "../plan-part";

/**
 * A security group target's plan: its rule resources (one per (port, CIDR), or per (port, family)
 * referencing a prefix list), the groups that hold them, AWS's quotas on them and what the
 * placements remember of them.
 */

/** AWS default: inbound rules per security group, per address family. */
export const DEFAULT_SECURITY_GROUP_MAX_RULES = 60;

/** AWS: security groups per network interface, 5 by default and 16 at most. */
export const SECURITY_GROUPS_PER_INTERFACE = { default: 5, max: 16 } as const;

/** AWS: rules per group x groups per interface may not exceed 1000. */
const RULES_TIMES_GROUPS_MAX = 1000;

/** How many groups a network interface can take when each group's quota is `maxRules`. */
export function groupsPerInterfaceLimit(maxRules: number): number {
  return Math.min(SECURITY_GROUPS_PER_INTERFACE.max, Math.floor(RULES_TIMES_GROUPS_MAX / maxRules));
}

/**
 * How a security group rule is held: what it weighs against its group's quota for its family. A
 * CIDR rule counts once; AWS counts a rule referencing a prefix list as the list's `max_entries`.
 * (The group holding it is the `SecurityGroupPlan` it is in.)
 */
export interface SecurityGroupPlace {
  readonly family: IpFamily;
  readonly weight: number;
}

/** One security group rule resource: from a single CIDR, or referencing a prefix list (admitting the port's rules it covers). */
export type IngressRule = PlannedRule<SecurityGroupPlace, CidrContent | PrefixListContent>;

/** One security group of a target and the rules it holds. */
export interface SecurityGroupPlan {
  /** 1-based. Group n > 1 exists only for created targets, named `<name>-n`. */
  readonly index: number;
  /** The group's AWS name, for groups mailgate creates. */
  readonly groupName?: string;
  /** Sorted by port, then family, then CIDR or list. */
  readonly ingress: readonly IngressRule[];
  /** What the group's rules weigh against its quota. */
  readonly weight: FamilyCounts;
}

export interface SecurityGroupPolicy extends RequiredRules {
  readonly type: "aws-security-group";
  readonly target: SecurityGroupTarget;
  /** `target.sources` with its default applied. */
  readonly sources: SecurityGroupSources;
  /** `target.maxRules` with its default applied. */
  readonly maxRules: number;
  /** One group for an existing group; as many as the quota needs for a created one. */
  readonly groups: readonly SecurityGroupPlan[];
  /**
   * The target name the created groups were made under, when the target was renamed since: a
   * group's description says it, and AWS cannot change a description without replacing the group.
   */
  readonly createdAs?: string;
}

/** A security group rule's `ruleIdentity`: its CIDR rule's, or (port, prefix list key) for a rule referencing a list. */
export function ingressKey(ingress: IngressRule): string {
  return plannedIdentity(ingress);
}

/** A rule from one CIDR: it weighs one. */
function cidrIngress(rule: FirewallRule): IngressRule {
  return cidrRule(rule, { family: rule.cidr.family, weight: 1 });
}

/** What the rules weigh against a group's quota, per family. */
function weightOf(ingress: readonly IngressRule[]): FamilyCounts {
  return countByFamily(ingress.map((r) => r.place));
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
      ? rules.map(cidrIngress)
      : prefixListIngress(rules, listsByPort, prefixLists);
  // packGroups packs by port and weight; each rule goes in as one item and comes out as it went in.
  const items = ingress.map((rule) => ({ rule, port: rule.content.port, ...rule.place }));
  const chunks = target.create
    ? packGroups(items, maxRules, previous?.groups ? { groups: previous.groups, keyOf: (item) => ingressKey(item.rule), occupied: leavingWeights(previous.groups, ingress, prefixLists) } : undefined).map((chunk) =>
        chunk.map((item) => item.rule),
      )
    : [ingress];
  const groups: SecurityGroupPlan[] = chunks.map((chunk, i) => ({
    index: i + 1,
    ...(target.create ? { groupName: i === 0 ? target.create.groupName : `${target.create.groupName}-${i + 1}` } : {}),
    ingress: chunk,
    weight: weightOf(chunk),
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
      const parsed = parseRuleIdentity(key);
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
      ingress.push(prefixListIngressOf(port, prefixList, covered, mergeProvenance(covered)));
    }
  }
  return ingress;
}

/** A rule referencing `prefixList` on `port`, admitting `covered`: it weighs the list's max_entries. */
function prefixListIngressOf(port: number, prefixList: PrefixListPlan, covered: readonly FirewallRule[], provenance: RuleProvenance): IngressRule {
  return { content: { port, prefixList }, admits: covered, ...provenance, place: { family: prefixList.family, weight: prefixList.maxEntries } };
}

function sameCidrs(a: readonly Cidr[], b: readonly Cidr[]): boolean {
  const sa = [...a].sort(Cidr.compare);
  const sb = [...b].sort(Cidr.compare);
  return sa.length === sb.length && sa.every((c, i) => c.equals(sb[i]));
}

/** AWS compares security group names per VPC without regard to case (`Mail-2` and `mail-2` collide). */
export function groupNameKey(region: string, vpcId: string, groupName: string): string {
  return JSON.stringify([region, vpcId, groupName.toLowerCase()]);
}

/**
 * A created group over its quota splits (`packGroups`); an existing one keeps every rule and is
 * refused over its quota. Every group must be attached to the mail servers' interfaces to work.
 */
function securityGroupLimits(p: SecurityGroupPolicy, claimed: ReadonlyMap<string, string>): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const target = p.target;
  for (const pl of uniqueLists(p.groups.flatMap((g) => g.ingress).flatMap(prefixListOf))) {
    if (pl.entries.length > PREFIX_LIST_ENTRIES_PER_REQUEST) problems.push({ kind: "prefix-list-too-large", target, prefixList: pl });
  }
  if (target.securityGroupId !== undefined) {
    const groupId = target.securityGroupId;
    for (const family of FAMILIES) {
      const rules = p.groups.flatMap((g) => g.ingress).filter((r) => r.place.family === family);
      const needed = weightOf(rules)[familyKey(family)];
      if (needed <= p.maxRules) continue;
      problems.push({
        kind: "security-group-quota",
        // Spread only here: it reads every field, the loader's lazy position included.
        target: { ...target, securityGroupId: groupId },
        family,
        needed,
        allowed: p.maxRules,
        cidrRules: rules.filter((r) => "cidr" in r.content).length,
        prefixListRules: prefixListUse(rules),
        cidrAlternative: p.rules.filter((r) => r.cidr.family === family).length,
      });
    }
    return problems;
  }
  for (const rule of p.groups.flatMap((g) => g.ingress)) {
    if ("prefixList" in rule.content && rule.place.weight > p.maxRules) {
      problems.push({ kind: "rule-heavier-than-quota", target, port: rule.content.port, prefixList: rule.content.prefixList, allowed: p.maxRules });
    }
  }
  const create = target.create;
  if (create && p.groups.length > 1) {
    const last = p.groups[p.groups.length - 1].groupName ?? "";
    if (last.length > MAX_SECURITY_GROUP_NAME_LENGTH) {
      problems.push({ kind: "split-name-too-long", target, groupName: create.groupName, groups: p.groups.length });
    }
    for (const g of p.groups.slice(1)) {
      const other = claimed.get(groupNameKey(target.region, create.vpcId, g.groupName ?? ""));
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
  return problems;
}

function prefixListUse(rules: readonly IngressRule[]): { prefixList: PrefixListPlan; rules: number }[] {
  const byKey = new Map<string, { prefixList: PrefixListPlan; rules: number }>();
  for (const prefixList of rules.flatMap(prefixListOf)) {
    const entry = byKey.get(prefixList.key) ?? { prefixList, rules: 0 };
    entry.rules++;
    byKey.set(prefixList.key, entry);
  }
  return [...byKey.values()].sort((a, b) => compareText(a.prefixList.key, b.prefixList.key));
}

/** The prefix list a rule references: none for a CIDR rule. */
function prefixListOf(rule: IngressRule): PrefixListPlan[] {
  return "prefixList" in rule.content ? [rule.content.prefixList] : [];
}

function uniqueLists(lists: readonly PrefixListPlan[]): PrefixListPlan[] {
  return [...new Map(lists.map((l) => [l.key, l])).values()];
}

/** Per port, the HubSpot lists some need sends there (sorted). */
function listsByPort(needs: readonly Need[]): Map<number, HubSpotList[]> {
  // One Set per port, sorted once at the end: per need, it was a copy and a sort of the port's
  // lists. Indexed: an unoptimised for-of allocates per step, and there is a step per need.
  const byPort = new Map<number, Set<HubSpotList>>();
  for (let i = 0; i < needs.length; i++) {
    const { endpoint, list } = needs[i];
    const lists = byPort.get(endpoint.port);
    if (lists) lists.add(list);
    else byPort.set(endpoint.port, new Set([list]));
  }
  return new Map([...byPort].map(([port, lists]) => [port, [...lists].sort(compareText)]));
}

/**
 * A created group that grows a group, or a prefix list that grows while a referencing rule had to
 * leave its group (AWS refuses ModifyManagedPrefixList while any referencing group would exceed
 * its quota, and Terraform modifies the list before it moves the rule).
 */
function securityGroupLifecycle(p: SecurityGroupPolicy, placed: TargetPlacement | undefined): LifecycleProblem[] {
  if (!p.target.create || !placed) return [];
  const problems: LifecycleProblem[] = [];
  const created = p.target;
  const home = new Map<string, number>();
  (placed.groups ?? []).forEach((keys, i) => keys.forEach((key) => home.set(key, i + 1)));
  let grown: PrefixListPlan | undefined;
  let moved = false;
  for (const group of p.groups) {
    if (group.index > (placed.groups?.length ?? 1)) {
      problems.push({ kind: "new-group", target: created, groupName: group.groupName ?? "", index: group.index });
    }
    for (const ingress of group.ingress) {
      for (const prefixList of prefixListOf(ingress)) if (prefixList.grownFrom !== undefined) grown ??= prefixList;
      const was = home.get(ingressKey(ingress));
      if (was !== undefined && was !== group.index) moved = true;
    }
  }
  if (grown && moved) {
    problems.push({ kind: "prefix-list-growth", target: created, prefixList: grown, was: grown.grownFrom ?? grown.maxEntries, allowed: p.maxRules });
  }
  return problems;
}

// ---- what an apply does while it runs

/** Per group and family: the rules it holds while both the old and the new ones exist. */
function securityGroupPeaks(
  p: SecurityGroupPolicy,
  placed: TargetPlacement,
  left: LeavingRules | undefined,
  weightOf: (key: string, family: IpFamily) => number,
): ApplyProblem[] {
  const problems: ApplyProblem[] = [];
  p.groups.forEach((group, i) => {
    const present = new Set(group.ingress.map(ingressKey));
    const old = [...new Set([...(placed.groups?.[i] ?? []), ...(left?.groups?.[i] ?? [])])].filter((key) => !present.has(key));
    if (old.length === 0) return;
    for (const family of [4, 6] as const) {
      const after = family === 4 ? group.weight.ipv4 : group.weight.ipv6;
      const leaving = old.map((key) => weightOf(key, family)).filter((w) => w > 0);
      const peak = after + leaving.reduce((a, b) => a + b, 0);
      if (peak > p.maxRules && after <= p.maxRules) {
        const where = `security group ${group.groupName ?? p.target.securityGroupId ?? ""} (IPv${family})`;
        problems.push({ kind: "apply-peak", target: p.target, where, peak, after, allowed: p.maxRules, leaving: leaving.length });
      }
    }
  });
  return problems;
}

function expandSecurityGroup(p: SecurityGroupPolicy, rules: LeavingRules, prefixLists: PrefixListRegistry): SecurityGroupPolicy {
  const present = new Set(p.groups.flatMap((g) => g.ingress.map(ingressKey)));
  const extra: FirewallRule[] = [];
  const groups = p.groups.map((group, i) => {
    const leavingHere = (rules.groups?.[i] ?? [])
      .filter((key) => !present.has(key))
      .map((key) => leavingIngress(key, rules.lists?.get(key), prefixLists))
      .filter((ingress): ingress is IngressRule => ingress !== undefined);
    if (leavingHere.length === 0) return group;
    for (const ingress of leavingHere) extra.push(...ingress.admits);
    const ingress = [...group.ingress, ...leavingHere];
    return { ...group, ingress, weight: weightOf(ingress) };
  });
  return { ...p, groups, rules: [...p.rules, ...extra] };
}

/** A rule rebuilt from its key: it no longer serves a domain, and says which lists it served. */
function leavingRule(port: number, cidr: Cidr, lists: readonly HubSpotList[]): FirewallRule {
  return { protocol: "tcp", port, cidr, lists, domains: [], hosts: [] };
}

function leavingIngress(key: string, label: string | undefined, prefixLists: PrefixListRegistry): IngressRule | undefined {
  const parsed = parseRuleIdentity(key);
  if (!parsed) return undefined;
  if (parsed.kind === "cidr") {
    return cidrIngress(leavingRule(parsed.port, parsed.cidr, listsOf(label)));
  }
  const prefixList = prefixLists.get(parsed.lists, parsed.family);
  if (!prefixList) return undefined;
  const rules = prefixList.entries.map((cidr) => leavingRule(parsed.port, cidr, parsed.lists));
  return prefixListIngressOf(parsed.port, prefixList, rules, { lists: parsed.lists, domains: [], hosts: [] });
}

/** `imap+smtp` as recorded; placements of earlier versions have no lists: say both, the widest truth. */
function listsOf(label: string | undefined): HubSpotList[] {
  const lists = (label ?? "").split("+").filter((l): l is HubSpotList => l === "imap" || l === "smtp");
  return lists.length > 0 ? lists : ["imap", "smtp"];
}

/** A removed security group target, rebuilt from its leaving record: its groups, empty, for the leaving rules to fill. */
function securityGroupFromLeaving(name: string, rules: LeavingRules, access: StackAccess): SecurityGroupPolicy | undefined {
  const create = rules.vpcId !== undefined && rules.name !== undefined ? { vpcId: rules.vpcId, groupName: rules.name } : undefined;
  const target = create
    ? { ...access, type: "aws-security-group" as const, create }
    : rules.securityGroupId !== undefined
      ? { ...access, type: "aws-security-group" as const, securityGroupId: rules.securityGroupId }
      : undefined;
  if (!target) return undefined;
  const groups = (rules.groups ?? []).map((_, i) => ({
    index: i + 1,
    ...(create ? { groupName: i === 0 ? create.groupName : `${create.groupName}-${i + 1}` } : {}),
    ingress: [],
    weight: { ipv4: 0, ipv6: 0 },
  }));
  const prefixLists = (rules.groups ?? []).flat().some((key) => key.includes(" prefix-list "));
  return {
    type: "aws-security-group",
    target,
    sources: prefixLists ? "prefix-lists" : "cidrs",
    maxRules: 1000,
    rules: [],
    groups,
    ...(rules.createdAs && rules.createdAs !== name ? { createdAs: rules.createdAs } : {}),
  };
}

function securityGroupIdentityChange(target: SecurityGroupTarget, field: IdentityField, placed: TargetPlacement, now: TargetIdentity): ApplyProblem {
  const was = placed[field];
  const is = now[field];
  if (was === undefined || is === undefined) {
    return {
      kind: "identity-changed",
      target,
      what: "security group",
      was: placed.securityGroupId ?? `${placed.vpcId}/${placed.name}`,
      now: is === undefined ? `${now.vpcId}/${now.name}` : (now.securityGroupId ?? ""),
      why:
        "Its rules would leave the attached group for one that nothing is attached to yet, all in one apply: HubSpot would be unadmitted until the new group is attached, and a created group destroyed while attached fails the apply.",
    };
  }
  return {
    kind: "identity-changed",
    target,
    what: field === "name" ? "group name" : field === "vpcId" ? "VPC" : "security group",
    was,
    now: is,
    why:
      field === "securityGroupId"
        ? "Every rule would be destroyed in the old group and created in the new one, in no particular order."
        : "AWS cannot rename a security group or move it to another VPC: Terraform would destroy it, with every rule, while network interfaces still use it (AWS refuses that, and the apply stops with the rules gone).",
  };
}

export const securityGroupPlan: PlanPart<SecurityGroupTarget, SecurityGroupPolicy> = {
  plan(target, { needs, rules, placed, placedUnderOwnName, prefixLists }) {
    const planned = planSecurityGroup(target, rules, listsByPort(needs), prefixLists, placed);
    // A created group's description names the target it was made under; AWS cannot change it in place.
    const createdAs = target.create && placed ? (placed.createdAs ?? (placedUnderOwnName ? undefined : target.renamedFrom)) : undefined;
    return createdAs !== undefined && createdAs !== target.name ? { ...planned, createdAs } : planned;
  },
  // A created group lives as long as its target: servers are attached to it.
  keptWhileDefined: (_target, placed) => (placed.groups?.length ?? 0) > 0,
  prefixListsUsed: (p) => p.groups.flatMap((g) => g.ingress.flatMap(prefixListOf)),
  claims: (p): Claim[] =>
    p.target.create ? p.groups.flatMap((g) => (g.groupName !== undefined ? [{ key: groupNameKey(p.target.region, p.target.create?.vpcId ?? "", g.groupName), target: p.target.name }] : [])) : [],
  limits: (p, { claimed }) => securityGroupLimits(p, claimed),
  lifecycle: securityGroupLifecycle,
  placement(p, stack) {
    // Each rule's key once (it was built twice), and each lists array labelled once: rules
    // share a few of them (one per port and lists overlapped).
    const groups = p.groups.map((g) => g.ingress.map(ingressKey));
    const labels = new Map<readonly HubSpotList[], string>();
    const lists = new Map<string, string>();
    p.groups.forEach((g, i) =>
      g.ingress.forEach((rule, j) => {
        let label = labels.get(rule.lists);
        if (label === undefined) labels.set(rule.lists, (label = rule.lists.join("+")));
        lists.set(groups[i][j], label);
      }),
    );
    return {
      stack,
      ...securityGroupIdentity(p.target),
      ...(p.createdAs !== undefined ? { createdAs: p.createdAs } : {}),
      groups,
      lists,
    };
  },
  identity: securityGroupIdentity,
  identityChange: securityGroupIdentityChange,
  applyPeaks: securityGroupPeaks,
  placedKeys: (p) => p.groups.flatMap((g) => g.ingress.map(ingressKey)),
  keyedPairs: (p) => keyedPairs(p.groups.flatMap((g) => g.ingress)),
  expand: expandSecurityGroup,
  fromLeaving: securityGroupFromLeaving,
};

function securityGroupIdentity(target: SecurityGroupTarget): TargetIdentity {
  return target.create ? { vpcId: target.create.vpcId, name: target.create.groupName } : { securityGroupId: target.securityGroupId };
}
