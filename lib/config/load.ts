import * as path from "node:path";
import type { Config } from "../model/config";
import { buildConfig } from "./build";
import { checkAcrossFiles } from "./cross-file";
import { compareDiagnostics, hasErrors, type Diagnostic, type SourcePosition } from "./diagnostic";
import type { FileFacts } from "./facts";
import { bytePosition, displayPath, findConfigFiles, LIMITS, readConfigFile, type ReadProblem } from "./files";
import { messages, type Problem } from "./messages";
import { parseConfigFiles, type ConfigText } from "./parse";
import { checkShapeOnce } from "./shape-verdicts";
import { comparePositions, diagnosticAt, excerpt } from "./source";
import { checkValues } from "./values";

/** Diagnostics shown per file; the rest are counted in one TOO_MANY_PROBLEMS diagnostic. */
export const MAX_PROBLEMS_PER_FILE = 100;

export interface LoadResult {
  /** Present if and only if there are no error-severity diagnostics. */
  readonly config?: Config;
  /** Every problem in every file, sorted with `compareDiagnostics`. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads every config file under `configDir` and validates it, reporting all problems at once
 * (up to `MAX_PROBLEMS_PER_FILE` per file). Never throws for a config problem, however hostile
 * the files: oversized, binary, deeply nested or alias-bombed files each become a located
 * diagnostic (limits in `files.ts` and `parse.ts`). `configDir` is kept as given (relative or
 * absolute) in diagnostic positions, so messages show the path the user typed.
 */
export function loadConfig(configDir: string): LoadResult {
  const dirPosition = { file: configDir.split(path.sep).join("/"), line: 1, column: 1 };
  const found = findConfigFiles(configDir);
  if (found === undefined) return { diagnostics: [{ ...messages.configDirMissing(configDir), position: dirPosition }] };

  const diagnostics = new FileDiagnostics();
  const at = (relative: string): SourcePosition => ({ file: displayPath(configDir, relative), line: 1, column: 1 });
  for (const { relative, reason } of found.unreadable) diagnostics.add({ ...messages.directoryUnreadable(reason), position: at(relative) });
  for (const { relative, reason } of found.skipped) diagnostics.add({ ...messages.fileSkipped(reason), position: at(relative) });
  if (found.files.length === 0) {
    diagnostics.add({ ...messages.noConfigFiles(configDir), position: dirPosition });
    return { diagnostics: diagnostics.all() };
  }

  const facts: FileFacts[] = [];
  let complete = found.unreadable.length === 0;
  let total = 0;
  // Every file is read, and the total size checked, before any is parsed.
  const texts: ConfigText[] = [];
  for (const relative of found.files) {
    const file = displayPath(configDir, relative);
    const read = readConfigFile(path.join(configDir, relative));
    if (!("text" in read)) {
      diagnostics.add(readProblem(file, read));
      complete = false;
      continue;
    }
    total += read.size;
    if (total > LIMITS.maxTotalBytes) {
      diagnostics.add({ ...messages.configTooLarge(total, LIMITS.maxTotalBytes), position: { file, line: 1, column: 1 } });
      complete = false;
      break;
    }
    texts.push({ file, text: read.text });
  }
  for (const parsed of parseConfigFiles(texts)) {
    const file = parsed.source.file;
    diagnostics.addAll(parsed.diagnostics);
    if (parsed.omitted) diagnostics.omit(file, parsed.omitted.errors, parsed.omitted.warnings);
    // Shape errors in a file whose YAML is broken would only be noise.
    if (!parsed.ok) complete = false;
    if (!parsed.ok || parsed.value === undefined) continue;
    diagnostics.addAll(checkShapeOnce(parsed.source, parsed.value));
    const values = checkValues(parsed.source, parsed.value);
    diagnostics.addAll(values.diagnostics);
    facts.push(values.facts);
    // Keep memory bounded by what is shown, not by what a hostile file can provoke.
    diagnostics.cap(file);
  }
  diagnostics.addAll(checkAcrossFiles(facts, complete));
  const all = diagnostics.all();
  if (hasErrors(all)) return { diagnostics: all };
  return { config: buildConfig(facts), diagnostics: all };
}

function readProblem(file: string, problem: ReadProblem): Diagnostic {
  const start = { file, line: 1, column: 1 };
  const atStart = (p: Problem): Diagnostic => ({ ...p, position: start });
  switch (problem.kind) {
    case "unreadable":
      return atStart(messages.fileUnreadable(problem.reason));
    case "not-regular":
      return atStart(messages.fileSkipped({ kind: "not-regular", what: problem.what }));
    case "too-large":
      return atStart(messages.fileTooLarge(problem.size, problem.limit));
    case "utf16":
      return atStart(messages.utf16File(problem.littleEndian));
    case "binary":
    case "not-utf8": {
      const { line, column, lineText } = bytePosition(problem.bytes, problem.offset);
      const p = problem.kind === "binary" ? messages.binaryFile(problem.offset) : messages.notUtf8(problem.offset, problem.bytes[problem.offset] ?? 0);
      return diagnosticAt(p, { position: { file, line, column }, excerpt: excerpt(lineText, column, 1) });
    }
  }
}

/**
 * Diagnostics per file, at most `MAX_PROBLEMS_PER_FILE` shown for each (the first by position),
 * the rest counted. A 1 MiB file of nonsense can provoke half a million problems; nobody reads
 * them, and holding them all would cost hundreds of megabytes.
 */
class FileDiagnostics {
  private readonly byFile = new Map<string, Diagnostic[]>();
  private readonly hidden = new Map<string, { errors: number; warnings: number; first?: SourcePosition }>();

