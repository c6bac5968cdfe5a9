import type { CST, Document, Node, YAMLError } from "yaml";
import { yamlLib } from "./yaml-lib";
import type { Diagnostic } from "./diagnostic";
import { messages, type Problem } from "./messages";
import { CORE_SCHEMA, load as jsYamlLoad } from "js-yaml";
import { diagnosticAt, lineCounterOf, SourceFile } from "./source";

export interface ParsedFile {
  readonly source: SourceFile;
  /** YAML errors and warnings, each at its position. */
  readonly diagnostics: Diagnostic[];
  /** The plain value, when the YAML had no errors; undefined for an empty file. */
  readonly value?: unknown;
  /** False when the YAML has errors: its shape is not worth checking. */
  readonly ok: boolean;
  /** Problems found but not turned into diagnostics, beyond `YAML_LIMITS.maxReported`. */
  readonly omitted?: { readonly errors: number; readonly warnings: number };
}

/**
 * Limits on the YAML itself, so no file can exhaust the stack or the heap (docs/limits.md).
 * yaml has no depth limit of its own: its composer recurses once per level and overflows the
 * stack at ~800 levels. It catches that RangeError, but when the overflow happens inside V8's
 * regular-expression compiler the process aborts ("FATAL ERROR: RegExpCompiler Allocation
 * failed"), which no catch can stop: measured with 1,000 `[` followed by 50,000 `- `. So depth
 * is checked while the parser builds its syntax tree (iteratively, token by token), before the
 * composer ever recurses.
 */
export const YAML_LIMITS = {
  /** Nesting of collections. A config needs 6 (file > domains > entry > imap > incoming > port). */
  maxDepth: 64,
  /**
   * Values (scalars and collections) in a file: at most this many written out, and at most this
   * many more added by aliases (each use counts the whole value it repeats). A domain takes ~20
   * values and ~200 bytes, so 1 MiB of config has ~100,000. A "billion laughs" file of 9 anchors
   * of 9 aliases each would add 387 million, and 1 MiB of `[a,a,a,...]` has 500,000, each a
   * problem to report. Cost follows values, not bytes: ~50 us and ~3 KB of heap for a value with
   * a problem, parse and checks included.
   */
  maxValues: 120_000,
  /**
   * yaml's own alias check in `toJS` (uses x nested uses), kept as a second line of defence.
   * `inspect` bounds the expansion exactly; this only has to stay out of the way of legitimate
   * repetition (10,000 domains sharing `imap: *mail` is 10,000 uses).
   */
  maxAliasCount: 120_000,
  /** YAML errors and warnings reported per file; a binary-ish file can have one per character. */
  maxReported: 100,
} as const;

/** How many files took each path (for tests and benchmarks). */
export const parseStats = { fast: 0, slow: 0, lazy: 0 };

export function parseConfigFile(file: string, text: string): ParsedFile {
  const fast = fastValue(text);
  if (fast) {
    parseStats.fast++;
    // Positions come from the same YAML document as on the slow path, built on first use.
    const source = new SourceFile(file, text, () => {
      parseStats.lazy++;
      return slowDocument(text);
    });
    return { source, diagnostics: [], ...(fast.value !== undefined ? { value: fast.value } : {}), ok: true, omitted: { errors: 0, warnings: 0 } };
  }
  parseStats.slow++;
  return slowParse(file, text);
}

/** The document the slow path would build, for a file the fast path already read. */
function slowDocument(text: string): Document.Parsed {
  const tokens = parseTokens(text);
  return "stoppedAt" in tokens ? emptyDocument() : compose(tokens.tokens, text);
}

/**
 * The fast path: js-yaml (YAML 1.2 core schema, ~15x faster than building yaml's document with
 * positions) for "plain" files only, those `plainEnough` lets through and js-yaml reads without
 * an exception (a duplicate key throws). Everything else takes the slow path, which has the
 * hostile-input protections and reports every problem at its position. A differential property
 * test (__tests__/config/fast-path.property.test.ts) checks both paths give the same value.
 */
