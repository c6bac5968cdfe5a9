import type { Cidr } from "../../model/cidr";
import type { FirewallBase } from "../../model/target-base";
import type { TargetPart } from "../target-part";

/** A stateful AWS Network Firewall rule group that mailgate creates. */
export type NetworkFirewallTarget = FirewallBase & {
  readonly type: "aws-network-firewall";
  /** The rule group's name (AWS: 1-128 of `a-zA-Z0-9-`). */
  readonly ruleGroupName: string;
  /** The mail servers' addresses behind the firewall: canonical, sorted, unique. */
  readonly destinations: readonly Cidr[];
  /**
   * The rule group's capacity, fixed at creation.
   * @default computed from the rule count (see lib/kinds/network-firewall/plan.ts)
   */
  readonly capacity?: number;
  /**
   * The rule group's rule order, which must match the firewall policy's stateful engine options
   * and cannot change after creation.
   * @default an existing group's own order; `DEFAULT_ACTION_ORDER` (AWS's default) for a new one
   */
  readonly ruleOrder?: RuleOrder;
  /**
   * Said for one apply: the rule group is detached from every firewall policy, so a capacity
   * change may replace it (AWS refuses to delete a referenced rule group). Otherwise refused.
   */
  readonly replaceRuleGroup?: boolean;
};

/** AWS Network Firewall's evaluation orders for a stateful rule group. */
export type RuleOrder = "DEFAULT_ACTION_ORDER" | "STRICT_ORDER";

/** In AWS: a stack's Terraform resources, no file of its own. */
export const networkFirewallTarget: TargetPart<NetworkFirewallTarget> = {
  aws: true,
  files: () => [],
  stateless: false,
  destinations: (target) => target.destinations,
};
