import { allowlistTarget, type AllowlistTarget } from "./allowlist/target";
import { networkAclTarget, type NetworkAclTarget } from "./network-acl/target";
import { networkFirewallTarget, type NetworkFirewallTarget } from "./network-firewall/target";
import { nftablesTarget, type NftablesTarget } from "./nftables/target";
import { securityGroupTarget, type SecurityGroupTarget } from "./security-group/target";
import type { TargetPart } from "./target-part";
import { windowsFirewallTarget, type WindowsFirewallTarget } from "./windows-firewall/target";

/**
 * The kinds of firewall target. Each is a folder beside this file holding every part of the kind:
 * its target type and what it owns (`target.ts`), its checks and schema (`check.ts`), its planner
 * and limits (`plan.ts`), its report rows (`report.ts`), its files (`render.ts`) and its live
 * readings (`live.ts`); an AWS kind also its constructs (`construct.ts`) and the verifier's reader
 * of its written resources (`verifier.ts`). Each layer reads its part through one table here
 * (`targets.ts`, `checks.ts`, `plans.ts`, `reports.ts`, `renders.ts`, `lives.ts`, `constructs.ts`,
 * `verifiers.ts`), typed so that a kind missing from a table, or a part missing a member, does
 * not compile. Outside lib/kinds nothing names or tests a target's type: adding a kind is a folder
 * and a line in each table.
 */

/** Targets whose rules are Terraform resources in a stack of an AWS account and region. */
export type AwsFirewallTarget = SecurityGroupTarget | NetworkAclTarget | NetworkFirewallTarget;

/** Targets whose rules are files under `<artifacts>/firewalls/` that someone loads on the firewall: no region, no stack. */
export type OnPremFirewallTarget = NftablesTarget | WindowsFirewallTarget | AllowlistTarget;

export type FirewallTarget = AwsFirewallTarget | OnPremFirewallTarget;

export type FirewallType = FirewallTarget["type"];
export type AwsFirewallType = AwsFirewallTarget["type"];
export type OnPremFirewallType = OnPremFirewallTarget["type"];

/** The target of kind `K`. */
export type TargetOf<K extends FirewallType> = Extract<FirewallTarget, { readonly type: K }>;

export const TARGETS: { readonly [K in FirewallType]: TargetPart<TargetOf<K>> } = {
  "aws-security-group": securityGroupTarget,
  "aws-network-acl": networkAclTarget,
  "aws-network-firewall": networkFirewallTarget,
  nftables: nftablesTarget,
  "windows-firewall": windowsFirewallTarget,
  allowlist: allowlistTarget,
};

/**
 * The part of `of`'s kind in a table of one part per kind (`PLANS`, `REPORTS`, ...), to be read as
 * a part of any kind (`PlanPart<FirewallTarget, TargetPolicy>`): the table's type, one part per
 * kind each reading its own kind (`{ [K in FirewallType]: PlanPart<TargetOf<K>, PolicyOf<K>> }`),
 * guarantees the part reads the kind of `of`.
 */
export function partOf<K extends FirewallType, P>(table: { readonly [T in K]: P }, of: { readonly type: K }): P {
  return table[of.type];
}

/** The model's part of a target's kind; the table guarantees the part reads this kind of target. */
export function targetPartOf(target: Pick<FirewallTarget, "type">): TargetPart<FirewallTarget> {
  return partOf(TARGETS, target);
}

/** Whether a target lives in AWS (and so in a Terraform stack); the others write artifacts. */
export function isAwsTarget(target: FirewallTarget): target is AwsFirewallTarget {
  return targetPartOf(target).aws;
}
