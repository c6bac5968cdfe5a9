import type { FirewallTarget, NetworkFirewallTarget, RuleOrder, SecurityGroupTarget } from "../model/config";
import { stackName } from "../model/stack";
import { isAwsPolicy, type FirewallPolicy } from "./types";
import { rememberedRuleGroup } from "./network-firewall";
import { ingressKey, placedBefore, type Placements } from "./placements";
import type { PrefixListPlan } from "./prefix-lists";

/** A change from the last synth's placements that AWS or Terraform would not take safely. */
export type LifecycleProblem =
  | { readonly kind: "stack-move"; readonly target: FirewallTarget; readonly from: string; readonly to: string }
  | {
      readonly kind: "stack-changed";
      readonly target: FirewallTarget;
      readonly stack: string;
      readonly field: "region" | "account";
      readonly was?: string;
      readonly now?: string;
    }
  | { readonly kind: "new-group"; readonly target: SecurityGroupTarget; readonly groupName: string; readonly index: number }
  | {
      readonly kind: "prefix-list-growth";
      readonly target: SecurityGroupTarget;
      readonly prefixList: PrefixListPlan;
      readonly was: number;
      readonly allowed: number;
    }
  | { readonly kind: "empty-stack"; readonly stack: string }
  | {
      readonly kind: "rule-order-changed";
      readonly target: NetworkFirewallTarget;
      readonly was: RuleOrder;
      readonly now: RuleOrder;
      /** True when `was` is inferred (a placement from before rule order was remembered). */
      readonly inferred: boolean;
    }
  | { readonly kind: "rule-group-replaced"; readonly target: NetworkFirewallTarget; readonly was: number; readonly now: number; readonly rules: number }
  | { readonly kind: "replacement-not-needed"; readonly target: NetworkFirewallTarget };

/**
 * What this policy would do to what `previous` placed, that only the placements can show:
 * - a target whose stack name changed (an account or role added, a region changed) would start
 *   from empty state in the new stack while the old one's state still holds its rules: refused;
 * - a stack whose region (or account) changed under the same name: its state describes resources
 *   elsewhere: refused;
 * - a remembered prefix list that must grow while a referencing rule had to leave its group:
 *   AWS refuses ModifyManagedPrefixList while any referencing group would exceed its quota, and
 *   Terraform modifies the list before it moves the rule: refused with the figures;
 * - a Network Firewall rule group whose `ruleOrder` differs from the one it was created with:
 *   AWS cannot change it (refused, with the way to move to the other order);
 * - a rule group whose capacity changes (given, or outgrown): Terraform replaces it, which fails
 *   while a firewall policy references it: refused, unless `replaceRuleGroup` says it is detached;
 * - a created target that needs a new group (warning: it must be attached to work);
 * - a stack that no longer has targets (warning: apply it, then retire it).
 * Pure; sorted by target name, then stack.
 */
export function checkLifecycle(policy: FirewallPolicy, previous: Placements, emptyStacks: readonly string[]): LifecycleProblem[] {
  const problems: LifecycleProblem[] = [];
  for (const p of policy.targets) {
    // Placements remember AWS stacks only; a target that became an on-premises one leaves its
    // stack emptied (EMPTY_STACK below), which is what happens when it is removed.
    if (!isAwsPolicy(p)) continue;
    const target = p.target;
    const stack = stackName(target);
    const placed = placedBefore(previous, target);
    if (placed && placed.stack !== stack) {
      problems.push({ kind: "stack-move", target, from: placed.stack, to: stack });
      continue;
    }
    const record = previous.stacks.get(stack);
    if (record && record.region !== target.region) {
      problems.push({ kind: "stack-changed", target, stack, field: "region", was: record.region, now: target.region });
    } else if (record && record.account !== undefined && record.account !== target.account) {
      // Adding an account pins the provider (allowed_account_ids): safe. Changing or dropping one is not.
      problems.push({ kind: "stack-changed", target, stack, field: "account", was: record.account, now: target.account });
    }
    if (p.type === "aws-network-firewall") {
      const created = rememberedRuleGroup(placed);
      if (!created) continue;
      if (p.ruleOrder !== created.ruleOrder) {
        problems.push({ kind: "rule-order-changed", target: p.target, was: created.ruleOrder, now: p.ruleOrder, inferred: created.inferred });
      }
      if (p.capacity !== created.capacity) {
        problems.push({ kind: "rule-group-replaced", target: p.target, was: created.capacity, now: p.capacity, rules: p.statefulRules.length });
      } else if (p.target.replaceRuleGroup) {
        problems.push({ kind: "replacement-not-needed", target: p.target });
      }
      continue;
    }
    if (p.type !== "aws-security-group" || !p.target.create || !placed) continue;
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
        if (ingress.kind === "prefix-list" && ingress.prefixList.grownFrom !== undefined) grown ??= ingress.prefixList;
        const was = home.get(ingressKey(ingress));
        if (was !== undefined && was !== group.index) moved = true;
      }
    }
    // A grown list weighs more in every referencing group; any rule that had to leave a group
    // for it is still there when Terraform raises `max_entries`, which AWS then refuses.
    if (grown && moved) {
      problems.push({ kind: "prefix-list-growth", target: created, prefixList: grown, was: grown.grownFrom ?? grown.maxEntries, allowed: p.maxRules });
    }
  }
  for (const stack of emptyStacks) problems.push({ kind: "empty-stack", stack });
  return problems;
}
