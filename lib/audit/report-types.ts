/**
 * The audit report's shape (`firewall-rules.json`, schema 2): what every kind shares
 * (report-rows.ts) and each kind's own target entry (lib/kinds/<kind>/report.ts). Types only,
 * shared by the report's builder (report.ts) and its renderers.
 */
import type { AllowlistReportTarget } from "../kinds/allowlist/report";
import type { NetworkAclReportTarget } from "../kinds/network-acl/report";
import type { NetworkFirewallReportTarget } from "../kinds/network-firewall/report";
import type { NftablesReportTarget } from "../kinds/nftables/report";
import type { SecurityGroupReportTarget } from "../kinds/security-group/report";
import type { WindowsFirewallReportTarget } from "../kinds/windows-firewall/report";
import type { PortCoverage, ReturnCoverage } from "./coverage";
import type { ReportCatalog, ReportPrefixList, ReportRule, ReportStack } from "./report-rows";

export type * from "./report-rows";
export { REPORT_FILES } from "./report-rows";

export type AwsReportTarget = SecurityGroupReportTarget | NetworkAclReportTarget | NetworkFirewallReportTarget;

export type OnPremReportTarget = NftablesReportTarget | WindowsFirewallReportTarget | AllowlistReportTarget;

export type ReportTarget = AwsReportTarget | OnPremReportTarget;

/** The report entry of a target of kind `K`. */
export type ReportTargetOf<K extends ReportTarget["type"]> = Extract<ReportTarget, { readonly type: K }>;

/** `firewall-rules.json`. Target types add their own keys; consumers key on `type`. */
export interface FirewallReport {
  /** 2: domains and servers moved from every rule to their target's `needs`; rules lost `catalog` (it is top-level). */
  readonly schemaVersion: 2;
  readonly catalog: ReportCatalog;
  readonly targets: readonly ReportTarget[];
  /** Sorted by target, direction (ingress first), destination, port, then source (CIDRs: IPv4 first, by address, wider first; then prefix lists). */
  readonly rules: readonly ReportRule[];
  /** Per target and port (and destination, for Network Firewalls), sorted the same way. */
  readonly coverage: readonly PortCoverage[];
  /** Per network ACL target: the return-traffic rules against every address it lets in. */
  readonly returnTraffic: readonly ReturnCoverage[];
  /** Sorted by stack, then name. */
  readonly prefixLists: readonly ReportPrefixList[];
  /** Every stack synthesized, emptied ones included (they destroy what they held), sorted by name. */
  readonly stacks: readonly ReportStack[];
}
