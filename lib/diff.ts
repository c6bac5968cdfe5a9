// `mailgate diff`: what changes between two configs, as Markdown for a pull-request comment:
// stacks, per target the needs and the rules added, removed and changed, prefill settings and
// HubSpot's lists. Above audit and artifacts, which it reads. One file of ~430 lines because every
// section compares the two reports the same way and shares the table and text helpers.
import { prefillSettings, type PrefillDomain, type PrefillSettings } from "./artifacts/prefill";
import type { Config } from "./model/config";
import { Cidr } from "./model/cidr";
import { HUBSPOT_LISTS, type IpCatalog } from "./model/ip-catalog";
import { buildPolicy, type FirewallPolicy } from "./policy/firewall-policy";
import type { Placements } from "./policy/placements";
import { changeFingerprint, leavingOf, NO_LEAVING, renamesOf, sameLeaving } from "./policy/leaving";
import type { PortCoverage } from "./audit/coverage";
import { mdText } from "./artifacts/report-files";
import { rowPlace } from "./audit/report-rows";
import { buildReport, isAwsReportTarget, type FirewallReport, type ReportNeed, type ReportRule, type ReportStack, type ReportTarget } from "./audit/report";
import { reportPartOf } from "./kinds/reports";
import { code, LIST_LABEL, listsText } from "./model/labels";
import { ruleIdentity, type RuleContent } from "./model/rule-identity";
import { compareText } from "./model/text";

/**
 * One side, prepared once: its report (with the coverage proof, run here once per side), prefill
 * settings and catalog; every section of the comparison reads these.
 */
interface PreparedSide {
  readonly label: string;
  readonly config: Config;
  readonly placements?: Placements;
  readonly report: FirewallReport;
  readonly prefill: PrefillSettings;
  readonly catalog: IpCatalog;
}

function prepareSide(side: DiffSide): PreparedSide {
  const policy = side.policy ?? buildPolicy(side.config);
  return {
    label: side.label,
    config: side.config,
    ...(side.placements ? { placements: side.placements } : {}),
    report: buildReport(side.config, policy, side.placements),
    prefill: prefillSettings(side.config, policy.catalog),
    catalog: policy.catalog,
  };
}

/** One side of a comparison: a validated config and how the user named it. */
export interface DiffSide {
  readonly label: string;
  readonly config: Config;
  /** The policy as validation built it (with the side's placements); built afresh when absent. */
  readonly policy?: FirewallPolicy;
  /** The placements after this side (its stacks, emptied ones included). */
  readonly placements?: Placements;
}

/**
 * Markdown for a pull-request comment: per target, the domains that start or stop needing a port,
 * and the rules added, removed and changed (rules are compared by region and Terraform address,
 * as Terraform does); then the prefill settings per domain; then HubSpot's source ranges. Pure;
 * both configs already validated.
 */
export function diffConfigs(baseSide: DiffSide, headSide: DiffSide): string {
  const base = prepareSide(baseSide);
  const head = prepareSide(headSide);
  const before = base.report;
  const after = head.report;
  const lines: string[] = ["## mailgate: firewall changes", "", `Base: ${code(base.label)}, head: ${code(head.label)}.`, ""];

  const totals = { added: 0, removed: 0, changed: 0, targets: 0 };
  const targetNames = [...new Set([...before.targets, ...after.targets].map((t) => t.target))].sort(compareText);
  const targetSections: string[] = [];
  for (const name of targetNames) {
    const section = targetDiff(
      name,
      before.targets.find((t) => t.target === name),
      after.targets.find((t) => t.target === name),
      before.rules.filter((r) => r.target === name),
      after.rules.filter((r) => r.target === name),
      addressChanges(
        before.coverage.filter((c) => c.target === name),
        after.coverage.filter((c) => c.target === name),
      ),
      totals,
      head.placements?.leaving?.has(name) ?? false,
    );
    if (section.length > 0) {
      totals.targets++;
      targetSections.push(...section);
    }
  }

  const stackSection = [...leavingMismatch(base, head), ...stacksDiff(before.stacks, after.stacks)];
  const prefillSection = prefillDiff(base.prefill, head.prefill);
  const catalogSection = catalogDiff(base.catalog, head.catalog);
  if (targetSections.length === 0 && stackSection.length === 0 && prefillSection.length === 0 && catalogSection.length === 0) {
    lines.push("No changes.");
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    `Firewall rules: ${totals.added} added, ${totals.removed} removed, ${totals.changed} changed` +
      (totals.targets > 0 ? ` on ${totals.targets} target${totals.targets === 1 ? "" : "s"}.` : "."),
    "",
    ...stackSection,
    ...targetSections,
    ...prefillSection,
    ...catalogSection,
  );
  return `${lines.join("\n").trimEnd()}\n`;
}

