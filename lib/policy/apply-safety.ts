import { Cidr, type IpFamily } from "../model/cidr";
import type { AwsFirewallTarget, Config, FirewallTarget } from "../model/config";
import { isAwsTarget } from "../model/config";
import { stackName } from "../model/stack";
import type { Leaving } from "./leaving";
import { identityOf, ingressKey, networkAclInboundKey, parseRuleKey, placedBefore, type LeavingRules, type Placements, type TargetIdentity, type TargetPlacement } from "./placements";
import { usableNetworkAclRules } from "./quota";
import { isAwsPolicy, type FirewallPolicy, type NetworkAclPolicy, type SecurityGroupPolicy } from "./types";

/**
 * What an apply of this change does while it runs (issue 19), judged from the last synth's
 * placements: Terraform orders nothing between the delete of one resource and the create of
 * another, so every moment of the apply may hold any mix of the old and the new rules.
 * - A rename must be said (`renamedFrom`), or every resource is destroyed and created again.
 * - What identifies a target in AWS (a group's name and VPC, an existing group, an ACL, a rule
 *   group's name) cannot change under the same target: AWS would replace it, with the servers
 *   still attached to it.
 * - A removed target's resources are destroyed: said, with what must be detached first.
 * - Old and new rules exist together at the peak: counted against the quota.
 * - Rules that leave while rules admitting the same addresses arrive need two applies.
 * Pure; sorted by target name.
 */
export type ApplyProblem =
  | { readonly kind: "identity-changed"; readonly target: FirewallTarget; readonly what: string; readonly was: string; readonly now: string; readonly why: string }
  | { readonly kind: "rename-unconfirmed"; readonly target: FirewallTarget; readonly was: string; readonly what: string }
  | {
      readonly kind: "target-removed";
      readonly name: string;
      readonly stack: string;
      readonly destroyed: string;
      readonly detach?: string;
      /** Still defined, but no domain uses it: a rule group goes (a created group stays). */
      readonly target?: FirewallTarget;
    }
  | {
      readonly kind: "apply-peak";
      readonly target: FirewallTarget;
      readonly where: string;
      readonly peak: number;
      readonly after: number;
      readonly allowed: number;
      readonly leaving: number;
    }
  | { readonly kind: "two-phase"; readonly target: FirewallTarget; readonly stack: string; readonly leaving: number; readonly created: number };


const IDENTITY_FIELDS = ["securityGroupId", "vpcId", "name", "networkAclId"] as const;

export function checkApply(config: Config, policy: FirewallPolicy, previous: Placements, leaving: Leaving): ApplyProblem[] {
  const problems: ApplyProblem[] = [];
  const all = [...config.firewalls, ...(config.idleFirewalls ?? [])];
  const aws = all.filter(isAwsTarget);
  const claimed = new Set(aws.flatMap((t) => (t.renamedFrom !== undefined ? [t.renamedFrom] : [])));
  const defined = new Set(all.map((t) => t.name));
  for (const target of [...aws].sort((a, b) => compareText(a.name, b.name))) {
    const placed = placedBefore(previous, target);
    if (placed) {
      const changed = identityChange(target, placed);
      if (changed) problems.push(changed);
      continue;
    }
    const renamed = [...previous.targets].find(
      ([name, p]) => !defined.has(name) && !claimed.has(name) && p.stack === stackName(target) && sameIdentity(identityOf(target), p),
    );
    if (renamed) problems.push({ kind: "rename-unconfirmed", target, was: renamed[0], what: identityWords(identityOf(target)) });
  }
  for (const [name, placed] of [...previous.targets].sort(([a], [b]) => compareText(a, b))) {
    if (defined.has(name) || claimed.has(name)) continue;
    problems.push({ kind: "target-removed", name, stack: placed.stack, ...destroyedWith(placed) });
  }
  for (const target of (config.idleFirewalls ?? []).filter((t) => t.type === "aws-network-firewall")) {
    const placed = placedBefore(previous, target);
    if (placed) problems.push({ kind: "target-removed", name: target.name, stack: placed.stack, ...destroyedWith(placed), target });
  }
  for (const p of policy.targets.filter(isAwsPolicy)) {
    const placed = placedBefore(previous, p.target);
    if (!placed) continue;
    // What the apply starts from: the last synth's rules, and those it recorded as still leaving.
    const left = leaving.get(p.target.name);
    if (p.type === "aws-security-group") problems.push(...securityGroupPeaks(p, placed, left, policy, previous));
    if (p.type === "aws-network-acl") problems.push(...networkAclPeaks(p, placed, left));
    const twoPhase = needsTwoPhases(p.target, leaving, policy);
    if (twoPhase) problems.push(twoPhase);
  }
  return problems;
}