  add(d: Diagnostic): void {
    const list = this.byFile.get(d.position.file);
    if (list) list.push(d);
    else this.byFile.set(d.position.file, [d]);
  }

  // A loop, not push(...list): spreading 100,000 arguments overflows the stack.
  addAll(ds: readonly Diagnostic[]): void {
    for (const d of ds) this.add(d);
  }

  /** Problems known only by count (the YAML parser's, beyond what it turned into diagnostics). */
  omit(file: string, errors: number, warnings: number): void {
    if (errors + warnings === 0) return;
    const h = this.hiddenOf(file);
    h.errors += errors;
    h.warnings += warnings;
  }

  cap(file: string): void {
    const list = this.byFile.get(file);
    if (!list || list.length <= MAX_PROBLEMS_PER_FILE) return;
    list.sort(compareDiagnostics);
    const h = this.hiddenOf(file);
    for (const d of list.splice(MAX_PROBLEMS_PER_FILE)) {
      if (d.severity === "error") h.errors++;
      else h.warnings++;
      if (!h.first || comparePositions(d.position, h.first) < 0) h.first = d.position;
    }
  }

  all(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const file of this.byFile.keys()) this.cap(file);
    for (const [file, list] of this.byFile) {
      for (const d of list) out.push(d);
      const h = this.hidden.get(file);
      if (h && h.errors + h.warnings > 0) {
        const last = list[list.length - 1]?.position ?? { file, line: 1, column: 1 };
        out.push({ ...messages.tooManyProblems(h.errors, h.warnings, list.length), position: h.first ?? last });
      }
    }
    for (const [file, h] of this.hidden) {
      if (!this.byFile.has(file) && h.errors + h.warnings > 0) {
        out.push({ ...messages.tooManyProblems(h.errors, h.warnings, 0), position: h.first ?? { file, line: 1, column: 1 } });
      }
    }
    return out.sort(compareDiagnostics);
  }

  private hiddenOf(file: string): { errors: number; warnings: number; first?: SourcePosition } {
    let h = this.hidden.get(file);
    if (!h) this.hidden.set(file, (h = { errors: 0, warnings: 0 }));
    return h;
  }
}
