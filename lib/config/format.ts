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
  const lines = [`${formatPosition(d.position)}: ${d.severity} ${d.code}: ${d.message}`];
  if (d.excerpt) {
    const { lineText, column, length } = d.excerpt;
    const number = String(d.position.line);
    const width = Math.max(GUTTER, number.length);
    // Copy tabs from the source line so the carets line up however the terminal shows them.
    const indent = lineText.slice(0, column - 1).replace(/[^\t]/g, " ");
    lines.push(`${number.padStart(width)} | ${lineText}`.trimEnd());
    lines.push(`${" ".repeat(width)} | ${indent}${"^".repeat(length)}`);
  }
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  for (const related of d.related ?? []) lines.push(`  see also: ${formatPosition(related)}`);
  return lines.join("\n");
}

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
