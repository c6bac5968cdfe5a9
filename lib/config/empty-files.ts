import * as path from "node:path";
import type { Diagnostic } from "./diagnostic";
import { displayPath, findConfigFiles, readConfigFile } from "./files";
import { messages } from "./messages";
import { parseConfigFile } from "./parse";

/**
 * Lines a file with no YAML content can have: blank lines, comments, document markers,
 * directives and a bare null. A file with any other line has content, which is the loader's to
 * read; only the rest is read again here (the reader decides, this only skips the obvious).
 */
const CONTENTLESS_LINE = /^(?:[ \t]*(?:#.*)?|(?:---|\.\.\.)(?:[ \t].*)?|[ \t]*(?:~|null|Null|NULL)[ \t]*(?:#.*)?|%.*)$/;

/** A file of comments only is small; a bigger one has content, or is not a newcomer's mistake. */
const MAX_CANDIDATE_BYTES = 64 * 1024;

/**
 * EMPTY_FILE warnings for config files with no YAML content at all (nothing, only comments, a
 * bare `---` or `~`). The loader reads such a file as no value and passes over it, so a file whose
 * domains were all commented out, or never saved, would vanish from the config without a word.
 * (A file whose mapping declares nothing, `{}` or `domains: []`, is warned about where its
 * values are checked, values.ts.)
 *
 * This belongs in the loader, beside the reading it repeats; it lives here while the loader is
 * being rewritten, and costs one directory walk and a look at the first line of each file.
 */
export function emptyFileWarnings(configDir: string): Diagnostic[] {
  const found = findConfigFiles(configDir);
  if (!found) return [];
  const warnings: Diagnostic[] = [];
  for (const relative of found.files) {
    const read = readConfigFile(path.join(configDir, relative), MAX_CANDIDATE_BYTES);
    if (!("text" in read) || hasContentLine(read.text)) continue;
    const file = displayPath(configDir, relative);
    const parsed = parseConfigFile(file, read.text);
    if (parsed.ok && parsed.value === undefined && !parsed.diagnostics.some((d) => d.severity === "error")) {
      warnings.push({ ...messages.emptyFile(undefined), position: { file, line: 1, column: 1 } });
    }
  }
  return warnings;
}

/** Whether some line (split at "\n", a "\r" before it dropped) is not a contentless one; stops at the first. */
function hasContentLine(text: string): boolean {
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, newline > start && text[newline - 1] === "\r" ? newline - 1 : end);
    if (!CONTENTLESS_LINE.test(line)) return true;
    start = end + 1;
  }
  return false;
}
