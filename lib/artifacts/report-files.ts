/**
 * The audit report as files: `firewall-rules.json`, `firewall-rules.csv`, `firewall-needs.csv`
 * and `firewall-rules.md` (the flowchart, then per target its needs, rules and coverage proof).
 * Renders the report model (lib/audit/report.ts) and decides nothing.
 */
import type { HubSpotList } from "../model/ip-catalog";
import { describeCoverage, describeReturnCoverage } from "../audit/coverage";
import { onPremDetails, onPremRuleTable } from "../audit/onprem-report";
import { isAwsReportTarget } from "../audit/report";
import type { FamilyCounts } from "../policy/firewall-policy";
import { REPORT_FILES, type AwsReportRule, type FirewallReport, type ReportGroup, type ReportRule, type ReportTarget } from "../audit/report-types";
import { renderFlowchart } from "./flowchart";
import { GENERATED_NOTE } from "./prefill";

export function renderReportJson(report: FirewallReport): string {
  return `${JSON.stringify({ generated: GENERATED_NOTE, ...report }, null, 2)}\n`;
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


function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
