import {
  groupAddress,
  networkAclInboundAddress,
  networkAclReturnAddress,
  prefixListAddress,
  prefixListName,
  prefixListRuleAddress,
  ruleAddress,
  ruleGroupAddress,
} from "../aws/naming";
import { Cidr } from "../model/cidr";
import { stackName } from "../model/stack";
import type { AwsFirewallType, Config, FirewallType, OnPremFirewallType } from "../model/config";
import type { HubSpotList, IpCatalog } from "../model/ip-catalog";
import {
  endpointText,
  isAwsPolicy,
  needsOf,
  unique,
  type AwsTargetPolicy,
  type FamilyCounts,
  type FirewallPolicy,
  type FirewallRule,
  type TargetPolicy,
} from "../policy/firewall-policy";
import { onPremRows, onPremTarget, onPremDetails, onPremRuleTable, type OnPremReportTarget } from "./onprem-report";
import type { Placements } from "../policy/placements";
import { prefixListsUsedBy } from "../policy/prefix-lists";
import { usableNetworkAclRules } from "../policy/quota";
import {
  assertCoverage,
  describeCoverage,
  describeReturnCoverage,
  proveCoverage,
  proveReturnTraffic,
  type OpenedRule,
  type PortCoverage,
  type ReturnCoverage,
} from "./coverage";
import { renderFlowchart } from "./flowchart";
import { requiredAccessOf, requiredDestinations, statelessTargets } from "./required";

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

