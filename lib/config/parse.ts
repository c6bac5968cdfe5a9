import { LineCounter, parseDocument, visit, type YAMLError } from "yaml";
import type { Diagnostic } from "./diagnostic";
import { messages } from "./messages";
import { diagnosticAt, SourceFile } from "./source";

export interface ParsedFile {
  readonly source: SourceFile;
  /** YAML errors and warnings, each at its position. */
  readonly diagnostics: Diagnostic[];
  /** The plain value, when the YAML had no errors; undefined for an empty file. */
  readonly value?: unknown;
  /** False when the YAML has errors: its shape is not worth checking. */
  readonly ok: boolean;
}

/** Aliases are allowed (for repeated settings) but bounded, against "billion laughs" files. */
const MAX_ALIAS_COUNT = 100;

export function parseConfigFile(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const source = new SourceFile(file, text, doc, lineCounter);
  const diagnostics = [
    ...doc.errors.map((e) => yamlDiagnostic(source, e, "error")),
    ...doc.warnings.map((e) => yamlDiagnostic(source, e, "warning")),
  ];
  if (doc.errors.length > 0) return { source, diagnostics, ok: false };
  try {
    return { source, diagnostics, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? undefined, ok: true };
  } catch (e) {
    diagnostics.push(diagnosticAt(messages.tooManyAliases(String((e as Error).message)), source.locate(0, 1)));
    return { source, diagnostics, ok: false };
  }
}

function yamlDiagnostic(source: SourceFile, e: YAMLError, severity: "error" | "warning"): Diagnostic {
  const [start, end] = e.pos;
  if (e.code === "DUPLICATE_KEY") {
    const [keyStart, keyEnd] = keyRangeAt(source, start) ?? [start, end];
    return diagnosticAt(messages.duplicateKey(source.text.slice(keyStart, keyEnd)), source.locate(keyStart, keyEnd));
  }
  // yaml's messages end without a period and never contain positions when prettyErrors is off.
  return diagnosticAt(messages.yamlProblem(severity, e.message.replace(/\.$/, "")), source.locate(start, end));
}

/** The duplicate key's span: yaml reports only its first character. */
function keyRangeAt(source: SourceFile, offset: number): [number, number] | undefined {
  let found: [number, number] | undefined;
  visit(source.doc, {
    Pair(_, pair) {
      const range = (pair.key as { range?: [number, number, number] } | null)?.range;
      if (range && range[0] === offset) {
        found = [range[0], range[1]];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
