import {
  groupAddress,
  networkAclInboundAddress,
  networkAclReturnAddress,
  prefixListAddress,
  prefixListName,
  prefixListRuleAddress,
  ruleAddress,
  ruleGroupAddress,
} from "../terraform/names";
import { Cidr } from "../model/cidr";
import { stackName } from "../model/stack";
import type { Config } from "../model/config";
import type { HubSpotList, IpCatalog } from "../model/ip-catalog";
import {
  endpointText,
  isAwsPolicy,
  needsOf,
  unique,
  type AwsTargetPolicy,
  type FirewallPolicy,
  type FirewallRule,
  type TargetPolicy,
} from "../policy/firewall-policy";
import { onPremRows, onPremTarget } from "./onprem-report";
import type { Placements } from "../policy/placements";
import { prefixListsUsedBy } from "../policy/build";
import { usableNetworkAclRules } from "../policy/quota";
import {
  assertCoverage,
  proveCoverage,
  proveReturnTraffic,
  type OpenedRule,
} from "./coverage";
import { requiredAccessOf, requiredDestinations, statelessTargets } from "./required";
import {
  type AwsReportTarget,
  type FirewallReport,
  type ReportCatalog,
  type ReportNeed,
  type ReportPrefixList,
  type ReportRule,
  type ReportStack,
  type ReportTarget,
  type Row,
} from "./report-types";

export type * from "./report-types";
export { REPORT_FILES } from "./report-types";

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

export function isAwsReportTarget(target: ReportTarget): target is AwsReportTarget {
  return "region" in target;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