interface ReportTargetBase {
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

export type ReportTarget = AwsReportTarget | OnPremReportTarget;

export type AwsReportTarget =
  | (ReportTargetBase & {
      readonly type: "aws-security-group";
      readonly securityGroup: { readonly create: { readonly vpcId: string; readonly name: string } } | { readonly id: string };
      readonly sources: "cidrs" | "prefix-lists";
      readonly maxRules: number;
      readonly groups: readonly ReportGroup[];
    })
  | (ReportTargetBase & {
      readonly type: "aws-network-acl";
      readonly networkAcl: {
        readonly id: string;
        readonly ruleNumbers: { readonly from: number; readonly to: number };
        /** The ACL's quota per direction and family, as configured. */
        readonly maxRules: number;
        /** What mailgate may use of it: the default deny rule counts against the quota. */
        readonly usableRules: number;
        readonly inbound: FamilyCounts;
        readonly outbound: FamilyCounts;
      };
    })
  | (ReportTargetBase & {
      readonly type: "aws-network-firewall";
      readonly networkFirewall: {
        readonly ruleGroupName: string;
        readonly terraformAddress: string;
        readonly destinations: readonly string[];
        readonly capacity: number;
        /** `kept`: the capacity the group was created with, kept while its rules fit. */
        readonly capacitySource: "given" | "kept" | "computed";
        readonly ruleOrder: "DEFAULT_ACTION_ORDER" | "STRICT_ORDER";
      };
    });

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
 * The audit report for a policy, with its coverage proof. The proof compares the rule rows (each
 * prefix-list rule expanded to the list's entries) with an independent derivation from the
 * config; if they differ this throws a `CoverageError` rather than describe rules mailgate
 * cannot vouch for.
 */
export function buildReport(config: Config, policy: FirewallPolicy, placements?: Placements): FirewallReport {
  const catalog = reportCatalog(policy.catalog);
  const rows = policy.targets.flatMap((p) => rowsOf(p));
  rows.sort(compareRows);

  const required = requiredAccessOf(config);
  const coverage = proveCoverage(
    rows.flatMap((r) => r.admits),
    required,
    requiredDestinations(config),
  );
  const returnTraffic = proveReturnTraffic(
    rows.flatMap((r) => (r.returns ? [{ target: r.row.target, cidr: r.returns }] : [])),
    required,
    statelessTargets(config),
    { from: 1024, to: 65535 },
  );
  assertCoverage(coverage, returnTraffic);

  const rowCounts = new Map<string, number>();
  for (const { row } of rows) rowCounts.set(row.target, (rowCounts.get(row.target) ?? 0) + 1);
  const needs = needsByTarget(config);
  const targets = [...policy.targets]
    .sort((a, b) => compareText(a.target.name, b.target.name))
    .map((p) => reportTarget(p, rowCounts.get(p.target.name) ?? 0, needs.get(p.target.name) ?? []));
  return {
    schemaVersion: 2,
    catalog,
    targets,
    rules: rows.map(({ row }) => row),
    coverage,
    returnTraffic,
    prefixLists: reportPrefixLists(policy),
    stacks: reportStacks(policy, placements),
  };
}

function reportStacks(policy: FirewallPolicy, placements: Placements | undefined): ReportStack[] {
  const stacks = new Map<string, ReportStack>();
  for (const [name, s] of placements?.stacks ?? []) {
    stacks.set(name, { name, region: s.region, ...(s.account ? { account: s.account } : {}), targets: s.targets });
  }
  for (const p of policy.targets.filter(isAwsPolicy)) {
    const name = stackName(p.target);
    const known = stacks.get(name);
    if (!known || !known.targets.includes(p.target.name)) {
      const targets = [...(known?.targets ?? []), p.target.name].sort(compareText);
      stacks.set(name, { name, region: p.target.region, ...(p.target.account ? { account: p.target.account } : {}), targets });
    }
  }
  return [...stacks.values()].sort((a, b) => compareText(a.name, b.name));
}

/** Per target: which domains send which HubSpot list to which port (`needsOf`, the policy's own reading of FACTS.md). */
function needsByTarget(config: Config): Map<string, ReportNeed[]> {
  type Entry = { port: number; list: HubSpotList; domains: string[]; hosts: Set<string> };
  // target -> port -> list -> entry: nested maps, not a string key per need (10,000 domains
  // make ~40,000 needs).
  const byTarget = new Map<string, Map<number, Map<HubSpotList, Entry>>>();
  for (const domain of config.domains) {
    if (domain.firewalls.length === 0) continue;
    const needs = needsOf(domain);
    for (const target of domain.firewalls) {
      let byPort = byTarget.get(target);
      if (!byPort) byTarget.set(target, (byPort = new Map()));
      for (const need of needs) {
        const port = need.endpoint.port;
        let byList = byPort.get(port);
        if (!byList) byPort.set(port, (byList = new Map()));
        let entry = byList.get(need.list);
        if (!entry) byList.set(need.list, (entry = { port, list: need.list, domains: [], hosts: new Set() }));
        entry.domains.push(need.domain);
        entry.hosts.add(endpointText(need.endpoint));
      }
    }
  }
  const result = new Map<string, ReportNeed[]>();
  for (const [target, byPort] of byTarget) {
    const needs: ReportNeed[] = [];
    for (const port of [...byPort.keys()].sort((a, b) => a - b)) {
      const byList = byPort.get(port) as Map<HubSpotList, Entry>;
      for (const list of [...byList.keys()].sort(compareText)) {
        const entry = byList.get(list) as Entry;
        needs.push({ port, list, domains: sortedUnique(entry.domains), hosts: [...entry.hosts].sort(compareText) });
      }
    }
    result.set(target, needs);
  }
  return result;
}

/** The config's domains come sorted (buildConfig), so this is usually one pass; a config built in code may not be. */
function sortedUnique(values: string[]): string[] {
  for (let i = 1; i < values.length; i++) if (!(values[i - 1] < values[i])) return unique(values);
  return values;
}

function rowsOf(policy: TargetPolicy): Row[] {
  if (!isAwsPolicy(policy)) return onPremRows(policy);
  const p: AwsTargetPolicy = policy;
  const target = p.target.name;
  const base = {
    target,
    type: p.type,
    region: p.target.region,
    stack: stackName(p.target),
    direction: "ingress" as const,
    protocol: "tcp" as const,
  };
  const opened = (rule: FirewallRule, destination?: Cidr): OpenedRule => ({ target, port: rule.port, cidr: rule.cidr, ...(destination ? { destination } : {}) });
  switch (p.type) {
    case "aws-security-group":
      return p.groups.flatMap((group) =>
        group.ingress.map((ingress): Row => {
          const securityGroup = group.groupName ?? p.target.securityGroupId ?? "";
          if (ingress.kind === "cidr") {
            return {
              admits: [opened(ingress.rule)],
              sortSource: ingress.rule.cidr,
              row: {
                ...base,
                fromPort: ingress.port,
                toPort: ingress.port,
                cidr: ingress.rule.cidr.toString(),
                lists: ingress.rule.lists,
                terraformAddress: ruleAddress(target, ingress.rule),
                securityGroup,
              },
            };
          }
          const pl = ingress.prefixList;
          return {
            // The proof expands the list as referenced, not the rules the policy meant it to hold.
            admits: pl.entries.map((cidr) => ({ target, port: ingress.port, cidr })),
            sortSource: `${pl.family} ${pl.key}`,
            row: {
              ...base,
              fromPort: ingress.port,
              toPort: ingress.port,
              cidr: null,
              lists: ingress.provenance.lists,
              terraformAddress: prefixListRuleAddress(target, ingress.port, pl),
              securityGroup,
              prefixList: { name: prefixListName(pl), terraformAddress: prefixListAddress(pl), maxEntries: pl.maxEntries, entries: pl.entries.map(String) },
            },
          };
        }),
      );
    case "aws-network-acl":
      return [
        ...p.inbound.map(({ ruleNumber, rule }): Row => ({
          admits: [opened(rule)],
          sortSource: rule.cidr,
          row: {
            ...base,
            fromPort: rule.port,
            toPort: rule.port,
            cidr: rule.cidr.toString(),
            lists: rule.lists,
            terraformAddress: networkAclInboundAddress(target, rule),
            ruleNumber,
          },
        })),
        ...p.outbound.map((r): Row => ({
          admits: [],
          returns: r.cidr,
          sortSource: r.cidr,
          row: {
            ...base,
            direction: "egress",
            fromPort: 1024,
            toPort: 65535,
            cidr: r.cidr.toString(),
            lists: r.lists,
            terraformAddress: networkAclReturnAddress(target, r.cidr),
            ruleNumber: r.ruleNumber,
          },
        })),
      ];
    case "aws-network-firewall":
      return p.statefulRules.map(({ sid, destination, rule }): Row => ({
        admits: [opened(rule, destination)],
        sortSource: rule.cidr,
        sortDestination: destination,
        row: {
          ...base,
          fromPort: rule.port,
          toPort: rule.port,
          cidr: rule.cidr.toString(),
          lists: rule.lists,
          terraformAddress: ruleGroupAddress(target),
          destination: destination.toString(),
          sid,
        },
      }));
  }
}

function compareRows(a: Row, b: Row): number {
  return (
    compareText(a.row.target, b.row.target) ||
    // Ingress first: what is let in, then what lets the replies out.
    compareText(b.row.direction, a.row.direction) ||
    compareOptionalCidr(a.sortDestination, b.sortDestination) ||
    a.row.fromPort - b.row.fromPort ||
    compareSource(a.sortSource, b.sortSource) ||
    compareText(rowIdentity(a.row), rowIdentity(b.row))
  );
}

/** Where a rule is written: its Terraform address, or its file and the rule or set in it. */
export function rowIdentity(rule: ReportRule): string {
  if ("terraformAddress" in rule) return rule.terraformAddress;
  return [rule.artifact, rule.nftSet ?? rule.windowsRule ?? ""].join(" ");
}

/** CIDRs first (IPv4 before IPv6, by address), then prefix lists (by family and key). */
function compareSource(a: Cidr | string, b: Cidr | string): number {
  if (typeof a === "string" || typeof b === "string") {
    if (typeof a === "string" && typeof b === "string") return compareText(a, b);
    return typeof a === "string" ? 1 : -1;
  }
  return Cidr.compare(a, b);
}

function compareOptionalCidr(a: Cidr | undefined, b: Cidr | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return Cidr.compare(a, b);
}

function reportTarget(policy: TargetPolicy, rules: number, needs: readonly ReportNeed[]): ReportTarget {
  if (!isAwsPolicy(policy)) return onPremTarget(policy, rules, needs);
  const p: AwsTargetPolicy = policy;
  const base = {
    target: p.target.name,
    region: p.target.region,
    ...(p.target.account ? { account: p.target.account } : {}),
    stack: stackName(p.target),
    rules,
    needs,
  };
  switch (p.type) {
    case "aws-security-group": {
      const t = p.target;
      return {
        ...base,
        type: p.type,
        securityGroup: t.create ? { create: { vpcId: t.create.vpcId, name: t.create.groupName } } : { id: t.securityGroupId },
        sources: p.sources,
        maxRules: p.maxRules,
        groups: p.groups.map((g) => ({
          group: g.groupName ?? t.securityGroupId ?? "",
          ...(t.create ? { terraformAddress: groupAddress(t.name, g.index) } : {}),
          rules: g.ingress.length,
          weight: g.weight,
        })),
      };
    }
    case "aws-network-acl": {
      const count = (cidrs: readonly Cidr[]) => ({ ipv4: cidrs.filter((c) => c.family === 4).length, ipv6: cidrs.filter((c) => c.family === 6).length });
      return {
        ...base,
        type: p.type,
        networkAcl: {
          id: p.target.networkAclId,
          ruleNumbers: { from: p.target.ruleNumbers.from, to: p.target.ruleNumbers.to },
          maxRules: p.maxRules,
          usableRules: usableNetworkAclRules(p.maxRules),
          inbound: count(p.inbound.map((r) => r.rule.cidr)),
          outbound: count(p.outbound.map((r) => r.cidr)),
        },
      };
    }
    case "aws-network-firewall":
      return {
        ...base,
        type: p.type,
        networkFirewall: {
          ruleGroupName: p.target.ruleGroupName,
          terraformAddress: ruleGroupAddress(p.target.name),
          destinations: p.target.destinations.map(String),
          capacity: p.capacity,
          capacitySource: p.capacitySource,
          ruleOrder: p.ruleOrder,
        },
      };
  }
}

function reportPrefixLists(policy: FirewallPolicy): ReportPrefixList[] {
  const aws = policy.targets.filter(isAwsPolicy);
  const stacks = [...new Set(aws.map((t) => stackName(t.target)))].sort();
  return stacks.flatMap((stack) => {
    const targets = aws.filter((t) => stackName(t.target) === stack);
    return prefixListsUsedBy(targets, policy.prefixLists).map((pl) => ({
      stack,
      region: targets[0].target.region,
      name: prefixListName(pl),
      terraformAddress: prefixListAddress(pl),
      family: pl.family === 4 ? ("IPv4" as const) : ("IPv6" as const),
      lists: [...pl.lists],
      maxEntries: pl.maxEntries,
      entries: pl.entries.map(String),
    }));
  });
}

function reportCatalog(catalog: IpCatalog): ReportCatalog {
  return {
    source: catalog.source,
    published: catalog.published ?? null,
    ...(catalog.allowBroadRanges !== undefined ? { allowBroadRanges: catalog.allowBroadRanges } : {}),
  };
}

export function renderReportJson(report: FirewallReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Schema 2: the domains, hosts and catalog columns left (see `firewall-needs.csv` and the JSON). */
const CSV_COLUMNS = [
  "target",
  "type",
  "region",
  "stack",
  "protocol",
  "fromPort",
  "toPort",
  "cidr",
  "lists",
  "terraformAddress",
  "direction",
  "securityGroup",
  "prefixList",
  "ruleNumber",
  "destination",
  "sid",
  "artifact",
  "nftSet",
  "windowsRule",
] as const;

/**
 * The same rows for spreadsheets: a header, then one line per rule; list fields joined with a
 * space. Quoting per RFC 4180; lines end in LF (git and every spreadsheet handle it; CRLF in a
 * committed file invites line-ending conversions that would make `check` report it stale).
 */
export function renderReportCsv(report: FirewallReport): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of report.rules) {
    const values: Record<(typeof CSV_COLUMNS)[number], string> = {
      target: r.target,
      type: r.type,
      region: "region" in r ? r.region : "",
      stack: "stack" in r ? r.stack : "",
      protocol: r.protocol,
      fromPort: String(r.fromPort),
      toPort: String(r.toPort),
      cidr: r.cidr ?? "",
      lists: r.lists.join(" "),
      terraformAddress: "terraformAddress" in r ? r.terraformAddress : "",
      direction: r.direction,
      securityGroup: r.securityGroup ?? "",
      prefixList: r.prefixList?.name ?? "",
      ruleNumber: r.ruleNumber === undefined ? "" : String(r.ruleNumber),
      destination: r.destination ?? "",
      sid: r.sid === undefined ? "" : String(r.sid),
      artifact: "artifact" in r ? r.artifact : "",
      nftSet: ("nftSet" in r ? r.nftSet : undefined) ?? "",
      windowsRule: ("windowsRule" in r ? r.windowsRule : undefined) ?? "",
    };
    lines.push(CSV_COLUMNS.map((column) => csvField(values[column])).join(","));
  }
  return `${lines.join("\n")}\n`;
}

const NEEDS_CSV_COLUMNS = ["target", "type", "region", "stack", "port", "list", "domain"] as const;

/**
 * Why the rules exist, for spreadsheets: one line per target, port, HubSpot list and domain.
 * Filter by domain to see every firewall and port it opens (its servers are in the prefill
 * settings; the JSON and Markdown list them per port).
 */
export function renderNeedsCsv(report: FirewallReport): string {
  const lines = [NEEDS_CSV_COLUMNS.join(",")];
  for (const t of report.targets) {
    const prefix = [t.target, t.type, "region" in t ? t.region : "", "stack" in t ? t.stack : ""].map(csvField).join(",");
    for (const need of t.needs) {
      for (const domain of need.domains) lines.push(`${prefix},${need.port},${need.list},${csvField(domain)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/**
 * RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. A field that
 * a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab or CR; only free text
 * such as the catalog source can start that way) gets a leading `'`, the usual defence.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const LIST_LABEL: Record<HubSpotList, string> = { imap: "IMAP", smtp: "SMTP" };

/** The source column of the Markdown tables: the CIDR, or the prefix list and its size. */
export function sourceText(r: ReportRule): string {
  if (r.prefixList) return `prefix list \`${r.prefixList.name}\` (${r.prefixList.entries.length} entries, max ${r.prefixList.maxEntries})`;
  return r.cidr ?? "";
}

/** Per target: where it is, a table of its rules, the coverage proof per port, a summary. */
export function renderReportMarkdown(report: FirewallReport): string {
  const published = report.catalog.published ? ` (published ${report.catalog.published})` : " (your own lists)";
  const ingress = report.rules.filter((r) => r.direction === "ingress");
  const ports = new Set(ingress.map((r) => `${r.target}/${r.fromPort}`)).size;
  const lines: string[] = [
    "# HubSpot firewall rules",
    "",
    "Generated by mailgate from the config in git; do not edit by hand. Each rule admits TCP from",
    "HubSpot source ranges to one mail-server port. Per target, \"Needed by\" says which domains send",
    "which HubSpot list to which port: a rule exists for the domains of its port and lists. Under the",
    "rules, the coverage proof compares, per port, the addresses the rules open with the addresses",
    "HubSpot's lists require, computed independently of the rule generator; mailgate refuses to",
    "synthesize if they differ.",
    "",
    `HubSpot source ranges: ${mdText(report.catalog.source)}${published}.`,
    ...(report.catalog.allowBroadRanges !== undefined
      ? ["", `**Broader than HubSpot's own lists**, allowed by the config (\`allowBroadRanges\`): ${mdText(report.catalog.allowBroadRanges)}`]
      : []),
    "",
    `Summary: ${plural(report.rules.length, "rule")} on ${plural(ports, "port")} of ${plural(report.targets.length, "target")}; ` +
      `${report.coverage.filter((c) => c.exact).length} of ${report.coverage.length} ports proven exact` +
      (report.returnTraffic.length > 0
        ? `, ${report.returnTraffic.filter((c) => c.exact).length} of ${report.returnTraffic.length} return-traffic checks exact.`
        : "."),
    "",
  ];
  if (report.targets.length === 0) lines.push("No firewall targets: no domain names a firewall.", "");
  else lines.push(...renderFlowchart(report), "");

  // Grouped once: filtering every list per target is quadratic at thousands of targets and rules.
  const rulesByTarget = groupBy(report.rules, (r) => r.target);
  const coverageByTarget = groupBy(report.coverage, (c) => c.target);
  const returnsByTarget = groupBy(report.returnTraffic, (c) => c.target);
  for (const target of report.targets) {
    const rules = rulesByTarget.get(target.target) ?? [];
    const coverage = coverageByTarget.get(target.target) ?? [];
    const returns = returnsByTarget.get(target.target) ?? [];
    lines.push(
      `## ${target.target}`,
      "",
      `- Type: ${target.type}`,
      "region" in target
        ? `- Region: ${target.region} (stack \`${target.stack}\`)`
        : `- Written to: ${target.artifacts.map((a) => `\`${a}\``).join(", ")} (not Terraform: see "Firewalls outside AWS" in mailgate's README for how to load it)`,
    );
    lines.push(...targetDetails(target), "", ...needsTable(target), "", ...ruleTable(target, rules), "", "Coverage proof:", "");
    lines.push(...coverage.map((c) => `- ${describeCoverage(c)}`), ...returns.map((c) => `- ${describeReturnCoverage(c)}`), "");
    const domains = new Set(target.needs.flatMap((n) => n.domains)).size;
    const hosts = new Set(target.needs.flatMap((n) => n.hosts)).size;
    const portList = [...new Set(target.needs.map((n) => n.port))];
    lines.push(
      `Summary: ${plural(rules.length, "rule")} on ${plural(portList.length, "port")} (${portList.map((p) => `tcp/${p}`).join(", ")}) ` +
        `for ${plural(domains, "domain")} on ${plural(hosts, "mail server")}.`,
      "",
    );
  }

  const empty = report.stacks.filter((s) => s.targets.length === 0);
  if (report.stacks.length > 0) {
    lines.push("## Stacks", "", "One Terraform state and AWS provider each; plan and apply every one of them.", "");
    lines.push("| Stack | Region | Account | Targets |", "| --- | --- | --- | --- |");
    for (const s of report.stacks) {
      lines.push(`| \`${s.name}\` | ${s.region} | ${s.account ?? "(credentials' own)"} | ${s.targets.length > 0 ? s.targets.join(", ") : "**empty**"} |`);
    }
    lines.push("");
    for (const s of empty) {
      lines.push(
        `Stack \`${s.name}\` is empty: it still holds whatever its last apply created. Apply it (\`npx cdktf deploy ${s.name}\`) to destroy that, then retire it with \`npx mailgate retire ${s.name}\`.`,
        "",
      );
    }
  }

  if (report.prefixLists.length > 0) {
    lines.push("## Prefix lists", "", "Created by mailgate in each stack whose security group rules reference them.", "");
    lines.push("| Stack | Name | Family | Lists | Entries | Max entries | Terraform address |", "| --- | --- | --- | --- | --- | --- | --- |");
    for (const pl of report.prefixLists) {
      lines.push(
        `| ${pl.stack} | ${pl.name} | ${pl.family} | ${pl.lists.map((l) => LIST_LABEL[l]).join(" + ")} | ${pl.entries.join(" ")} | ${pl.maxEntries} | \`${pl.terraformAddress}\` |`,
      );
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function targetDetails(target: ReportTarget): string[] {
  if (!isAwsReportTarget(target)) return onPremDetails(target);
  switch (target.type) {
    case "aws-security-group": {
      const sg = target.securityGroup;
      const used = (g: ReportGroup) => `${g.weight.ipv4} IPv4${g.weight.ipv6 > 0 ? ` and ${g.weight.ipv6} IPv6` : ""}`;
      const lines =
        "create" in sg
          ? target.groups.length === 1
            ? [
                `- Security group: created by mailgate: \`${sg.create.name}\` in \`${sg.create.vpcId}\``,
                `- Quota: ${used(target.groups[0])} of ${target.maxRules} rules per family used`,
              ]
            : [
                `- Security groups: created by mailgate in \`${sg.create.vpcId}\`, split into ${target.groups.length} to stay within ${target.maxRules} rules per family; attach all of them:`,
                ...target.groups.map((g) => `  - \`${g.group}\`: ${used(g)} rules used`),
              ]
          : [
              `- Security group: existing \`${sg.id}\` (mailgate adds rules only)`,
              `- Quota: ${used(target.groups[0])} of ${target.maxRules} rules per family used, plus any rules already in the group`,
            ];
      if (target.sources === "prefix-lists") lines.push("- Sources: prefix lists (a rule referencing one weighs its max entries)");
      return lines;
    }
    case "aws-network-acl": {
      const acl = target.networkAcl;
      const used = (c: FamilyCounts) => `${c.ipv4} IPv4${c.ipv6 > 0 ? ` and ${c.ipv6} IPv6` : ""}`;
      return [
        `- Network ACL: existing \`${acl.id}\` (mailgate adds rules only), rule numbers ${acl.ruleNumbers.from}-${acl.ruleNumbers.to}`,
        `- Rules: ${used(acl.inbound)} inbound, ${used(acl.outbound)} outbound (return traffic) of ${acl.usableRules} per direction and family (quota ${acl.maxRules}, less the default deny rule)`,
      ];
    }
    case "aws-network-firewall": {
      const nfw = target.networkFirewall;
      return [
        `- Rule group: \`${nfw.ruleGroupName}\` (stateful, rule order ${nfw.ruleOrder}), created by mailgate; capacity ${nfw.capacity} (${nfw.capacitySource}) for ${plural(target.rules, "rule")}`,
        `- Destinations: ${nfw.destinations.join(", ")}`,
      ];
    }
  }
}

/** Who the rules are for: per port and HubSpot list, the domains and their mail servers. */
function needsTable(target: ReportTarget): string[] {
  return [
    "Needed by:",
    "",
    "| Port | HubSpot list | Domains | Mail servers |",
    "| --- | --- | --- | --- |",
    ...target.needs.map((n) => `| tcp/${n.port} | ${LIST_LABEL[n.list]} | ${n.domains.join(", ")} | ${n.hosts.join(", ")} |`),
  ];
}

export function isAwsReportTarget(target: ReportTarget): target is AwsReportTarget {
  return "region" in target;
}

function ruleTable(target: ReportTarget, allRules: readonly ReportRule[]): string[] {
  if (!isAwsReportTarget(target)) return onPremRuleTable(target, allRules);
  // An AWS target's rows are all AWS rules (rowsOf).
  const rules = allRules as readonly AwsReportRule[];
  const lists = (r: ReportRule) => r.lists.map((l) => LIST_LABEL[l]).join(" + ");
  switch (target.type) {
    case "aws-security-group": {
      const split = target.groups.length > 1;
      return [
        `| Port | ${target.sources === "cidrs" ? "CIDR" : "Source"} | Lists |${split ? " Group |" : ""} Terraform address |`,
        `| --- | --- | --- |${split ? " --- |" : ""} --- |`,
        ...rules.map((r) => `| tcp/${r.fromPort} | ${sourceText(r)} | ${lists(r)} |${split ? ` ${r.securityGroup ?? ""} |` : ""} \`${r.terraformAddress}\` |`),
      ];
    }
    case "aws-network-acl":
      return [
        "| Direction | Rule # | Ports | CIDR | Lists | Terraform address |",
        "| --- | --- | --- | --- | --- | --- |",
        ...rules.map(
          (r) =>
            `| ${r.direction === "ingress" ? "inbound" : "outbound (return)"} | ${r.ruleNumber ?? ""} | tcp/${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`} | ${r.cidr ?? ""} | ${lists(r)} | \`${r.terraformAddress}\` |`,
        ),
      ];
    case "aws-network-firewall":
      return [
        `Stateful rules of \`${target.networkFirewall.terraformAddress}\` (PASS, TCP, any source port, direction FORWARD):`,
        "",
        "| Sid | Destination | Port | Source | Lists |",
        "| --- | --- | --- | --- | --- |",
        ...rules.map((r) => `| ${r.sid ?? ""} | ${r.destination ?? ""} | tcp/${r.fromPort} | ${r.cidr ?? ""} | ${lists(r)} |`),
      ];
  }
}

export function renderReport(report: FirewallReport): Map<string, string> {
  return new Map([
    [REPORT_FILES.json, renderReportJson(report)],
    [REPORT_FILES.csv, renderReportCsv(report)],
    [REPORT_FILES.needsCsv, renderNeedsCsv(report)],
    [REPORT_FILES.markdown, renderReportMarkdown(report)],
  ]);
}

/** Free text in Markdown prose: characters that would start markup are escaped. */
export function mdText(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\s*[\r\n]+\s*/g, " ");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
