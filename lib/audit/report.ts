import { regionStackName, ruleAddress } from "../aws/naming";
import { Cidr } from "../model/cidr";
import type { Config, FirewallTarget } from "../model/config";
import { catalogFor, type HubSpotList, type IpCatalog } from "../model/ip-catalog";
import type { FirewallPolicy } from "../policy/firewall-policy";
import { assertCoverage, describeCoverage, proveCoverage, type PortCoverage } from "./coverage";
import { requiredAccess } from "./required";

/** Where the HubSpot lists behind every rule came from. */
export interface ReportCatalog {
  readonly source: string;
  /** ISO date; null for the user's own lists, which carry no date. */
  readonly published: string | null;
}

/** One Terraform rule resource and why it exists. */
export interface ReportRule {
  readonly target: string;
  readonly type: FirewallTarget["type"];
  readonly region: string;
  /** The cdktf stack holding the rule (`cdktf plan <stack>`). */
  readonly stack: string;
  readonly protocol: "tcp";
  readonly fromPort: number;
  readonly toPort: number;
  /** Canonical, as AWS echoes it back. */
  readonly cidr: string;
  readonly lists: readonly HubSpotList[];
  readonly domains: readonly string[];
  /** `host:port` of the mail servers behind the rule. */
  readonly hosts: readonly string[];
  readonly catalog: ReportCatalog;
  /** Exactly the address in `cdk.tf.json` and `terraform plan`. */
  readonly terraformAddress: string;
}

export interface ReportTarget {
  readonly target: string;
  readonly type: FirewallTarget["type"];
  readonly region: string;
  readonly securityGroup: { readonly create: { readonly vpcId: string; readonly name: string } } | { readonly id: string };
  readonly rules: number;
}

/** `firewall-rules.json`. Later target types add their own rows; consumers key on `type`. */
export interface FirewallReport {
  readonly schemaVersion: 1;
  readonly catalog: ReportCatalog;
  readonly targets: readonly ReportTarget[];
  /** Sorted by target, port, then CIDR (IPv4 first, by address, wider first). */
  readonly rules: readonly ReportRule[];
  /** Per target and port, sorted the same way. */
  readonly coverage: readonly PortCoverage[];
}

export const REPORT_FILES = { json: "firewall-rules.json", csv: "firewall-rules.csv", markdown: "firewall-rules.md" } as const;

/**
 * The audit report for a policy, with its coverage proof. The proof compares the policy's
 * rules with an independent derivation from the config; if they differ this throws a
 * `CoverageError` rather than describe rules mailgate cannot vouch for.
 */
export function buildReport(config: Config, policy: FirewallPolicy): FirewallReport {
  const catalog = reportCatalog(policy.catalog);
  const rows: { row: ReportRule; cidr: Cidr }[] = [];
  for (const { target, rules } of policy.targets) {
    for (const rule of rules) {
      rows.push({
        cidr: rule.cidr,
        row: {
          target: target.name,
          type: target.type,
          region: target.region,
          stack: regionStackName(target.region),
          protocol: rule.protocol,
          fromPort: rule.port,
          toPort: rule.port,
          cidr: rule.cidr.toString(),
          lists: [...rule.lists],
          domains: [...rule.domains],
          hosts: [...rule.hosts],
          catalog,
          terraformAddress: ruleAddress(target.name, rule),
        },
      });
    }
  }
  rows.sort((a, b) => compareText(a.row.target, b.row.target) || a.row.fromPort - b.row.fromPort || Cidr.compare(a.cidr, b.cidr));

  const coverage = proveCoverage(
    rows.map(({ row, cidr }) => ({ target: row.target, port: row.fromPort, cidr })),
    requiredAccess(config, catalogFor(config.ipRanges)),
  );
  assertCoverage(coverage);

  const targets = [...policy.targets]
    .sort((a, b) => compareText(a.target.name, b.target.name))
    .map(({ target, rules }) => ({
      target: target.name,
      type: target.type,
      region: target.region,
      securityGroup: target.create ? { create: { vpcId: target.create.vpcId, name: target.create.groupName } } : { id: target.securityGroupId },
      rules: rules.length,
    }));
  return { schemaVersion: 1, catalog, targets, rules: rows.map(({ row }) => row), coverage };
}

