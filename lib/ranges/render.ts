// The ranges report for a person (text, also fine as a GitHub issue body) and for programs
// (one JSON document). Same content, deterministic: no timestamps, no absolute paths.
import type { Cidr } from "../model/cidr";
import type { ListReport, MissingRange, RangesReport, StaleEntry } from "./compare";

/** The report's last line, in every text report: mailgate only reports. */
export const DECISION_LINE =
  "mailgate never rewrites the catalog: to change it, a person edits hubspot.ipRanges (imap, smtp) in the config with a new source.";

/**
 * How much the text report lists. HubSpot's response is a few hundred ranges, so a real report
 * lists everything; a response of hundreds of thousands (a broken or hostile source) would make a
 * report nobody can read, and the scheduled workflow posts it as an issue (GitHub refuses bodies
 * over 65,536 characters). Beyond these, the text counts what it leaves out; `--format json`
 * always holds everything, and the exit code and summary count everything in either format.
 */
export const TEXT_LIMITS = {
  /** Missing ranges, and stale entries per list. */
  lines: 1000,
  /** Blocks named on one line (the stale or uncovered parts of one range). */
  blocks: 10,
  /** IPv4-mapped entries named in the note about them. */
  mapped: 10,
  /** Characters of HubSpot's description of a range (its own are a few dozen). */
  description: 200,
} as const;

const MORE = "use --format json for all";

const CANDIDATES =
  "These are candidates for a person to judge: HubSpot does not document which service connects to connected inboxes, so mailgate does not add them to the IMAP or SMTP list.";

/** Remarks about the response that explain an unusual result; shared by both formats. */
export function notesOf(report: RangesReport): string[] {
  const notes: string[] = [];
  const { response } = report;
  if (response.ranges === 0) {
    notes.push(
      "The response had no ranges at all (was it fetched with query parameters such as direction or service that filter everything out?): every catalog address counts as stale.",
    );
  } else if (response.egress === 0) {
    notes.push("The response had no EGRESS ranges (was it fetched with direction=INGRESS?): every catalog address counts as stale.");
  }
  if (response.otherServices.length > 0) {
    notes.push(
      `EGRESS ranges of ${response.otherServices.join(", ")} were not checked for missing (add them with --services); they still count as published for stale.`,
    );
  }
  const mapped = response.ipv4Mapped;
  if (mapped.length > 0) {
    const named = mapped.slice(0, TEXT_LIMITS.mapped).map((m) => `${m.published} as ${m.cidr.toString()}`);
    if (mapped.length > named.length) named.push(`and ${mapped.length - named.length} more (--format json lists them all)`);
    notes.push(
      mapped.length === 1
        ? `1 IPv4-mapped IPv6 range was read as the IPv4 range it denotes: ${named.join(", ")}.`
        : `${mapped.length} IPv4-mapped IPv6 ranges were read as the IPv4 ranges they denote: ${named.join(", ")}.`,
    );
  }
  if (report.missing.length > 0) notes.push(CANDIDATES);
  return notes;
}

export function renderText(report: RangesReport, file: string): string {
  const { response } = report;
  const lines = [
    `HubSpot ranges check: ${file} against the catalog in use`,
    `Catalog: ${report.catalog.source}${report.catalog.published ? ` (published ${report.catalog.published})` : ""}`,
    `Response: ${plural(response.ranges, "range")}: ${response.egress} EGRESS, ${response.ingress} INGRESS (ignored); missing checked for ${report.services.join(", ")} (${plural(response.checked, "range")})`,
  ];
  for (const note of notesOf(report)) if (note !== CANDIDATES) lines.push(`Note: ${note}`);

  lines.push("", "Stale: catalog addresses HubSpot no longer publishes as EGRESS (under any service)");
  for (const list of report.lists) staleLines(list, lines);

  lines.push("", `Missing: published EGRESS ranges of ${report.services.join(", ")} that neither list covers`);
  if (report.missing.length === 0) {
    lines.push(
      response.checked === 0
        ? `- none: the response has no EGRESS range of ${report.services.join(", ")}`
        : `- none: the lists cover all ${plural(response.checked, "checked range")}`,
    );
  } else {
    // A loop, not push(...list): spreading 200,000 arguments overflows the stack.
    for (const m of report.missing.slice(0, TEXT_LIMITS.lines)) lines.push(missingLine(m));
    const more = report.missing.length - TEXT_LIMITS.lines;
    if (more > 0) lines.push(`- ... and ${more} more missing ranges (${MORE})`);
    lines.push(CANDIDATES);
  }

  lines.push("", summary(report), DECISION_LINE);
  return `${lines.join("\n")}\n`;
}