/**
 * The first apply of a two-phase change keeps the rules the base applied; the head's
 * placements.json must therefore have been synthesized from the base's. A synth on top of an
 * unapplied synth (a pull request amended and synthesized again) records what leaves relative to
 * that intermediate state, and its expand phase could drop rules the base still holds.
 */
function leavingMismatch(base: DiffSide, head: DiffSide): string[] {
  if (!base.placements || !head.placements) return [];
  const expected = leavingOf(base.placements, head.placements, renamesOf(head.config), changeFingerprint(head.config));
  if (sameLeaving(expected, head.placements.leaving ?? NO_LEAVING)) return [];
  return [
    "### Two-phase apply: placements.json does not start from the base",
    "",
    "The rules `placements.json` records as leaving are not those this change removes from the base (it was synthesized on top of another synth that was never applied). The first apply must keep exactly what the base applied: restore the base's placements and synthesize again, then commit `generated/`:",
    "",
    "```sh",
    "git checkout <base> -- generated/placements.json && npm run synth",
    "```",
    "",
  ];
}

/**
 * Rules are matched as Terraform matches resources: by region and place (`rowPlace`: the address,
 * or a file's set or rule). A Network Firewall's rules share their rule group's address and a
 * file's set holds many blocks, so (for them, and harmlessly for the rest) what the rule admits,
 * its `ruleIdentity`, is part of the key too.
 */
function rowKey(rule: ReportRule): string {
  return `${"region" in rule ? rule.region : ""} ${rowPlace(rule)} ${ruleIdentity(rowContent(rule), rule.destination)}`;
}

/** What a row admits: a return rule's block, a prefix list (by name: the report has no key, and the name is as unique), or a CIDR. */
function rowContent(r: ReportRule): RuleContent {
  if (r.direction === "egress") return { returnTo: r.cidr ?? "" };
  if (r.prefixList) return { port: r.fromPort, prefixList: { key: r.prefixList.name } };
  return { port: r.fromPort, cidr: r.cidr ?? "" };
}