function identityChange(target: AwsFirewallTarget, placed: TargetPlacement): ApplyProblem | undefined {
  // Placements of earlier versions record no identity: nothing to compare.
  if (!IDENTITY_FIELDS.some((f) => placed[f] !== undefined)) return undefined;
  const now = identityOf(target);
  const field = IDENTITY_FIELDS.find((f) => placed[f] !== now[f]);
  if (field === undefined) return undefined;
  const was = placed[field];
  const is = now[field];
  if (target.type === "aws-security-group") {
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
  if (target.type === "aws-network-acl") {
    return { kind: "identity-changed", target, what: "network ACL", was: was ?? "", now: is ?? "", why: "Every rule would be destroyed in the old ACL and created in the new one, in no particular order." };
  }
  return {
    kind: "identity-changed",
    target,
    what: "rule group name",
    was: was ?? "",
    now: is ?? "",
    why: "AWS cannot rename a rule group: Terraform would destroy it while a firewall policy references it (AWS refuses that, and the apply stops).",
  };
}

function sameIdentity(a: TargetIdentity, b: TargetIdentity): boolean {
  return IDENTITY_FIELDS.some((f) => b[f] !== undefined) && IDENTITY_FIELDS.every((f) => a[f] === b[f]);
}

function identityWords(id: TargetIdentity): string {
  if (id.securityGroupId) return `security group ${id.securityGroupId}`;
  if (id.vpcId) return `group name ${id.name} in ${id.vpcId}`;
  if (id.networkAclId) return `network ACL ${id.networkAclId}`;
  return `rule group name ${id.name}`;
}

function destroyedWith(placed: TargetPlacement): { destroyed: string; detach?: string } {
  if (placed.vpcId) {
    const groups = placed.groups?.length ?? 1;
    return {
      destroyed: `its ${groups === 1 ? "security group" : `${groups} security groups`} and every rule in ${groups === 1 ? "it" : "them"}`,
      detach: "AWS refuses to delete a security group that network interfaces still use: detach it first.",
    };
  }
  if (placed.sids) {
    return { destroyed: "its rule group", detach: "AWS refuses to delete a rule group that a firewall policy references: remove it from the policy first." };
  }
  return { destroyed: placed.inbound ? "its network ACL rules" : "its rules in the security group" };
}

/** Per group and family: the rules it holds while both the old and the new ones exist. */
function securityGroupPeaks(
  p: SecurityGroupPolicy,
  placed: TargetPlacement,
  left: LeavingRules | undefined,
  policy: FirewallPolicy,
  previous: Placements,
): ApplyProblem[] {
  const problems: ApplyProblem[] = [];
  p.groups.forEach((group, i) => {
    const present = new Set(group.ingress.map(ingressKey));
    const old = [...new Set([...(placed.groups?.[i] ?? []), ...(left?.groups?.[i] ?? [])])].filter((key) => !present.has(key));
    if (old.length === 0) return;
    for (const family of [4, 6] as const) {
      const after = family === 4 ? group.weight.ipv4 : group.weight.ipv6;
      const leaving = old.map((key) => keyWeight(key, family, policy, previous)).filter((w) => w > 0);
      const peak = after + leaving.reduce((a, b) => a + b, 0);
      if (peak > p.maxRules && after <= p.maxRules) {
        const where = `security group ${group.groupName ?? p.target.securityGroupId ?? ""} (IPv${family})`;
        problems.push({ kind: "apply-peak", target: p.target, where, peak, after, allowed: p.maxRules, leaving: leaving.length });
      }
    }
  });
  return problems;
}

function keyWeight(key: string, family: IpFamily, policy: FirewallPolicy, previous: Placements): number {
  const parsed = parseRuleKey(key);
  if (!parsed) return 0;
  if (parsed.kind === "cidr") return parsed.cidr.family === family ? 1 : 0;
  if (parsed.family !== family) return 0;
  const listKey = `${parsed.lists.join("+")}/ipv${family}`;
  return policy.prefixLists.find((pl) => pl.key === listKey)?.maxEntries ?? previous.prefixLists.get(listKey) ?? 0;
}

/** Per direction and family: the numbered rules while a removed or renumbered rule still holds its number. */
function networkAclPeaks(p: NetworkAclPolicy, placed: TargetPlacement, left: LeavingRules | undefined): ApplyProblem[] {
  const problems: ApplyProblem[] = [];
  const usable = usableNetworkAclRules(p.maxRules);
  const directions = [
    { name: "inbound", now: new Map(p.inbound.map((r) => [networkAclInboundKey(r.rule), r.ruleNumber])), was: [placed.inbound, left?.inbound] },
    { name: "outbound", now: new Map(p.outbound.map((r) => [r.cidr.toString(), r.ruleNumber])), was: [placed.outbound, left?.outbound] },
  ] as const;
  for (const { name, now, was } of directions) {
    // A (key, number) pair is one rule: the same pair in both maps is counted once.
    const held = new Map<string, { key: string; n: number }>();
    for (const numbers of was) for (const [key, n] of numbers ?? []) held.set(`${n} ${key}`, { key, n });
    for (const family of [4, 6] as const) {
      const ofFamily = (key: string) => familyOfKey(key) === family;
      const after = [...now.keys()].filter(ofFamily).length;
      const leaving = [...held.values()].filter(({ key, n }) => ofFamily(key) && now.get(key) !== n).length;
      if (after + leaving > usable && after <= usable) {
        const where = `network ACL ${p.target.networkAclId} (${name}, IPv${family})`;
        problems.push({ kind: "apply-peak", target: p.target, where, peak: after + leaving, after, allowed: usable, leaving });
      }
    }
  }
  return problems;
}

function familyOfKey(key: string): IpFamily | undefined {
  const parsed = parseRuleKey(key);
  if (parsed) return parsed.kind === "cidr" ? parsed.cidr.family : parsed.family;
  const cidr = Cidr.parse(key);
  return cidr instanceof Cidr ? cidr.family : undefined;
}

/** Leaving rules and new ones admitting some of the same addresses on one port: only two applies are gap-free. */
function needsTwoPhases(target: AwsFirewallTarget, leaving: Leaving, policy: FirewallPolicy): ApplyProblem | undefined {
  const rules = leaving.get(target.name);
  if (!rules) return undefined;
  const p = policy.targets.find((t) => t.target.name === target.name);
  if (!p || !isAwsPolicy(p)) return undefined;
  // Every current rule that overlaps a leaving one on its port is new with this change: the
  // rules of one port are a minimal cover, disjoint, so a survivor never overlaps a rule that
  // left it. So the same test holds when the commit is synthesized again (the previous
  // placements are then this commit's own, and only `leaving` remembers the old state).
  const leavingPairs = [...(rules.groups ?? []).flat(), ...(rules.inbound?.keys() ?? [])]
    .flatMap((key) => pairsOf(key, policy))
    .filter((pair) => !currentKeys(p).has(pair.key));
  const created = newPairs(p);
  const overlapping = leavingPairs.filter((l) => created.some((c) => c.port === l.port && c.cidr.overlaps(l.cidr)));
  if (overlapping.length === 0) return undefined;
  const leavingCount = new Set(overlapping.map((l) => l.key)).size;
  const createdCount = new Set(created.filter((c) => overlapping.some((l) => l.port === c.port && l.cidr.overlaps(c.cidr))).map((c) => c.key)).size;
  return { kind: "two-phase", target, stack: stackName(target), leaving: leavingCount, created: createdCount };
}

interface KeyedPair {
  readonly key: string;
  readonly port: number;
  readonly cidr: Cidr;
}

function pairsOf(key: string, policy: FirewallPolicy): KeyedPair[] {
  const parsed = parseRuleKey(key);
  if (!parsed) return [];
  if (parsed.kind === "cidr") return [{ key, port: parsed.port, cidr: parsed.cidr }];
  const list = policy.prefixLists.find((pl) => pl.key === `${parsed.lists.join("+")}/ipv${parsed.family}`);
  return (list?.entries ?? []).map((cidr) => ({ key, port: parsed.port, cidr }));
}

function currentKeys(p: SecurityGroupPolicy | NetworkAclPolicy | { type: "aws-network-firewall" }): Set<string> {
  if (p.type === "aws-security-group") return new Set(p.groups.flatMap((g) => g.ingress.map(ingressKey)));
  if (p.type === "aws-network-acl") return new Set(p.inbound.map((r) => networkAclInboundKey(r.rule)));
  return new Set();
}

function newPairs(p: SecurityGroupPolicy | NetworkAclPolicy | { type: "aws-network-firewall" }): KeyedPair[] {
  if (p.type === "aws-security-group") {
    return p.groups.flatMap((g) =>
      g.ingress.flatMap((ingress) => {
        const key = ingressKey(ingress);
        return ingress.kind === "cidr" ? [{ key, port: ingress.port, cidr: ingress.rule.cidr }] : ingress.rules.map((r) => ({ key, port: ingress.port, cidr: r.cidr }));
      }),
    );
  }
  if (p.type === "aws-network-acl") return p.inbound.map((r) => ({ key: networkAclInboundKey(r.rule), port: r.rule.port, cidr: r.rule.cidr }));
  return [];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