function reportCatalog(catalog: IpCatalog): ReportCatalog {
  return { source: catalog.source, published: catalog.published ?? null };
}

export function renderReportJson(report: FirewallReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

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
  "domains",
  "hosts",
  "catalogSource",
  "catalogPublished",
  "terraformAddress",
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
      region: r.region,
      stack: r.stack,
      protocol: r.protocol,
      fromPort: String(r.fromPort),
      toPort: String(r.toPort),
      cidr: r.cidr,
      lists: r.lists.join(" "),
      domains: r.domains.join(" "),
      hosts: r.hosts.join(" "),
      catalogSource: r.catalog.source,
      catalogPublished: r.catalog.published ?? "",
      terraformAddress: r.terraformAddress,
    };
    lines.push(CSV_COLUMNS.map((column) => csvField(values[column])).join(","));
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

/** Per target: where it is, a table of its rules, the coverage proof per port, a summary. */
export function renderReportMarkdown(report: FirewallReport): string {
  const published = report.catalog.published ? ` (published ${report.catalog.published})` : " (your own lists)";
  const ports = new Set(report.rules.map((r) => `${r.target}/${r.fromPort}`)).size;
  const lines: string[] = [
    "# HubSpot firewall rules",
    "",
    "Generated by mailgate from the config in git; do not edit by hand. Each rule admits TCP from one",
    "HubSpot source range to one mail-server port. Under each table, the coverage proof compares, per",
    "port, the addresses the rules open with the addresses HubSpot's lists require, computed",
    "independently of the rule generator; mailgate refuses to synthesize if they differ.",
    "",
    `HubSpot source ranges: ${mdText(report.catalog.source)}${published}.`,
    "",
    `Summary: ${plural(report.rules.length, "rule")} on ${plural(ports, "port")} of ${plural(report.targets.length, "target")}; ` +
      `${report.coverage.filter((c) => c.exact).length} of ${report.coverage.length} ports proven exact.`,
    "",
  ];
  if (report.targets.length === 0) lines.push("No firewall targets: no domain names a firewall.", "");

  for (const target of report.targets) {
    const rules = report.rules.filter((r) => r.target === target.target);
    const coverage = report.coverage.filter((c) => c.target === target.target);
    const group =
      "create" in target.securityGroup
        ? `created by mailgate: \`${target.securityGroup.create.name}\` in \`${target.securityGroup.create.vpcId}\``
        : `existing \`${target.securityGroup.id}\` (mailgate adds rules only)`;
    lines.push(
      `## ${target.target}`,
      "",
      `- Type: ${target.type}`,
      `- Region: ${target.region} (stack \`${regionStackName(target.region)}\`)`,
      `- Security group: ${group}`,
      "",
      "| Port | CIDR | Lists | Domains | Terraform address |",
      "| --- | --- | --- | --- | --- |",
      ...rules.map(
        (r) =>
          `| tcp/${r.fromPort} | ${r.cidr} | ${r.lists.map((l) => LIST_LABEL[l]).join(" + ")} | ${r.domains.join(", ")} | \`${r.terraformAddress}\` |`,
      ),
      "",
      "Coverage proof:",
      "",
      ...coverage.map((c) => `- ${describeCoverage(c)}`),
      "",
    );
    const domains = [...new Set(rules.flatMap((r) => r.domains))].sort(compareText);
    const hosts = [...new Set(rules.flatMap((r) => r.hosts))].sort(compareText);
    const portList = [...new Set(rules.map((r) => r.fromPort))].sort((a, b) => a - b);
    lines.push(
      `Summary: ${plural(rules.length, "rule")} on ${plural(portList.length, "port")} (${portList.map((p) => `tcp/${p}`).join(", ")}) ` +
        `for ${plural(domains.length, "domain")} (${domains.join(", ")}); mail servers: ${hosts.join(", ")}.`,
      "",
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

export function renderReport(report: FirewallReport): Map<string, string> {
  return new Map([
    [REPORT_FILES.json, renderReportJson(report)],
    [REPORT_FILES.csv, renderReportCsv(report)],
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