function targetDiff(
  name: string,
  before: ReportTarget | undefined,
  after: ReportTarget | undefined,
  beforeRules: readonly ReportRule[],
  afterRules: readonly ReportRule[],
  addresses: string | undefined,
  totals: { added: number; removed: number; changed: number },
  leaving: boolean,
): string[] {
  const beforeByKey = new Map(beforeRules.map((r) => [rowKey(r), r]));
  const afterByKey = new Map(afterRules.map((r) => [rowKey(r), r]));
  const added = afterRules.filter((r) => !beforeByKey.has(rowKey(r)));
  const removed = beforeRules.filter((r) => !afterByKey.has(rowKey(r)));
  const changed = afterRules
    .map((r) => ({ after: r, before: beforeByKey.get(rowKey(r)) }))
    .filter((p): p is { after: ReportRule; before: ReportRule } => p.before !== undefined && provenanceChanges(p.before, p.after).length > 0);

  const notes: string[] = [];
  if (!before) notes.push("New target: mailgate starts managing HubSpot's ingress here.");
  if (!after) notes.push("Target no longer used by any domain: mailgate removes its rules.");
  const latest = after ?? before;
  const groupBefore = before && reportPartOf(before).placeText(before);
  const groupAfter = after && reportPartOf(after).placeText(after);
  const label = latest ? reportPartOf(latest).placeLabel : "";
  if (groupBefore && groupAfter && groupBefore !== groupAfter) notes.push(`${label}: ${groupBefore} → ${groupAfter}.`);
  else if (groupAfter && !before) notes.push(`${label}: ${groupAfter}.`);
  const awsBefore = before && isAwsReportTarget(before) ? before : undefined;
  const awsAfter = after && isAwsReportTarget(after) ? after : undefined;
  if (awsBefore && awsAfter && awsBefore.region !== awsAfter.region) {
    notes.push(`Region: ${awsBefore.region} → ${awsAfter.region}: the rules move to another stack, so each is destroyed and re-created.`);
  }
  if (awsBefore && awsAfter && awsBefore.stack !== awsAfter.stack) notes.push(`Stack: ${code(awsBefore.stack)} → ${code(awsAfter.stack)}.`);
  if (before && after && before.type === after.type) notes.push(...reportPartOf(after).changeNotes(name, before, after));
  if (reaggregated(added, removed)) {
    notes.push("Re-aggregated: HubSpot's blocks merged or split, so rules are replaced by wider or narrower ones (the minimal cover changed).");
  }
  if (leaving) {
    notes.push(
      "Two applies: rules leave this target while others arrive; Terraform would run those deletes and creates in no order. Apply `MAILGATE_PHASE=expand` first (creates and updates only; the leaving rules stay), then the default synth (deletes only).",
    );
  }
  const needs = needsChanges(before?.needs ?? [], after?.needs ?? []);
  if (added.length + removed.length + changed.length === 0 && notes.length === 0 && needs.length === 0) return [];
  if (addresses) notes.push(`Addresses HubSpot may connect from: ${addresses}.`);
  const applyNote = latest && reportPartOf(latest).applyNote(latest, after === undefined);
  if (applyNote) notes.push(applyNote);

  totals.added += added.length;
  totals.removed += removed.length;
  totals.changed += changed.length;
  const region =
    awsBefore && awsAfter && awsBefore.region !== awsAfter.region ? `${awsBefore.region} → ${awsAfter.region}` : ((awsAfter ?? awsBefore)?.region ?? latest?.type);
  const lines = [`### ${name} (${region})`, ""];
  if (notes.length > 0) lines.push(...notes.map((n) => `- ${n}`), "");
  if (needs.length > 0) lines.push("**Needed by**", "", ...needs.map((n) => `- ${n}`), "");
  if (added.length > 0) lines.push(`**Added** (${rules(added.length)})`, "", ...ruleTable(added), "");
  if (removed.length > 0) lines.push(`**Removed** (${rules(removed.length)})`, "", ...ruleTable(removed), "");
  if (changed.length > 0) {
    lines.push(
      `**Changed** (${rules(changed.length)}: same port and source; Terraform updates the rule in place unless it says replaced)`,
      "",
      "| Port | Source | Change |",
      "| --- | --- | --- |",
      ...changed.map(({ before: b, after: a }) => `| ${portText(a)} | ${cell(diffSource(a))} | ${cell(provenanceChanges(b, a).join("; "))} |`),
      "",
    );
  }
  return lines;
}

/** An added and a removed rule of one port whose sources overlap: the cover changed shape. */
function reaggregated(added: readonly ReportRule[], removed: readonly ReportRule[]): boolean {
  return added.some(
    (a) =>
      a.cidr !== null &&
      removed.some((r) => r.cidr !== null && r.fromPort === a.fromPort && r.direction === a.direction && Cidr.of(r.cidr).overlaps(Cidr.of(a.cidr ?? ""))),
  );
}