export function renderJson(report: RangesReport, file: string): string {
  const cidrs = (list: readonly Cidr[]) => list.map((c) => c.toString());
  const document = {
    response: file,
    catalog: report.catalog,
    services: report.services,
    published: { ...report.response, ipv4Mapped: report.response.ipv4Mapped.map((m) => ({ cidr: m.published, readAs: m.cidr.toString() })) },
    lists: Object.fromEntries(
      report.lists.map((l) => [
        l.list,
        { entries: l.entries, stale: l.stale.map((s) => ({ entry: s.entry.toString(), stale: cidrs(s.stale), whole: s.whole })) },
      ]),
    ),
    missing: report.missing.map((m) => ({
      cidr: m.cidr.toString(),
      service: m.service,
      description: m.description,
      uncovered: cidrs(m.uncovered),
      whole: m.whole,
    })),
    notes: notesOf(report),
    upToDate: report.upToDate,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Appends the list's lines to `lines`. */
function staleLines(list: ListReport, lines: string[]): void {
  const head = `- ${list.list} (${plural(list.entries, "entry", "entries")}):`;
  if (list.stale.length === 0) {
    lines.push(`${head} nothing stale`);
    return;
  }
  lines.push(`${head} ${plural(list.stale.length, "entry", "entries")} stale`);
  for (const s of list.stale.slice(0, TEXT_LIMITS.lines)) lines.push(`  - ${staleDetail(s)}`);
  const more = list.stale.length - TEXT_LIMITS.lines;
  if (more > 0) lines.push(`  - ... and ${more} more stale entries (${MORE})`);
}

function staleDetail(s: StaleEntry): string {
  if (s.whole) return `${s.entry.toString()}: all of it`;
  return `${s.entry.toString()}: ${blocks(s.stale)} (${s.staleAddresses} of ${s.entry.size} addresses)`;
}

function missingLine(m: MissingRange): string {
  const what = m.whole ? "all of it" : `${blocks(m.uncovered)} (${m.uncoveredAddresses} of ${m.cidr.size} addresses)`;
  return `- ${m.cidr.toString()} ${m.service} ${description(m.description)}: ${what}`;
}

/** The first blocks, and how many more: one published range can split into thousands. */
function blocks(list: readonly Cidr[]): string {
  const named = list.slice(0, TEXT_LIMITS.blocks).join(", ");
  return list.length > TEXT_LIMITS.blocks ? `${named} and ${list.length - TEXT_LIMITS.blocks} more blocks` : named;
}

function summary(report: RangesReport): string {
  if (report.upToDate) return "Summary: nothing stale, nothing missing: the catalog matches HubSpot's published ranges.";
  const stale = report.lists.map((l) => `${l.list} ${l.stale.length}`).join(", ");
  const total = report.lists.reduce((n, l) => n + l.stale.length, 0);
  return `Summary: ${plural(total, "stale entry", "stale entries")} (${stale}), ${plural(report.missing.length, "missing range")}: the catalog differs from HubSpot's published ranges.`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function description(text: string): string {
  if (text === "") return "(no description)";
  if (text.length <= TEXT_LIMITS.description) return quoteText(text);
  return `${quoteText(text.slice(0, TEXT_LIMITS.description))} (the first ${TEXT_LIMITS.description} of ${text.length} characters)`;
}

/**
 * HubSpot's free text, quoted so that it cannot pass for report structure: control and
 * bidirectional characters escaped, and backticks too (the report may sit in a fenced block).
 */
function quoteText(text: string): string {
  return JSON.stringify(text).replace(/[`\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
