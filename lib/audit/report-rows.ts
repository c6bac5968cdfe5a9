/**
 * The parts of the audit report's shape (`firewall-rules.json`, schema 2) every kind shares, and
 * the rows it is built from; each kind's own target entry is its report part's
 * (lib/kinds/<kind>/report.ts), and report-types.ts puts them together.
 */
import type { Cidr } from "../model/cidr";
import type { AwsFirewallType, FirewallType, OnPremFirewallType } from "../model/config";
import type { HubSpotList } from "../model/ip-catalog";
import type { FamilyCounts } from "../policy/packing";
import type { OpenedRule } from "./coverage";

/** Where the HubSpot lists behind every rule came from. */
export interface ReportCatalog {
  readonly source: string;
  /** ISO date; null for the user's own lists, which carry no date. */
  readonly published: string | null;
  /** Why the user's own lists may be broader than HubSpot's (`hubspot.ipRanges.allowBroadRanges`); only when given. */
  readonly allowBroadRanges?: string;
}

/**
 * One Terraform rule resource and the HubSpot lists it serves; for a Network Firewall, one
 * stateful rule of its rule group (they share the group's `terraformAddress` and are told apart
 * by `sid`). Which domains need it is in its target's `needs`, under the rule's port and lists:
 * listed once there rather than on every rule, so the report grows with the config, not with
 * rules x domains (29 MB at 10,000 domains), and adding a domain changes one line, not every
 * rule of its ports.
 */
export type ReportRule = AwsReportRule | ArtifactReportRule;

/** A rule of an AWS target: a Terraform resource in a stack. */
export interface AwsReportRule extends ReportRuleBase {
  readonly type: AwsFirewallType;
  readonly region: string;
  /** The cdktf stack holding the rule (`cdktf plan <stack>`). */
  readonly stack: string;
  /** Exactly the address in `cdk.tf.json` and `terraform plan`. */
  readonly terraformAddress: string;
}

/**
 * A rule of a target outside AWS: one (port, CIDR) of a file under `firewalls/` (no region, no
 * stack, no Terraform address). `artifact` and the type's own field say where it is written.
 */
export interface ArtifactReportRule extends ReportRuleBase {
  readonly type: OnPremFirewallType;
  /** The file holding the rule, relative to the artifacts directory (`firewalls/mail-onprem.nft`). */
  readonly artifact: string;
  /** nftables: the named set holding the CIDR (the chain's rule for the port matches it). */
  readonly nftSet?: string;
  /** Windows Firewall: the rule's `-DisplayName`. */
  readonly windowsRule?: string;
}

interface ReportRuleBase {
  readonly target: string;
  readonly type: FirewallType;
  /** `ingress`, or `egress` for a network ACL's return-traffic rules (TCP 1024-65535 back to the sources). */
  readonly direction: "ingress" | "egress";
  readonly protocol: "tcp";
  readonly fromPort: number;
  readonly toPort: number;
  /**
   * Canonical, as AWS echoes it back: the source, or for an egress rule where the replies go.
   * null for a rule that references a prefix list (its entries are in `prefixList`).
   */
  readonly cidr: string | null;
  readonly lists: readonly HubSpotList[];
  /** Security groups: the group holding the rule, by name when mailgate creates it, else by id. */
  readonly securityGroup?: string;
  /** Security groups with `sources: prefix-lists`: the list the rule references. */
  readonly prefixList?: ReportPrefixListRef;
  /** Network ACLs: the rule number (inbound and outbound are numbered separately). */
  readonly ruleNumber?: number;
  /** Network Firewall: the mail server address the rule lets HubSpot reach. */
  readonly destination?: string;
  /** Network Firewall: the rule's signature id, unique in its rule group. */
  readonly sid?: number;
}

export interface ReportPrefixListRef {
  readonly name: string;
  readonly terraformAddress: string;
  readonly maxEntries: number;
  readonly entries: readonly string[];
}

/** Why a target admits a HubSpot list on a port: the domains whose settings send it there. */
export interface ReportNeed {
  readonly port: number;
  readonly list: HubSpotList;
  /** Sorted, unique normalised domain names. */
  readonly domains: readonly string[];
  /** Sorted, unique `host:port` of their mail servers. */
  readonly hosts: readonly string[];
}

export interface ReportTargetCommon {
  readonly target: string;
  /** Rule rows of this target (for a Network Firewall: stateful rules). */
  readonly rules: number;
  /** Sorted by port, then list: a rule on port P serving list L exists for the domains of (P, L). */
  readonly needs: readonly ReportNeed[];
}

export interface ReportTargetBase {
  readonly target: string;
  readonly type: FirewallType;
  readonly region: string;
  /** AWS account, when the config names one (from `account` or `roleArn`). */
  readonly account?: string;
  /** The cdktf stack holding the target's resources (`cdktf plan <stack>`). */
  readonly stack: string;
  /** Rule rows of this target (for a Network Firewall: stateful rules). */
  readonly rules: number;
  /** Sorted by port, then list: a rule on port P serving list L exists for the domains of (P, L). */
  readonly needs: readonly ReportNeed[];
}

export interface ReportGroup {
  /** The group's name when mailgate creates it, else its id. */
  readonly group: string;
  /** Created groups only. */
  readonly terraformAddress?: string;
  readonly rules: number;
  /** What the rules weigh against the quota, as AWS counts (a prefix-list rule weighs its max_entries). */
  readonly weight: FamilyCounts;
}

/** A prefix list mailgate creates in a stack for `sources: prefix-lists`. */
export interface ReportPrefixList {
  readonly stack: string;
  readonly region: string;
  readonly name: string;
  readonly terraformAddress: string;
  readonly family: "IPv4" | "IPv6";
  readonly lists: readonly HubSpotList[];
  readonly maxEntries: number;
  readonly entries: readonly string[];
}

export interface ReportStack {
  readonly name: string;
  readonly region: string;
  readonly account?: string;
  /** Sorted; empty for a stack whose last target is gone: apply it, then retire it. */
  readonly targets: readonly string[];
}

export const REPORT_FILES = {
  json: "firewall-rules.json",
  csv: "firewall-rules.csv",
  needsCsv: "firewall-needs.csv",
  markdown: "firewall-rules.md",
} as const;

/** A row with what sorting and the proof need beside it. */
export interface Row {
  readonly row: ReportRule;
  /** Every (port, CIDR) the rule admits, for the proof; empty for egress rows. */
  readonly admits: readonly OpenedRule[];
  /** Egress rows: where the replies go. */
  readonly returns?: Cidr;
  readonly sortSource: Cidr | string;
  readonly sortDestination?: Cidr;
}

/**
 * Where a row's rule is written: its Terraform address (a Network Firewall's rules share their
 * rule group's), or its file and the set or rule in it. The place, not the rule: what the rule
 * admits is its `ruleIdentity` (lib/model/rule-identity.ts), and a place can hold many rules.
 */
export function rowPlace(rule: ReportRule): string {
  if ("terraformAddress" in rule) return rule.terraformAddress;
  return [rule.artifact, rule.nftSet ?? rule.windowsRule ?? ""].join(" ");
}