export function fastValue(text: string): { value: unknown } | undefined {
  if (!plainEnough(text)) return undefined;
  let value: unknown;
  try {
    value = jsYamlLoad(text, { schema: CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
  // The slow path counts lexemes against `maxValues`; stay well clear of the limit.
  if (countValues(value, FAST_MAX_VALUES) > FAST_MAX_VALUES) return undefined;
  return { value: value ?? undefined };
}

const FAST_MAX_VALUES = Math.floor(YAML_LIMITS.maxValues / 2);
const FAST_MAX_INDENT = 32;
const FAST_MAX_FLOW_DEPTH = 4;
/** yaml refuses implicit keys over 1,024 characters, js-yaml does not: keep lines well shorter. */
const FAST_MAX_LINE = 500;

/**
 * Cheap pre-scan for the fast path; when in doubt, no. Refused: anchors, aliases and tags (`&`,
 * `*`, `!`), directives and document markers, merge keys (`<<`), explicit and collection keys,
 * block scalars (`|`, `>`), escapes (`\`), tabs, carriage returns, control and other
 * non-printable or line-breaking characters, characters outside the BMP, `__proto__`, numbers
 * written in unusual ways (`FAST_REFUSED_NUMBER`), a line longer than `FAST_MAX_LINE` or
 * indented (spaces and `- `) more than `FAST_MAX_INDENT`, flow collections nested deeper than
 * `FAST_MAX_FLOW_DEPTH`. After js-yaml: a key "null", and more than `FAST_MAX_VALUES` values.
 */
export function plainEnough(text: string): boolean {
  if (FAST_REFUSED.test(text)) return false;
  if (FAST_REFUSED_LINE.test(text) || FAST_REFUSED_NUMBER.test(text)) return false;
  let flow = 0;
  let lineStart = true;
  let indent = 0;
  let lineFrom = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      indent = 0;
      lineFrom = i + 1;
      continue;
    }
    if (i - lineFrom >= FAST_MAX_LINE) return false;
    if (lineStart) {
      if (c === 32 || c === 45) {
        if (++indent > FAST_MAX_INDENT) return false;
        continue;
      }
      lineStart = false;
    }
    if (c === 91 || c === 123) {
      if (++flow > FAST_MAX_FLOW_DEPTH) return false;
    } else if (c === 93 || c === 125) {
      if (--flow < 0) return false;
    }
  }
  return true;
}

// eslint-disable-next-line no-control-regex
const FAST_REFUSED = /[&*!\\|>\t\r\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00A0\u2028\u2029\uFEFF\uD800-\uDFFF]|<<|__proto__|[\]}]\s*:|\?(\s|$)/;
// Directives, document markers, and a sequence entry with nothing on its line (js-yaml 4.3
// misplaces the entries after `-\n    - \n  - a`).
const FAST_REFUSED_LINE = /^(%|---|\.\.\.| *-[ -]*$)/m;
/**
 * Numbers written in ways where YAML libraries disagree: binary, octal, hex, leading zeros,
 * signs, a leading `.`, underscores, sexagesimal, exponents, `.inf` / `.nan` spellings, where a
 * scalar can start (a `:` too, for `a:1e5` in a flow collection). Only there: inside a word
 * (`sg-0ca716e7ef93a99e5`, a hex id with a digit-e-digit) no YAML schema sees a number, and
 * refusing those sent every real firewall file down the slow path.
 */
