import type { IpFamily } from "../model/cidr";
import type { AwsFirewallTarget, Config } from "../model/config";
import { isAwsTarget } from "../model/config";
import { parseRuleIdentity } from "../model/rule-identity";
import { stackName } from "../model/stack";
import { compareText } from "../model/text";
import { isAwsPolicy, planPartOf } from "../kinds/plans";
import type { Leaving } from "./leaving";
import { IDENTITY_FIELDS, placedBefore, type KeyedPair, type Placements, type TargetIdentity, type TargetPlacement } from "./placement-types";
import { identityOf } from "./placements";
import { prefixListKey } from "./prefix-lists";
import type { ApplyProblem } from "./problems";
import type { FirewallPolicy } from "./types";

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
export type { ApplyProblem } from "./problems";



/**
 * `leavingLists`: the prefix lists the leaving rules reference, as the expand phase holds them
 * (the expand policy's): a list only leaving rules use is in no other policy.
 */
export function checkApply(config: Config, policy: FirewallPolicy, previous: Placements, leaving: Leaving, leavingLists: FirewallPolicy["prefixLists"] = policy.prefixLists): ApplyProblem[] {
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
  // An idle target its kind does not keep (a rule group cannot be empty) goes with its resources.
  for (const target of (config.idleFirewalls ?? []).filter(isAwsTarget)) {
    const placed = placedBefore(previous, target);
    if (placed && !planPartOf(target).keptWhileDefined(target, placed)) problems.push({ kind: "target-removed", name: target.name, stack: placed.stack, ...destroyedWith(placed), target });
  }
  for (const p of policy.targets.filter(isAwsPolicy)) {
    const placed = placedBefore(previous, p.target);
    if (!placed) continue;
    // What the apply starts from: the last synth's rules, and those it recorded as still leaving.
    const left = leaving.get(p.target.name);
    problems.push(...planPartOf(p).applyPeaks(p, placed, left, (key, family) => keyWeight(key, family, policy, previous)));
    const twoPhase = needsTwoPhases(p.target, leaving, policy, leavingLists);
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
  return planPartOf(target).identityChange(target, field, placed, now);
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

function keyWeight(key: string, family: IpFamily, policy: FirewallPolicy, previous: Placements): number {
  const parsed = parseRuleIdentity(key);
  if (!parsed) return 0;
  if (parsed.kind === "cidr") return parsed.cidr.family === family ? 1 : 0;
  if (parsed.family !== family) return 0;
  const listKey = prefixListKey(parsed.lists, family);
  return policy.prefixLists.find((pl) => pl.key === listKey)?.maxEntries ?? previous.prefixLists.get(listKey) ?? 0;
}

/** Leaving rules and new ones admitting some of the same addresses on one port: only two applies are gap-free. */
function needsTwoPhases(target: AwsFirewallTarget, leaving: Leaving, policy: FirewallPolicy, leavingLists: FirewallPolicy["prefixLists"]): ApplyProblem | undefined {
  const rules = leaving.get(target.name);
  if (!rules) return undefined;
  const p = policy.targets.find((t) => t.target.name === target.name);
  if (!p || !isAwsPolicy(p)) return undefined;
  // Every current rule that overlaps a leaving one on its port is new with this change: the
  // rules of one port are a minimal cover, disjoint, so a survivor never overlaps a rule that
  // left it. So the same test holds when the commit is synthesized again (the previous
  // placements are then this commit's own, and only `leaving` remembers the old state).
  const current = new Set(planPartOf(p).placedKeys(p));
  const leavingPairs = [...(rules.groups ?? []).flat(), ...(rules.inbound?.keys() ?? [])]
    .flatMap((key) => pairsOf(key, leavingLists))
    .filter((pair) => !current.has(pair.key));
  const created = planPartOf(p).keyedPairs(p);
  const overlapping = leavingPairs.filter((l) => created.some((c) => c.port === l.port && c.cidr.overlaps(l.cidr)));
  if (overlapping.length === 0) return undefined;
  const leavingCount = new Set(overlapping.map((l) => l.key)).size;
  const createdCount = new Set(created.filter((c) => overlapping.some((l) => l.port === c.port && l.cidr.overlaps(c.cidr))).map((c) => c.key)).size;
  return { kind: "two-phase", target, stack: stackName(target), leaving: leavingCount, created: createdCount };
}

function pairsOf(key: string, lists: FirewallPolicy["prefixLists"]): KeyedPair[] {
  const parsed = parseRuleIdentity(key);
  if (!parsed) return [];
  if (parsed.kind === "cidr") return [{ key, port: parsed.port, cidr: parsed.cidr }];
  const list = lists.find((pl) => pl.key === prefixListKey(parsed.lists, parsed.family));
  return (list?.entries ?? []).map((cidr) => ({ key, port: parsed.port, cidr }));
}