/** New, emptied and retired stacks: the Terraform states CI plans and someone applies. */
function stacksDiff(before: readonly ReportStack[], after: readonly ReportStack[]): string[] {
  const had = new Map(before.map((s) => [s.name, s]));
  const has = new Map(after.map((s) => [s.name, s]));
  const lines: string[] = [];
  for (const s of after) {
    const b = had.get(s.name);
    if (!b) lines.push(`- ${code(s.name)} (${s.region}): new stack, starting from empty state.`);
    else if (s.targets.length === 0 && b.targets.length > 0) {
      lines.push(`- ${code(s.name)} is now empty: applying it destroys what it held; then retire it with ${code(`npx mailgate retire ${s.name}`)}.`);
    }
  }
  for (const s of before) if (!has.has(s.name)) lines.push(`- ${code(s.name)} retired: mailgate no longer writes it.`);
  return lines.length === 0 ? [] : ["### Stacks", "", ...lines, ""];
}

/** `tcp/465 264 → 0, tcp/2525 0 → 264`: per port (and destination) whose admitted address count changed. */
function addressChanges(before: readonly PortCoverage[], after: readonly PortCoverage[]): string | undefined {
  const key = (c: PortCoverage) => `${c.port} ${c.destination ?? ""}`;
  const entries = [...new Map([...before, ...after].map((c) => [key(c), c])).values()].sort(
    (a, b) => a.port - b.port || compareText(a.destination ?? "", b.destination ?? ""),
  );
  const changes = entries
    .map((c) => [
      `tcp/${c.port}${c.destination ? ` to ${c.destination}` : ""}`,
      before.find((x) => key(x) === key(c))?.opened.addresses ?? "0",
      after.find((x) => key(x) === key(c))?.opened.addresses ?? "0",
    ])
    .filter(([, b, a]) => b !== a)
    .map(([what, b, a]) => `${what} ${b} → ${a}`);
  return changes.length > 0 ? changes.join(", ") : undefined;
}

/** `tcp/993 IMAP: domains added a.example; servers added imap.a.example:993`, per port and list that changed. */
function needsChanges(before: readonly ReportNeed[], after: readonly ReportNeed[]): string[] {
  const key = (n: ReportNeed) => `${n.port} ${n.list}`;
  const beforeByKey = new Map(before.map((n) => [key(n), n]));
  const afterByKey = new Map(after.map((n) => [key(n), n]));
  const all = [...new Map([...before, ...after].map((n) => [key(n), n])).values()].sort((a, b) => a.port - b.port || compareText(a.list, b.list));
  return all.flatMap((n) => {
    const b = beforeByKey.get(key(n));
    const a = afterByKey.get(key(n));
    const domains = setChange(b?.domains ?? [], a?.domains ?? []);
    const hosts = setChange(b?.hosts ?? [], a?.hosts ?? []);
    const changes = [domains && `domains ${domains}`, hosts && `servers ${hosts}`].filter(Boolean);
    return changes.length > 0 ? [`tcp/${n.port} ${LIST_LABEL[n.list]}: ${cell(changes.join("; "))}`] : [];
  });
}

function ruleTable(list: readonly ReportRule[]): string[] {
  return [
    "| Port | Source | Lists |",
    "| --- | --- | --- |",
    ...[...list]
      .sort(
        (a, b) =>
          compareText(b.direction, a.direction) ||
          compareText(a.destination ?? "", b.destination ?? "") ||
          a.fromPort - b.fromPort ||
          compareCidrs(a.cidr, b.cidr) ||
          compareText(rowPlace(a), rowPlace(b)),
      )
      .map((r) => `| ${portText(r)} | ${cell(diffSource(r))} | ${listsText(r.lists)} |`),
  ];
}

function portText(r: ReportRule): string {
  return r.fromPort === r.toPort ? `tcp/${r.fromPort}` : `tcp/${r.fromPort}-${r.toPort}`;
}

