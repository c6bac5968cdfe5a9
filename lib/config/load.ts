import * as path from "node:path";
import type { Config } from "../model/config";
import { buildConfig } from "./build";
import { checkAcrossFiles } from "./cross-file";
import { compareDiagnostics, hasErrors, type Diagnostic } from "./diagnostic";
import type { FileFacts } from "./facts";
import { displayPath, findConfigFiles, readConfigFile } from "./files";
import { messages } from "./messages";
import { parseConfigFile } from "./parse";
import { checkShape } from "./shape";
import { checkValues } from "./values";

export interface LoadResult {
  /** Present if and only if there are no error-severity diagnostics. */
  readonly config?: Config;
  /** Every problem in every file, sorted with `compareDiagnostics`. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads every config file under `configDir` and validates it, reporting all problems at once.
 * Never throws for a config problem. `configDir` is kept as given (relative or absolute) in
 * diagnostic positions, so messages show the path the user typed.
 */
export function loadConfig(configDir: string): LoadResult {
  const dirPosition = { file: configDir.split(path.sep).join("/"), line: 1, column: 1 };
  const files = findConfigFiles(configDir);
  if (files === undefined) return { diagnostics: [{ ...messages.configDirMissing(configDir), position: dirPosition }] };
  if (files.length === 0) return { diagnostics: [{ ...messages.noConfigFiles(configDir), position: dirPosition }] };

  const diagnostics: Diagnostic[] = [];
  const facts: FileFacts[] = [];
  let complete = true;
  for (const relative of files) {
    const file = displayPath(configDir, relative);
    const read = readConfigFile(path.join(configDir, relative));
    if ("reason" in read) {
      diagnostics.push({ ...messages.fileUnreadable(read.reason), position: { file, line: 1, column: 1 } });
      complete = false;
      continue;
    }
    const parsed = parseConfigFile(file, read.text);
    diagnostics.push(...parsed.diagnostics);
    // Shape errors in a file whose YAML is broken would only be noise.
    if (!parsed.ok) complete = false;
    if (!parsed.ok || parsed.value === undefined) continue;
    diagnostics.push(...checkShape(parsed.source, parsed.value));
    const values = checkValues(parsed.source, parsed.value);
    diagnostics.push(...values.diagnostics);
    facts.push(values.facts);
  }
  diagnostics.push(...checkAcrossFiles(facts, complete));
  diagnostics.sort(compareDiagnostics);
  if (hasErrors(diagnostics)) return { diagnostics };
  return { config: buildConfig(facts), diagnostics };
}