const FAST_REFUSED_NUMBER = /(^|[\s[{,:])([+-]?(0[box]|0\d|\.(inf|nan)|\.\d)|[+-][\d.]|[\d.]+(_|:\d|e[+-]?\d))/i;

/** Keys, values and collections in a plain value, counting stops past `limit`; Infinity for a key "null". */
function countValues(root: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0 && count <= limit) {
    const v = stack.pop();
    count++;
    if (Array.isArray(v)) for (const item of v) stack.push(item);
    else if (v !== null && typeof v === "object") {
      for (const key in v) {
        // A null key (`~:`, `: x`): yaml's toJS makes it "", js-yaml "null".
        if (key === "null") return Infinity;
        count++;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return count;
}

/** The slow path alone: yaml's document with positions, every protection, every diagnostic. */
export function slowParse(file: string, text: string): ParsedFile {
  const lineCounter = lineCounterOf(text);

  const tokens = parseTokens(text);
  if ("stoppedAt" in tokens) {
    const source = new SourceFile(file, text, emptyDocument(), lineCounter);
    const at = source.locate(tokens.stoppedAt, tokens.stoppedAt + 1);
    return { source, diagnostics: [diagnosticAt(tokens.problem, at)], ok: false };
  }
  const doc = compose(tokens.tokens, text);
  const source = new SourceFile(file, text, doc, lineCounter);
  const diagnostics = [
    ...doc.errors.slice(0, YAML_LIMITS.maxReported).map((e) => yamlDiagnostic(source, e, "error")),
    ...doc.warnings.slice(0, YAML_LIMITS.maxReported).map((e) => yamlDiagnostic(source, e, "warning")),
  ];
  const omitted = {
    errors: Math.max(0, doc.errors.length - YAML_LIMITS.maxReported),
    warnings: Math.max(0, doc.warnings.length - YAML_LIMITS.maxReported),
  };
  if (doc.errors.length > 0) return { source, diagnostics, ok: false, omitted };

  const { problems, omittedDuplicates } = inspect(source);
  omitted.errors += omittedDuplicates;
  for (const { problem, offset } of problems) {
    const [start, end] = offset;
    diagnostics.push(diagnosticAt(problem, source.locate(start, end)));
  }
  if (problems.some((p) => p.problem.severity === "error")) return { source, diagnostics, ok: false, omitted };
  try {
    return { source, diagnostics, value: doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount }) ?? undefined, ok: true, omitted };
  } catch (e) {
    // Not expected after `inspect`; yaml's own alias check stays as the last line of defence.
    const firstAlias = problemsOffset(source);
    diagnostics.push(diagnosticAt(messages.tooManyAliases(String((e as Error).message)), source.locate(firstAlias, firstAlias + 1)));
    return { source, diagnostics, ok: false, omitted };
  }
}

/** Lexemes that start a value: what `maxValues` counts before anything is built from them. */
const VALUE_LEXEMES: ReadonlySet<string | null> = new Set([
  "scalar",
  "single-quoted-scalar",
  "double-quoted-scalar",
  "block-scalar-header",
  "alias",
  "flow-seq-start",
  "flow-map-start",
]);

/**
 * The syntax tree, built token by token so that nesting and size are bounded before they cost
 * anything: the parser's own loop is iterative, and stops here at the first limit.
 */
function parseTokens(text: string): { tokens: CST.Token[] } | { stoppedAt: number; problem: Problem } {
  const parser = new (yamlLib().Parser)();
  const tokens: CST.Token[] = [];
  // The parser's stack holds the document, each open collection and the token in progress;
  // `inspect` checks the exact depth, this only has to stop the composer's recursion early.
  const maxStack = 2 * YAML_LIMITS.maxDepth;
  let values = 0;
  const here = () => Math.min(parser.offset, Math.max(0, text.length - 1));
  for (const lexeme of new (yamlLib().Lexer)().lex(text)) {
    if (VALUE_LEXEMES.has(yamlLib().CST.tokenType(lexeme)) && ++values > YAML_LIMITS.maxValues) {
      return { stoppedAt: here(), problem: messages.yamlTooManyValues(YAML_LIMITS.maxValues, false) };
    }
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > maxStack) return { stoppedAt: here(), problem: messages.yamlTooDeep(YAML_LIMITS.maxDepth) };
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens };
}

/**
 * What `parseDocument` does, from tokens already checked. Duplicate keys are found by `inspect`
 * in linear time: yaml's `uniqueKeys` compares each key with every earlier one, so a mapping of
 * 100,000 keys (one 1 MiB file) would take minutes.
 */
function compose(tokens: readonly CST.Token[], text: string): Document.Parsed {
  // The format is YAML 1.2 with the core schema, whatever a file's `%YAML` directive says: under
  // 1.1, `yes` would be true and `<<` would merge. YAML 1.1 tags (`!!binary` would make a Buffer,
  // `!!set` a Set) stay unresolved, a warning, and the value stays plain text or a collection.
  // logLevel "error": yaml would otherwise print process warnings (a mapping key that is a
  // collection) to stderr itself; such keys are unknown keys anyway, reported as diagnostics.
  const composer = new (yamlLib().Composer)({
    prettyErrors: false,
    uniqueKeys: false,
    logLevel: "error",
    version: "1.2",
    schema: "core",
    resolveKnownTags: false,
  });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new (yamlLib().YAMLParseError)([next.range[0], next.range[1]], "MULTIPLE_DOCS", "Source contains multiple documents; please use YAML.parseAllDocuments()"),
      );
      break;
    }
  }
  // compose(..., forceDoc = true) always yields a document.
  return doc as Document.Parsed;
}

function emptyDocument(): Document.Parsed {
  return compose([], "");
}

class Stop extends Error {}

interface LocatedProblem {
  readonly problem: Problem;
  readonly offset: readonly [number, number];
}

/**
 * Checks on the composed document before it becomes plain values: duplicate keys (by the key's
 * string form, which is what `toJS` would silently collapse: `1` and `"1"` too), aliases without
 * an anchor, aliases inside their own anchor (a value that never ends), nesting and size after
 * alias expansion. Each node's expanded size and height is computed once, so this is linear in
 * the file even for a "billion laughs" bomb; the walk stops at the first limit it meets.
 */
