import type { ReportTarget, ReportTargetOf } from "../audit/report-types";
import type { PolicyOf, TargetPolicy } from "../policy/types";
import { allowlistReport } from "./allowlist/report";
import { networkAclReport } from "./network-acl/report";
import { networkFirewallReport } from "./network-firewall/report";
import { nftablesReport } from "./nftables/report";
import type { ReportPart } from "./report-part";
import { securityGroupReport } from "./security-group/report";
import { partOf, type FirewallType } from "./targets";
import { windowsFirewallReport } from "./windows-firewall/report";

/** The audit's part of every kind (lib/kinds/targets.ts says what a kind is made of). */
export const REPORTS: { readonly [K in FirewallType]: ReportPart<PolicyOf<K>, ReportTargetOf<K>> } = {
  "aws-security-group": securityGroupReport,
  "aws-network-acl": networkAclReport,
  "aws-network-firewall": networkFirewallReport,
  nftables: nftablesReport,
  "windows-firewall": windowsFirewallReport,
  allowlist: allowlistReport,
};

/** The report part of a plan's or a report entry's kind; the table guarantees the part reads this kind. */
export function reportPartOf(of: { readonly type: FirewallType }): ReportPart<TargetPolicy, ReportTarget> {
  return partOf(REPORTS, of);
}