/** What the rule admits, in a few words: a CIDR, a prefix list, a return rule, a CIDR to a server. */
function diffSource(r: ReportRule): string {
  if (r.prefixList) return `prefix list ${r.prefixList.name}`;
  if (r.direction === "egress") return `return traffic to ${r.cidr ?? ""} (rule ${r.ruleNumber ?? "?"})`;
  if (r.destination) return `${r.cidr ?? ""} to ${r.destination} (sid ${r.sid ?? "?"})`;
  if (r.ruleNumber !== undefined) return `${r.cidr ?? ""} (rule ${r.ruleNumber})`;
  return r.cidr ?? "";
}

/** CIDRs as `Cidr.compare` orders them; a prefix-list rule (no CIDR) after them. */
function compareCidrs(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return Cidr.compare(Cidr.of(a), Cidr.of(b));
}

function provenanceChanges(before: ReportRule, after: ReportRule): string[] {
  const changes: string[] = [];
  if (before.securityGroup !== after.securityGroup) {
    changes.push(`moves from group ${before.securityGroup ?? "(none)"} to ${after.securityGroup ?? "(none)"} (replaced)`);
  }
  if (before.ruleNumber !== after.ruleNumber) changes.push(`rule number ${before.ruleNumber ?? "(none)"} → ${after.ruleNumber ?? "(none)"} (replaced)`);
  if (before.sid !== after.sid) changes.push(`sid ${before.sid ?? "(none)"} → ${after.sid ?? "(none)"}`);
  if (before.prefixList && after.prefixList) {
    const entries = setChange(before.prefixList.entries, after.prefixList.entries);
    if (entries) changes.push(`prefix list entries: ${entries}`);
    if (before.prefixList.maxEntries !== after.prefixList.maxEntries) {
      changes.push(`prefix list max entries ${before.prefixList.maxEntries} → ${after.prefixList.maxEntries}`);
    }
  }
  if (listsText(before.lists) !== listsText(after.lists)) changes.push(`lists: ${listsText(before.lists)} → ${listsText(after.lists)}`);
  return changes;
}

function setChange(before: readonly string[], after: readonly string[]): string | undefined {
  // Sets, not includes(): a port can be needed by thousands of domains.
  const had = new Set(before);
  const has = new Set(after);
  const added = after.filter((x) => !had.has(x));
  const removed = before.filter((x) => !has.has(x));
  if (added.length + removed.length === 0) return undefined;
  return [added.length > 0 ? `added ${added.join(", ")}` : "", removed.length > 0 ? `removed ${removed.join(", ")}` : ""].filter(Boolean).join(", ");
}

/** HubSpot form fields, in the order the admin sees them. */
const PREFILL_FIELDS: readonly [string, (d: PrefillDomain) => string | undefined][] = [
  ["Settings", (d) => (d.kind === "imap" ? "IMAP" : "Exchange")],
  ["Exchange URL", (d) => (d.kind === "exchange" ? d.exchangeUrl : undefined)],
  ["Incoming Mail (IMAP) server", (d) => (d.kind === "imap" ? d.incoming.host : undefined)],
  ["Incoming Mail (IMAP) port", (d) => (d.kind === "imap" ? String(d.incoming.port) : undefined)],
  ["Outgoing Mail (SMTP) server", (d) => (d.kind === "imap" ? d.outgoing.host : undefined)],
  ["Outgoing Mail (SMTP) port", (d) => (d.kind === "imap" ? String(d.outgoing.port) : undefined)],
  ["Allow non-secure certificate", (d) => (d.kind === "imap" ? (d.allowNonSecureCertificate ? "checked" : "unchecked") : undefined)],
];

