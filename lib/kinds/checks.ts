import { allowlistCheck } from "./allowlist/check";
import type { Diagnostic } from "../config/diagnostic";
import type { Owner } from "./check-clashes";
import type { CheckPart } from "./check-part";
import { networkAclCheck } from "./network-acl/check";
import { networkFirewallCheck } from "./network-firewall/check";
import { nftablesCheck } from "./nftables/check";
import { securityGroupCheck } from "./security-group/check";
import type { FirewallTarget, FirewallType, TargetOf } from "./targets";
import { windowsFirewallCheck } from "./windows-firewall/check";

/** Validation's part of every kind (lib/kinds/targets.ts says what a kind is made of). */
export const CHECKS: { readonly [K in FirewallType]: CheckPart<TargetOf<K>> } = {
  "aws-security-group": securityGroupCheck,
  "aws-network-acl": networkAclCheck,
  "aws-network-firewall": networkFirewallCheck,
  nftables: nftablesCheck,
  "windows-firewall": windowsFirewallCheck,
  allowlist: allowlistCheck,
};

/** The check part of an entry's `type`, as written; undefined for a type no kind has (a schema error). */
export function checkPartOf(type: unknown): CheckPart<FirewallTarget> | undefined {
  return typeof type === "string" && Object.hasOwn(CHECKS, type) ? CHECKS[type as FirewallType] : undefined;
}

/** What targets would both own where they land: each kind compares its own (`clashes`), in the table's order. */
export function clashesOf(owners: readonly Owner<FirewallTarget>[]): Diagnostic[] {
  return (Object.keys(CHECKS) as FirewallType[]).flatMap((type) => {
    const part: CheckPart<FirewallTarget> = CHECKS[type];
    return part.clashes?.(owners.filter((o) => o.target.type === type)) ?? [];
  });
}
