import type { Diagnostic } from "./diagnostic";
import { formatPosition } from "./messages";

/** Width of the line-number gutter, as in `   12 | ...`. */
const GUTTER = 5;

/**
 * One diagnostic as plain text (no colours: it goes to CI logs and files too). The first line
 * is contract (`file:line:col: severity CODE: message`); then a caret excerpt, the hint and
 * related positions, in the style of rustc and eemeli/yaml.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const lines = [printable(`${formatPosition(d.position)}: ${d.severity} ${d.code}: ${d.message}`)];
  if (d.excerpt) {
    const { lineText, column, length } = d.excerpt;
    const number = String(d.position.line);
    const width = Math.max(GUTTER, number.length);
    // Copy tabs from the source line so the carets line up however the terminal shows them.
    const indent = lineText.slice(0, column - 1).replace(/[^\t]/g, " ");
    lines.push(`${number.padStart(width)} | ${lineText}`.trimEnd());
    lines.push(`${" ".repeat(width)} | ${indent}${"^".repeat(length)}`);
  }
  if (d.hint) lines.push(printable(`  hint: ${d.hint}`));
  for (const related of d.related ?? []) lines.push(printable(`  see also: ${formatPosition(related)}`));
  return lines.join("\n");
}

/**
 * Text for a terminal or a CI log, where config text must not act: control characters (an ESC
 * starts a terminal command) and bidirectional overrides (which reorder what a reviewer reads,
 * as in "Trojan Source") are shown as `\u{...}` escapes. Tabs stay. Excerpts are already safe
 * (source.ts keeps their columns).
 */
export function printable(text: string, keepLineBreaks = false): string {
  const escape = (c: string) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`;
  return keepLineBreaks ? text.replace(UNPRINTABLE_BUT_BREAKS, escape) : text.replace(UNPRINTABLE, escape);
}

const UNPRINTABLE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
// For GitHub workflow commands, whose own encoding carries line breaks (%0A, %0D).
const UNPRINTABLE_BUT_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** All diagnostics, a blank line apart, then a summary line ("2 errors, 1 warning"). */
export function formatDiagnostics(ds: readonly Diagnostic[]): string {
  const errors = ds.filter((d) => d.severity === "error").length;
  const warnings = ds.length - errors;
  const summary = `${plural(errors, "error")}, ${plural(warnings, "warning")}`;
  return [...ds.map(formatDiagnostic), summary].join("\n\n");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `--format` values for diagnostics: people, programs, GitHub Actions. */
export const DIAGNOSTIC_FORMATS = ["text", "json", "github"] as const;
export type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

/**
 * `{ "diagnostics": [ { file, line, column, code, severity, message, hint?, related? } ] }`, one
 * JSON document, for programs. The first six keys are contract; the rest may grow.
 */
export function formatDiagnosticsJson(ds: readonly Diagnostic[]): string {
  const diagnostics = ds.map((d) => ({
    file: d.position.file,
    line: d.position.line,
    column: d.position.column,
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.hint ? { hint: d.hint } : {}),
    ...(d.related?.length ? { related: d.related.map((p) => ({ file: p.file, line: p.line, column: p.column })) } : {}),
  }));
  return `${JSON.stringify({ diagnostics }, null, 2)}\n`;
}

/**
 * GitHub Actions workflow commands (`::error file=..,line=..,col=..,title=..::message`), which
 * the runner turns into annotations on the pull request's diff. The hint rides along on a
 * second line of the message. A problem that involves another file too (an IMAP/Exchange
 * conflict across files, a duplicate) is annotated in that file as well: a pull request may touch
 * only one of the two, and GitHub shows annotations only on the files it changed.
 */
export function formatDiagnosticsGithub(ds: readonly Diagnostic[]): string {
  const command = (d: Diagnostic, at: Diagnostic["position"], message: string) => {
    const properties = [`file=${escapeProperty(printable(at.file))}`, `line=${at.line}`, `col=${at.column}`, `title=${escapeProperty(`mailgate ${d.code}`)}`].join(",");
    return `::${d.severity} ${properties}::${escapeData(printable(message, true))}\n`;
  };
  return ds
    .map((d) => {
      const text = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
      const elsewhere = (d.related ?? []).filter(
        (r, i, all) => r.file !== d.position.file && all.findIndex((o) => o.file === r.file && o.line === r.line) === i,
      );
      const where = `${d.position.file}:${d.position.line}:${d.position.column}`;
      return [command(d, d.position, text), ...elsewhere.map((r) => command(d, r, `${d.message} (reported at ${where}; this is the other place involved)`))].join("");
    })
    .join("");
}

// The escapes the Actions runner decodes (actions/toolkit, command.ts): without them a message
// with a newline or "::" would end the command early or inject another one.
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