function inspect(source: SourceFile): { problems: LocatedProblem[]; omittedDuplicates: number } {
  const problems: LocatedProblem[] = [];
  let omittedDuplicates = 0;
  const rangeOf = (node: unknown): [number, number] => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? [range[0], Math.max(range[0] + 1, range[1])] : [0, 1];
  };

  // Duplicate keys, per mapping, in linear time.
  const maps: Node[] = [];
  let literal = 0;
  const collect = (node: unknown): void => {
    if (node === null || node === undefined) return;
    literal++;
    if (yamlLib().isMap(node)) maps.push(node);
    if (yamlLib().isMap(node) || yamlLib().isSeq(node)) {
      for (const item of node.items) {
        if (yamlLib().isPair(item)) {
          collect(item.key);
          collect(item.value);
        } else collect(item);
      }
    }
  };
  collect(source.doc.contents);
  for (const map of maps) {
    if (!yamlLib().isMap(map)) continue;
    const seen = new Set<string>();
    for (const pair of map.items) {
      if (!yamlLib().isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (seen.has(key)) {
        if (problems.length < YAML_LIMITS.maxReported) {
          problems.push({ problem: messages.duplicateKey(shorten(source.text.slice(...rangeOf(pair.key)))), offset: rangeOf(pair.key) });
        } else omittedDuplicates++;
      }
      seen.add(key);
    }
  }

  // Aliases: expanded size and height, memoised per node; `undefined` while in progress.
  const measured = new Map<unknown, { size: number; height: number } | undefined>();
  let firstAlias: unknown;
  const stop = (problem: Problem, at: unknown): never => {
    problems.push({ problem, offset: rangeOf(at) });
    throw new Stop();
  };
  /** `via`: the outermost alias on the way here, where an expansion problem is reported. */
  const measure = (node: unknown, level: number, via: unknown): { size: number; height: number } => {
    if (yamlLib().isAlias(node)) {
      const target = source.resolveAlias(node);
      if (target === undefined) return stop(messages.yamlUnresolvedAlias(node.source), node);
      if (measured.has(target) && measured.get(target) === undefined) return stop(messages.yamlAliasCycle(node.source), node);
      firstAlias ??= node;
      const result = measure(target, level, via ?? node);
      if (result.size > YAML_LIMITS.maxValues) stop(messages.yamlTooManyValues(YAML_LIMITS.maxValues, true), via ?? node);
      return result;
    }
    if (level > YAML_LIMITS.maxDepth) return stop(messages.yamlTooDeep(YAML_LIMITS.maxDepth), via ?? node);
    const known = measured.get(node);
    if (known) {
      if (level + known.height - 1 > YAML_LIMITS.maxDepth) stop(messages.yamlTooDeep(YAML_LIMITS.maxDepth), via ?? node);
      return known;
    }
    if (!yamlLib().isMap(node) && !yamlLib().isSeq(node)) return { size: 1, height: 1 };
    measured.set(node, undefined);
    let size = 1;
    let height = 1;
    for (const item of node.items) {
      for (const child of yamlLib().isPair(item) ? [item.key, item.value] : [item]) {
        if (child === null || child === undefined) continue;
        const m = measure(child, level + 1, via);
        size = Math.min(size + m.size, Number.MAX_SAFE_INTEGER);
        height = Math.max(height, m.height + 1);
      }
    }
    const result = { size, height };
    measured.set(node, result);
    return result;
  };
  try {
    const root = measure(source.doc.contents, 1, undefined);
    // Many aliases, each small: the sum is what toJS would build and every later check walk.
    if (root.size - literal > YAML_LIMITS.maxValues) stop(messages.yamlTooManyValues(YAML_LIMITS.maxValues, true), firstAlias);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return { problems, omittedDuplicates };
}

/** Where to report a problem yaml found with aliases: the first alias in the file. */
function problemsOffset(source: SourceFile): number {
  const match = /(^|[\s[{,:])\*[^\s,\]}]/m.exec(source.text);
  return match ? match.index + match[1].length : 0;
}

function yamlDiagnostic(source: SourceFile, e: YAMLError, severity: "error" | "warning"): Diagnostic {
  const [start, end] = e.pos;
  // yaml's messages end without a period and never contain positions when prettyErrors is off.
  // Some quote the offending source ("Not a YAML token: ..."), which may be a whole line.
  return diagnosticAt(messages.yamlProblem(severity, shorten(e.message.replace(/\.$/, ""))), source.locate(start, end));
}

/** Source text quoted in a message: one line's worth at most. */
function shorten(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
