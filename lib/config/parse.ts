import type { Diagnostic } from "./diagnostic";
import { readYamlIndexed, YAML_LIMITS, type IndexedYamlReading } from "./read-yaml";
import { cachedReading } from "./reading-cache";
import { SourceFile } from "./source";

export { YAML_LIMITS };

export interface ParsedFile {
  readonly source: SourceFile;
  /** YAML errors, each at its position. */
  readonly diagnostics: Diagnostic[];
  /** The plain value, when the YAML had no errors; undefined for an empty file. */
  readonly value?: unknown;
  /** False when the YAML has errors: its shape is not worth checking. */
  readonly ok: boolean;
  /** Problems found but not turned into diagnostics, beyond `YAML_LIMITS.maxReported`. */
  readonly omitted?: { readonly errors: number; readonly warnings: number };
}

/** A config file's path as shown to the user, and its text. */
export interface ConfigText {
  readonly file: string;
  readonly text: string;
}

/**
 * One config file, read by `readYaml` (read-yaml.ts) like every other, with its positions. An
 * unchanged file's clean reading comes from the reading cache (reading-cache.ts): the same
 * reader's result for the same bytes.
 */
export function parseConfigFile(file: string, text: string): ParsedFile {
  return parsedFile(file, text, cachedReading(text, () => readYamlIndexed(text, file)));
}

function parsedFile(file: string, text: string, reading: IndexedYamlReading): ParsedFile {
  const source = new SourceFile(file, text, reading.positions, reading.lineStarts);
  if (!("value" in reading)) return { source, diagnostics: reading.diagnostics, ok: false, omitted: reading.omitted };
  // A file of only comments (or `~`) declares nothing: there is no mapping to check.
  return { source, diagnostics: reading.diagnostics, ...(reading.value !== null ? { value: reading.value } : {}), ok: true, omitted: reading.omitted };
}

/** The files of a config, parsed in order, each exactly as `parseConfigFile` would. */
export function* parseConfigFiles(inputs: readonly ConfigText[]): Generator<ParsedFile, void, undefined> {
  for (const { file, text } of inputs) yield parseConfigFile(file, text);
}