function prefillDiff(base: PrefillSettings, head: PrefillSettings): string[] {
  const before = new Map(base.domains.map((d) => [d.domain, d]));
  const after = new Map(head.domains.map((d) => [d.domain, d]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort(compareText);
  const rows: string[] = [];
  for (const name of names) {
    const b = before.get(name);
    const a = after.get(name);
    if (!b && a) rows.push(`| ${name} | added | ${cell(prefillSummary(a))} |`);
    else if (b && !a) rows.push(`| ${name} | removed | ${cell(prefillSummary(b))} |`);
    else if (a && b) {
      const changes = PREFILL_FIELDS.map(([field, get]) => [field, get(b), get(a)] as const)
        .filter(([, x, y]) => x !== y)
        .map(([field, x, y]) => `${field}: ${x ?? "(none)"} → ${y ?? "(none)"}`);
      if (changes.length > 0) rows.push(`| ${name} | changed | ${cell(changes.join("; "))} |`);
    }
  }
  if (rows.length === 0) return [];
  return [
    "### HubSpot prefill settings",
    "",
    "An admin enters these by hand under Exchange & IMAP Settings (see `prefill-settings.md`).",
    "",
    "| Domain | Change | Settings |",
    "| --- | --- | --- |",
    ...rows,
    "",
    // HubSpot keeps a removed domain's settings until someone deletes them: say so where reviewers look.
    ...(rows.some((r) => r.includes(" | removed | "))
      ? [
          "For each removed domain, an admin must delete its settings in HubSpot: `prefill-settings.md` lists it under",
          "**Remove in HubSpot** from this change's synth on, until `npx mailgate removed-in-hubspot <domain>` confirms it.",
          "",
        ]
      : []),
  ];
}

function prefillSummary(d: PrefillDomain): string {
  return PREFILL_FIELDS.map(([field, get]) => [field, get(d)] as const)
    .filter(([, v]) => v !== undefined)
    .map(([field, v]) => `${field}: ${v}`)
    .join("; ");
}

function catalogDiff(before: IpCatalog, after: IpCatalog): string[] {
  const lines: string[] = [];
  if (before.source !== after.source) lines.push(`- Source: ${mdText(before.source)} → ${mdText(after.source)}`);
  if (before.published !== after.published) lines.push(`- Published: ${before.published ?? "(not stated)"} → ${after.published ?? "(not stated)"}`);
  for (const list of HUBSPOT_LISTS) {
    const b = before.lists[list].map(String);
    const a = after.lists[list].map(String);
    const added = a.filter((x) => !b.includes(x));
    const removed = b.filter((x) => !a.includes(x));
    if (added.length > 0) lines.push(`- ${LIST_LABEL[list]} list: added ${added.join(", ")}`);
    if (removed.length > 0) lines.push(`- ${LIST_LABEL[list]} list: removed ${removed.join(", ")}`);
  }
  return lines.length === 0 ? [] : ["### HubSpot IP ranges", "", ...lines, ""];
}


function rules(n: number): string {
  return `${n} rule${n === 1 ? "" : "s"}`;
}

/** Text inside a Markdown table cell: a pipe would end the cell, a line break the row. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}



/**
 * `markdown` cut at a line boundary so that it and a closing note fit in `maxChars` characters
 * (GitHub refuses a comment over 65,536). Unchanged when it fits already.
 */
export function fitMarkdown(markdown: string, maxChars: number, fullDiffHint: string): string {
  if (markdown.length <= maxChars) return markdown;
  const lines = markdown.replace(/\n$/, "").split("\n");
  const note = (hiddenLines: number) =>
    `\n---\n\n**Truncated**: ${hiddenLines} more line${hiddenLines === 1 ? "" : "s"} not shown, to fit a pull-request comment. ${fullDiffHint}\n`;
  let kept = 0;
  let length = 0;
  // The note's length depends on the count it states; its longest form bounds it.
  const room = maxChars - note(lines.length).length;
  while (kept < lines.length && length + lines[kept].length + 1 <= room) length += lines[kept++].length + 1;
  return `${lines.slice(0, kept).join("\n")}\n${note(lines.length - kept)}`;
}

