import { prefixListAddress, prefixListName } from "../terraform/names";
import { Cidr } from "../model/cidr";
import type { Config } from "../model/config";
import type { HubSpotList, IpCatalog } from "../model/ip-catalog";
import { EPHEMERAL_PORTS } from "../model/ports";
import { stackName } from "../model/stack";
import { compareText, sortedUnique } from "../model/text";
import { reportPartOf } from "../kinds/reports";
import { endpointText, isAwsPolicy, needsOf, type FirewallPolicy } from "../policy/firewall-policy";
import type { Placements } from "../policy/placements";
import { prefixListsUsedBy } from "../policy/build";
import { assertCoverage, proveCoverage, proveReturnTraffic, type OpenedRule } from "./coverage";
import { requiredAccessOf, requiredDestinations, statelessTargets } from "./required";
import { rowPlace } from "./report-rows";
import type { AwsReportTarget, FirewallReport, ReportCatalog, ReportNeed, ReportPrefixList, ReportStack, ReportTarget, Row } from "./report-types";

export type * from "./report-types";
export { REPORT_FILES } from "./report-types";
export { compareText } from "../model/text";

/**
 * The audit report for a policy, with its coverage proof. The proof compares the rule rows (each
 * prefix-list rule expanded to the list's entries) with an independent derivation from the
 * config; if they differ this throws a `CoverageError` rather than describe rules mailgate
 * cannot vouch for.
 */
export function buildReport(config: Config, policy: FirewallPolicy, placements?: Placements): FirewallReport {
  const catalog = reportCatalog(policy.catalog);
  // Loops that push, not flatMaps: thousands of rows, each with a handful of blocks.
  const rows: Row[] = [];
  for (const p of policy.targets) for (const row of reportPartOf(p).rows(p)) rows.push(row);
  rows.sort(compareRows);
  const admits: OpenedRule[] = [];
  const returns: { target: string; cidr: Cidr }[] = [];
  for (const r of rows) {
    for (const opened of r.admits) admits.push(opened);
    if (r.returns) returns.push({ target: r.row.target, cidr: r.returns });
  }

  const required = requiredAccessOf(config);
  const coverage = proveCoverage(admits, required, requiredDestinations(config));
  const returnTraffic = proveReturnTraffic(
    returns,
    required,
    statelessTargets(config),
    EPHEMERAL_PORTS,
  );
  assertCoverage(coverage, returnTraffic);

  const rowCounts = new Map<string, number>();
  for (const { row } of rows) rowCounts.set(row.target, (rowCounts.get(row.target) ?? 0) + 1);
  const needs = needsByTarget(config);
  const targets = [...policy.targets]
    .sort((a, b) => compareText(a.target.name, b.target.name))
    .map((p) => reportPartOf(p).target(p, rowCounts.get(p.target.name) ?? 0, needs.get(p.target.name) ?? []));
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
  // The mail servers by host name: every need of an entry is on its port, so the `host:port`
  // texts follow from the hosts, made once per entry at the end. Texts built per need and put in
  // a Set were hashed fresh each time (~10 ms at 10,000 domains); a list sorted once, its repeats
  // (servers shared by domains) then adjacent, needs no hashing at all.
  type Entry = { port: number; list: HubSpotList; domains: string[]; hosts: string[] };
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
        if (!entry) byList.set(need.list, (entry = { port, list: need.list, domains: [], hosts: [] }));
        entry.domains.push(need.domain);
        entry.hosts.push(need.endpoint.host);
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
        // Sorted as texts: `a-b:993` sorts before `a:993`, though host `a` sorts before `a-b`.
        const hosts = sortedUnique(entry.hosts.map((host) => endpointText({ host, port })));
        needs.push({ port, list, domains: sortedUnique(entry.domains), hosts });
      }
    }
    result.set(target, needs);
  }
  return result;
}

function compareRows(a: Row, b: Row): number {
  return (
    compareText(a.row.target, b.row.target) ||
    // Ingress first: what is let in, then what lets the replies out.
    compareText(b.row.direction, a.row.direction) ||
    compareOptionalCidr(a.sortDestination, b.sortDestination) ||
    a.row.fromPort - b.row.fromPort ||
    compareSource(a.sortSource, b.sortSource) ||
    compareText(rowPlace(a.row), rowPlace(b.row))
  );
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
