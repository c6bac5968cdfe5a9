import { allowlistCheck } from "./allowlist/check";
import type { CheckPart } from "./check-part";
import { networkAclCheck } from "./network-acl/check";
import { networkFirewallCheck } from "./network-firewall/check";
import { nftablesCheck } from "./nftables/check";
import { securityGroupCheck } from "./security-group/check";
import type { FirewallType } from "./targets";
import { windowsFirewallCheck } from "./windows-firewall/check";

/** Validation's part of every kind (lib/kinds/targets.ts says what a kind is made of). */
export const CHECKS: { readonly [K in FirewallType]: CheckPart } = {
  "aws-security-group": securityGroupCheck,
  "aws-network-acl": networkAclCheck,
  "aws-network-firewall": networkFirewallCheck,
  nftables: nftablesCheck,
  "windows-firewall": windowsFirewallCheck,
  allowlist: allowlistCheck,
};

/** The check part of an entry's `type`, as written; undefined for a type no kind has (a schema error). */
export function checkPartOf(type: unknown): CheckPart | undefined {
  return typeof type === "string" && Object.hasOwn(CHECKS, type) ? CHECKS[type as FirewallType] : undefined;
}
