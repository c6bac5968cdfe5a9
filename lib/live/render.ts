// The live report as text (for people and the scheduled workflow's issue), JSON (everything,
// sorted) and GitHub workflow commands (one annotation per difference). Same report, same bytes.
import { mdText } from "../artifacts/report-files";
import type { Admitter, Difference, LiveReport, PortState, TargetReport } from "./compare";

/** The last line of a text report, whatever the result: what the audit does and does not prove. */
export const SCOPE_LINE =
  "mailgate live judges the mail ports of each target from the exports given: other groups attached to the same interfaces, routes, and groups of other accounts referenced are not in them (README: What is live).";

export function renderText(report: LiveReport, files: readonly string[]): string {
  const lines: string[] = [`Exports: ${[...files].sort().join(", ")}`, ""];
  for (const target of report.targets) lines.push(...targetLines(target), "");
  lines.push(summaryLine(report), SCOPE_LINE);
  return `${lines.join("\n")}\n`;
}

function targetLines(t: TargetReport): string[] {
  const where = [t.region, ...(t.account ? [`account ${t.account}`] : []), ...t.awsIds].join(", ");
  const n = t.differences.length;
  const lines = [`${t.target} (${t.type}; ${where}): ${n === 0 ? "exact" : `${n} difference${n === 1 ? "" : "s"}`}`];
  for (const p of t.ports) {
    lines.push(`  ${portLabel(p)}: ${p.required} addresses required, ${p.admitted} admitted${p.exact ? ", exact" : ""}`);
    for (const a of p.admitters) lines.push(`    - ${a.id}: ${a.what} (${statusLabel(a)})`);
    if (p.admitters.length === 0) lines.push("    - no rule admits it");
    if (p.notAdmitted.length > 0) lines.push(`    not admitted: ${limited(p.notAdmitted)}`);
  }
  for (const d of t.differences) lines.push(`  ${d.kind}: ${d.message}`);
  for (const note of t.notes) lines.push(`  note: ${note}`);
  return lines;
}

function statusLabel(a: Admitter): string {
  return a.status === "inside" ? "inside HubSpot's lists, not planned" : a.status;
}

function portLabel(p: PortState): string {
  return p.destination === undefined ? `tcp/${p.port}` : `tcp/${p.port} to ${p.destination}`;
}

function limited(ranges: readonly string[]): string {
  return ranges.length > 10 ? `${ranges.slice(0, 10).join(", ")} ... and ${ranges.length - 10} more (use --format json for all)` : ranges.join(", ");
}

function counts(report: LiveReport): Record<Difference["kind"], number> {
  const c = { exposure: 0, missing: 0, drift: 0 };
  for (const t of report.targets) for (const d of t.differences) c[d.kind]++;
  return c;
}

function summaryLine(report: LiveReport): string {
  const c = counts(report);
  const exact = report.targets.filter((t) => t.differences.length === 0).length;
  const head = `Summary: ${report.targets.length} AWS target${report.targets.length === 1 ? "" : "s"}, ${exact} exact; ${c.exposure} exposure, ${c.missing} missing, ${c.drift} drift`;
  return report.exact ? `${head}: every port admits exactly HubSpot's lists.` : `${head}: AWS differs from the config.`;
}

export function renderJson(report: LiveReport, files: readonly string[]): string {
  const document = {
    schemaVersion: 1,
    exports: [...files].sort(),
    exact: report.exact,
    summary: counts(report),
    targets: report.targets.map((t) => ({
      target: t.target,
      type: t.type,
      region: t.region,
      ...(t.account ? { account: t.account } : {}),
      awsIds: t.awsIds,
      exact: t.differences.length === 0,
      // Address counts as strings: an IPv6 count does not fit a JSON number.
      ports: t.ports.map((p) => ({ ...p, required: p.required.toString(), admitted: p.admitted.toString() })),
      differences: t.differences,
      notes: t.notes,
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** One `::error` per difference (annotations in the run's summary), then the text report. */
export function renderGithub(report: LiveReport, files: readonly string[]): string {
  const escape = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const commands = report.targets.flatMap((t) => t.differences.map((d) => `::error title=${escape(`mailgate live ${d.kind}`).replace(/[,:]/g, "")}::${escape(`${t.target}: ${d.message}`)}\n`));
  return `${commands.join("")}${renderText(report, files)}`;
}

/**
 * The audit report's section on what is live, in its style: one table per target of what each
 * mail port admits against what HubSpot's lists need, each admitting rule by its AWS id, then the
 * differences. `--format markdown` prints it under the audit report the config renders, so an
 * auditor gets what was planned and what AWS holds in one document.
 */
export function renderMarkdownSection(report: LiveReport, files: readonly string[]): string {
  const c = counts(report);
  const exact = report.targets.filter((t) => t.differences.length === 0).length;
  const lines: string[] = [
    "## What is live in AWS",
    "",
    "Read from the AWS CLI's exports, not from Terraform: every rule on the mail ports, mailgate's or not, against the addresses HubSpot's lists require (the same interval arithmetic as the coverage proof above).",
    "",
    `Exports: ${[...files].sort().map((f) => `\`${mdCode(f)}\``).join(", ")}.`,
    "",
    `Result: ${report.targets.length} AWS target${report.targets.length === 1 ? "" : "s"}, ${exact} exact; ${c.exposure} exposure, ${c.missing} missing, ${c.drift} drift. ${report.exact ? "Every port admits exactly HubSpot's lists." : "AWS differs from the config."}`,
  ];
  for (const t of report.targets) {
    const where = [t.region, ...(t.account ? [`account ${t.account}`] : []), ...t.awsIds.map((id) => `\`${mdCode(id)}\``)].join(", ");
    lines.push("", `### ${mdText(t.target)}`, "", `${t.type}; ${where}: ${t.differences.length === 0 ? "exact" : `${t.differences.length} difference${t.differences.length === 1 ? "" : "s"}`}.`, "");
    lines.push("| Port | Required | Admitted | Result | Admitted by |", "| --- | --- | --- | --- | --- |");
    for (const p of t.ports) {
      const by = p.admitters.length === 0 ? "no rule" : p.admitters.map((a) => `\`${mdCode(a.id)}\` ${mdText(a.what)} (${statusLabel(a)})`).join("<br>");
      lines.push(`| ${mdText(portLabel(p))} | ${p.required} | ${p.admitted} | ${p.exact ? "exact" : "differs"} | ${by} |`);
    }
    if (t.differences.length > 0) lines.push("", ...t.differences.map((d) => `- **${d.kind}**: ${mdText(d.message)}`));
    if (t.notes.length > 0) lines.push("", ...t.notes.map((n) => `- note: ${mdText(n)}`));
  }
  lines.push("", SCOPE_LINE);
  return `${lines.join("\n")}\n`;
}

/** Text inside backticks: a backtick cannot be escaped there, so it is replaced. */
function mdCode(text: string): string {
  return text.replace(/`/g, "'").replace(/[\r\n]+/g, " ");
}
