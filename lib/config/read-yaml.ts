// How config text becomes a value: one reading, by the `yaml` library (YAML 1.2, core schema),
// for every file. There is no second parser and no pre-scan choosing between semantics, so a
// line means the same whatever else the file holds, and it means what editors and reviewers
// (who use the same library through yaml-language-server) see.
// One file of ~550 lines because it is one pass: the limits, the parse, the single walk that
// checks and indexes every node, and the conversion share the tokens and the document; split,
// each part would have to re-walk or hand the document around.
import type { CST, Document, Node, YAMLError } from "yaml";
import type { Diagnostic } from "./diagnostic";
import { LIMITS } from "./files";
import { messages, type Problem } from "./messages";
import { diagnosticAt, EDGE_FIELDS, EMPTY_INDEX, lineOf, lineStartsOf, locate, NODE_FIELDS, NodeKind, type PositionIndex } from "./source";

/**
 * The yaml library, loaded on the first reading: a run whose files all come from the reading
 * cache (reading-cache.ts) never loads its ~70 modules.
 */
let library: typeof import("yaml") | undefined;
function yaml(): typeof import("yaml") {
  return (library ??= require("yaml") as typeof import("yaml"));
}

/**
 * Limits on the YAML itself, so no file can exhaust the stack or the heap (README, Limits).
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
  /** YAML errors reported per file; a binary-ish file can have one per character. */
  maxReported: 100,
} as const;

/** The contract (DESIGN.md): `value` is present exactly when there is no error; every error has a line. */
export interface YamlReading {
  /** The file's value (null for a file with no content); absent when there is an error. */
  readonly value?: unknown;
  readonly diagnostics: Diagnostic[];
}

/** A reading with what the loader needs besides: where each value is, and what was not reported. */
export interface IndexedYamlReading extends YamlReading {
  /** Where each node of the value is; empty when the file was not read to the end. */
  readonly positions: PositionIndex;
  /** Line starts of the text (see `lineStartsOf`), for locating diagnostics. */
  readonly lineStarts: Int32Array;
  /** Problems found beyond `YAML_LIMITS.maxReported`, only counted. */
  readonly omitted: { readonly errors: number; readonly warnings: number };
}

/** The one function through which config text becomes a value (DESIGN.md). */
export function readYaml(text: string, file: string): YamlReading {
  const reading = readYamlIndexed(text, file);
  return "value" in reading ? { value: reading.value, diagnostics: reading.diagnostics } : { diagnostics: reading.diagnostics };
}

/**
 * `readYaml`, keeping what diagnostics found later need: positions of every node, as plain
 * numbers (no YAML document outlives the reading), and the count of problems not reported.
 */
export function readYamlIndexed(text: string, file: string): IndexedYamlReading {
  const lineStarts = lineStartsOf(text);
  const at = (problem: Problem, start: number, end = start + 1): Diagnostic => diagnosticAt(problem, locate(file, text, lineStarts, start, end));
  const refused = (diagnostics: Diagnostic[], omitted = { errors: 0, warnings: 0 }): IndexedYamlReading => ({
    diagnostics,
    positions: EMPTY_INDEX,
    lineStarts,
    omitted,
  });

  // The size limit holds for text read any way, not only from a file (files.ts checks it
  // before reading one).
  if (text.length > LIMITS.maxFileBytes / 3) {
    const size = Buffer.byteLength(text, "utf8");
    if (size > LIMITS.maxFileBytes) return refused([at(messages.fileTooLarge(size, LIMITS.maxFileBytes), 0)]);
  }
  const characters = characterProblems(text);
  if (characters.length > 0) {
    const shown = characters.slice(0, YAML_LIMITS.maxReported);
    return refused(
      shown.map((p) => at(p.problem, p.start, p.end)),
      { errors: characters.length - shown.length, warnings: 0 },
    );
  }

  const composed = composeText(text);
  if ("problem" in composed) return refused([at(composed.problem, composed.start, composed.end)]);
  const doc = composed.doc;

  // Every problem yaml finds is an error, its warnings too (a tag it cannot resolve, a flow
  // collection's end less indented than it should be): a config that needs YAML's leniency
  // to be read at all is one whose meaning a reviewer would have to guess.
  const problems = yamlProblems(doc, text, lineStarts);
  if (problems.length > 0) {
    const shown = problems.slice(0, YAML_LIMITS.maxReported);
    return refused(
      shown.map((p) => at(p.problem, p.start, p.end)),
      { errors: problems.length - shown.length, warnings: 0 },
    );
  }

  const inspected = inspect(doc, text);
  if (inspected.problems.length > 0) {
    return refused(
      inspected.problems.map((p) => at(p.problem, p.start, p.end)),
      { errors: inspected.omitted, warnings: 0 },
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
  } catch (e) {
    // Not expected after `inspect`; yaml's own alias check stays as the last line of defence.
    const alias = inspected.firstAlias ?? 0;
    return refused([at(messages.tooManyAliases(String((e as Error).message)), alias)]);
  }
  return { value: value === undefined ? null : value, diagnostics: [], positions: inspected.positions, lineStarts, omitted: { errors: 0, warnings: 0 } };
}

/**
 * Characters YAML does not allow in a stream (1.2, 5.1: C0 controls but tab and line breaks,
 * DEL, C1 controls but NEL, lone surrogates, U+FFFE, U+FFFF), a byte-order mark anywhere but at
 * the start, and a carriage return not followed by a line feed: YAML 1.2 breaks the line there,
 * the yaml library does not (it reads `[1,\r2]` as `[1, "\r2"]`), so such a file could not be read
 * as YAML says. The first such character of each line is a problem.
 */
const NOT_IN_YAML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFFFE\uFFFF]|\r(?!\n)|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|(?<!^)\uFEFF/g;

function characterProblems(text: string): OffsetProblem[] {
  NOT_IN_YAML.lastIndex = 0;
  if (!NOT_IN_YAML.test(text)) return [];
  const problems: OffsetProblem[] = [];
  let lastLine = -2;
  NOT_IN_YAML.lastIndex = 0;
  for (let match = NOT_IN_YAML.exec(text); match; match = NOT_IN_YAML.exec(text)) {
    const start = match.index;
    const line = text.lastIndexOf("\n", start - 1);
    if (line === lastLine) continue;
    lastLine = line;
    problems.push({ problem: messages.yamlForbiddenCharacter(text.charCodeAt(start)), start, end: start + 1 });
  }
  return problems;
}

/**
 * The document, or the problem that stopped the parse. The syntax tree (as big as the document
 * itself) is dropped on return: the checks and the conversion that follow allocate a lot, and a
 * garbage collection among them should not have to trace a tree nothing will read again.
 */
function composeText(text: string): { doc: Document.Parsed } | OffsetProblem {
  const tokens = withPlainEnv(() => parseTokens(text));
  if ("stoppedAt" in tokens) return { problem: tokens.problem, start: tokens.stoppedAt, end: tokens.stoppedAt + 1 };
  const repeated = repeatedDirective(tokens.tokens);
  if (repeated) return { problem: messages.yamlRepeatedDirective(shorten(repeated.source.trim())), start: repeated.offset, end: repeated.offset + repeated.source.length };
  return { doc: compose(tokens.tokens, text.length) };
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
  const { CST, Lexer, Parser } = yaml();
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  // The parser's stack holds the document, each open collection and the token in progress;
  // `inspect` checks the exact depth, this only has to stop the composer's recursion early.
  const maxStack = 2 * YAML_LIMITS.maxDepth;
  let values = 0;
  const here = () => Math.min(parser.offset, Math.max(0, text.length - 1));
  for (const lexeme of new Lexer().lex(text)) {
    if (VALUE_LEXEMES.has(CST.tokenType(lexeme)) && ++values > YAML_LIMITS.maxValues) {
      return { stoppedAt: here(), problem: messages.yamlTooManyValues(YAML_LIMITS.maxValues, false) };
    }
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > maxStack) return { stoppedAt: here(), problem: messages.yamlTooDeep(YAML_LIMITS.maxDepth) };
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens };
}

/**
 * yaml's parser reads `process.env.LOG_TOKENS` (a debugging switch) for every token, and each
 * read of Node's `process.env` is a call into the C++ environment: a tenth of the parse of a
 * big file. While the parser runs (synchronously: no other code runs meanwhile), `process.env`
 * is a plain copy with the same contents.
 */
function withPlainEnv<T>(parse: () => T): T {
  const env = process.env;
  process.env = { ...env };
  try {
    return parse();
  } finally {
    process.env = env;
  }
}

/**
 * A `%YAML` directive, or a `%TAG` directive for the same handle, given twice before one
 * document: an error in YAML 1.2 (6.8.1, 6.8.2) that yaml lets pass, the later one winning.
 */
function repeatedDirective(tokens: readonly CST.Token[]): CST.Directive | undefined {
  let seen = new Set<string>();
  for (const token of tokens) {
    if (token.type === "document") seen = new Set();
    if (token.type !== "directive") continue;
    const [name, handle] = token.source.trim().split(/[ \t]+/);
    const key = name === "%TAG" ? `${name} ${handle}` : name;
    if (name !== "%YAML" && name !== "%TAG") continue;
    if (seen.has(key)) return token;
    seen.add(key);
  }
  return undefined;
}

/**
 * What `parseDocument` does, from tokens already checked. Duplicate keys are found by `inspect`
 * in linear time: yaml's `uniqueKeys` compares each key with every earlier one, so a mapping of
 * 100,000 keys (one 1 MiB file) would take minutes.
 */
function compose(tokens: readonly CST.Token[], length: number): Document.Parsed {
  // The format is YAML 1.2 with the core schema, whatever a file's `%YAML` directive says: under
  // 1.1, `yes` would be true and `<<` would merge. YAML 1.1 tags (`!!binary` would make a Buffer,
  // `!!set` a Set) stay unresolved, which is an error (see `yamlProblems`).
  // logLevel "error": yaml would otherwise print process warnings (a mapping key that is a
  // collection) to stderr itself; `inspect` refuses such keys.
  const { Composer, YAMLParseError } = yaml();
  const composer = new Composer({
    prettyErrors: false,
    uniqueKeys: false,
    logLevel: "error",
    version: "1.2",
    schema: "core",
    resolveKnownTags: false,
  });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[0] + 1], "MULTIPLE_DOCS", ""));
      break;
    }
  }
  // compose(..., forceDoc = true) always yields a document.
  return doc as Document.Parsed;
}

interface OffsetProblem {
  readonly problem: Problem;
  readonly start: number;
  readonly end: number;
}

/**
 * yaml's errors and warnings, in file order, as problems: the first on each line (the others on
 * a line are the parser losing its way after the first). A tab in the indentation of a line
 * makes the parser misread the lines after it too: the tab is then the one problem reported,
 * once per line that has one, with the fix; the follow-on errors would only send the reader
 * after problems that are not there.
 */
function yamlProblems(doc: Document.Parsed, text: string, lineStarts: Int32Array): OffsetProblem[] {
  const all: YAMLError[] = [...doc.errors, ...doc.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
  if (all.length === 0) return [];
  const tabs: OffsetProblem[] = [];
  const lines = new Set<number>();
  const firstPerLine: OffsetProblem[] = [];
  for (const e of all) {
    const [start, end] = e.pos;
    const line = lineOf(lineStarts, start);
    if (lines.has(line)) continue;
    lines.add(line);
    const tab = tabInIndentation(text, lineStarts[line]);
    if (tab !== undefined || e.code === "TAB_AS_INDENT") {
      const at = tab ?? start;
      tabs.push({ problem: messages.yamlTabIndent(), start: at, end: at + 1 });
    }
    firstPerLine.push({ problem: yamlErrorProblem(e, text), start, end: Math.max(end, start + 1) });
  }
  return tabs.length > 0 ? tabs : firstPerLine;
}

/**
 * The first tab in a line's indentation: the blanks before its content, and the `- `, `? `
 * and `: ` indicators among them (a tab may separate an indicator from a scalar, but then the
 * line's other problems are still the tab's doing).
 */
function tabInIndentation(text: string, lineStart: number): number | undefined {
  for (let i = lineStart; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 9) return i;
    if (c === 32) continue;
    // `-`, `?`, `:` count as indentation only when a blank follows.
    const next = text.charCodeAt(i + 1);
    if ((c === 45 || c === 63 || c === 58) && (next === 32 || next === 9)) continue;
    return undefined;
  }
  return undefined;
}

function yamlErrorProblem(e: YAMLError, text: string): Problem {
  switch (e.code) {
    case "MULTIPLE_DOCS":
      return messages.yamlMultipleDocuments();
    case "TAG_RESOLVE_FAILED":
    case "BAD_COLLECTION_TYPE": {
      const tag = /^[^\s,[\]{}]*/.exec(text.slice(e.pos[0], e.pos[0] + 100))?.[0] ?? "";
      return messages.yamlTag(tag.startsWith("!") ? tag : "", shorten(e.message));
    }
    default:
      // yaml's messages end without a period and never contain positions when prettyErrors is
      // off. Some quote the offending source ("Not a YAML token: ..."), which may be a whole line.
      return messages.yamlProblem("error", shorten(e.message.replace(/\.$/, "")));
  }
}


class Stop extends Error {}

interface Inspection {
  readonly problems: OffsetProblem[];
  readonly omitted: number;
  /** Where each node is: built by the same walk, used when there are no problems. */
  readonly positions: PositionIndex;
  /** Offset of the first alias, where yaml's own alias check is reported. */
  readonly firstAlias?: number;
}

/**
 * One walk over the composed document, before it becomes plain values: the position index,
 * and the checks `toJS` would otherwise pass over silently. Keys that are collections (`toJS`
 * would make them text nobody wrote) or empty; duplicate keys, by the key's string form (what
 * `toJS` would collapse: `1` and `"1"` too); nesting deeper than the limit. Then, only if the
 * file has aliases: aliases without an anchor, aliases inside their own anchor (a value that
 * never ends), nesting and size after alias expansion, each node's expanded size and height
 * computed once, so this stays linear even for a "billion laughs" bomb.
 */
function inspect(doc: Document.Parsed, text: string): Inspection {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  const problems: OffsetProblem[] = [];
  let omitted = 0;
  const report = (problem: Problem, node: unknown): void => {
    if (problems.length >= YAML_LIMITS.maxReported) {
      omitted++;
      return;
    }
    const [start, end] = rangeOf(node);
    problems.push({ problem, start, end });
  };

  const nodes: number[] = [];
  const edges: number[] = [];
  const keys: string[] = [];
  // Anchors in document order: an alias means the last node with its name before it.
  const anchorIndex = new Map<string, number>();
  const anchorNode = new Map<string, Node>();
  const targets = new Map<Node, Node | undefined>();
  let literal = 0;
  let tooDeep: unknown;
  // Recursion is safe: the parser's stack was bounded while the tokens were read.
  const add = (node: unknown, level: number): number => {
    if (node === null || node === undefined) return -1;
    literal++;
    if (level > YAML_LIMITS.maxDepth) tooDeep ??= node;
    const index = nodes.length / NODE_FIELDS;
    const range = (node as { range?: [number, number, number] }).range ?? [0, 0, 0];
    if (isAlias(node)) {
      targets.set(node, anchorNode.get(node.source));
      nodes.push(range[0], range[1], NodeKind.alias, anchorIndex.get(node.source) ?? -1, 0);
      return index;
    }
    const anchor = (node as Node).anchor;
    if (anchor) {
      anchorIndex.set(anchor, index);
      anchorNode.set(anchor, node as Node);
    }
    if (!isMap(node) && !isSeq(node)) {
      nodes.push(range[0], range[1], NodeKind.scalar, 0, 0);
      // A number must be written as the number it is: `993.0`, `5.87e2`, `0993` and `+993` all
      // read as an integer in YAML 1.2, but a reviewer (or a YAML 1.1 tool, which reads `0993`
      // as text) may not see 993 there. Every number in the format is an integer.
      if (isScalar(node) && typeof node.value === "number" && node.type === "PLAIN") {
        const written = text.slice(range[0], range[1]);
        const canonical = !Number.isFinite(node.value) ? undefined : Object.is(node.value, -0) ? "-0" : String(node.value);
        if (written !== canonical) report(messages.yamlLooseNumber(shorten(written), canonical), node);
      }
      return index;
    }
    const kind = isMap(node) ? (node.flow ? NodeKind.flowMap : NodeKind.blockMap) : node.flow ? NodeKind.flowSeq : NodeKind.blockSeq;
    const first = edges.length / EDGE_FIELDS;
    const items = node.items as unknown[];
    nodes.push(range[0], range[1], kind, first, items.length);
    for (let i = 0; i < items.length; i++) {
      edges.push(-1, -1, -1);
      keys.push("");
    }
    let seen: Set<string> | undefined;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const at = (first + i) * EDGE_FIELDS;
      if (!isPair(item)) {
        edges[at + 2] = add(item, level + 1);
        continue;
      }
      const key = item.key as Node | null;
      if (key?.range) {
        edges[at] = key.range[0];
        edges[at + 1] = key.range[1];
      }
      add(key, level + 1);
      if (key?.anchor) anchorNode.set(key.anchor, key);
      const resolved = isAlias(key) ? anchorNode.get(key.source) : key;
      // An alias without an anchor is reported with the other alias problems.
      if (!isAlias(key) || resolved) {
        if (resolved === null || (isScalar(resolved) && resolved.value === null)) {
          // `toJS` would name it "" (and `~` and `""` would be one key): nothing anyone wrote.
          report(messages.yamlEmptyKey(), key ?? item.value ?? node);
        } else if (!isScalar(resolved)) {
          report(messages.yamlCollectionKey(), key);
        } else {
          const name = keyString(resolved);
          keys[first + i] = name;
          // Small mappings are compared key by key; a Set only where that would be slow.
          if (items.length <= 8) {
            for (let k = first; k < first + i; k++) if (keys[k] === name) report(messages.duplicateKey(shorten(name)), key);
          } else {
            seen ??= new Set();
            if (seen.has(name)) report(messages.duplicateKey(shorten(name)), key);
            seen.add(name);
          }
        }
      }
      edges[at + 2] = add(item.value, level + 1);
    }
    return index;
  };
  add(doc.contents, 1);
  const positions: PositionIndex = { nodes: Int32Array.from(nodes), edges: Int32Array.from(edges), keys };
  if (tooDeep !== undefined) {
    problems.length = 0;
    omitted = 0;
    report(messages.yamlTooDeep(YAML_LIMITS.maxDepth), tooDeep);
    return { problems, omitted, positions };
  }
  // Without aliases the value is what is written, already counted and measured above.
  if (targets.size === 0) return { problems, omitted, positions };

  // Aliases: expanded size and height, memoised per node; `undefined` while in progress.
  const measured = new Map<unknown, { size: number; height: number } | undefined>();
  let firstAlias: unknown;
  const stop = (problem: Problem, at: unknown): never => {
    report(problem, at);
    throw new Stop();
  };
  /** `via`: the outermost alias on the way here, where an expansion problem is reported. */
  const measure = (node: unknown, level: number, via: unknown): { size: number; height: number } => {
    if (isAlias(node)) {
      const target = targets.get(node);
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
    if (!isMap(node) && !isSeq(node)) return { size: 1, height: 1 };
    measured.set(node, undefined);
    let size = 1;
    let height = 1;
    const child = (next: unknown): void => {
      if (next === null || next === undefined) return;
      const m = measure(next, level + 1, via);
      size = Math.min(size + m.size, Number.MAX_SAFE_INTEGER);
      height = Math.max(height, m.height + 1);
    };
    for (const item of node.items) {
      if (isPair(item)) {
        child(item.key);
        child(item.value);
      } else child(item);
    }
    const result = { size, height };
    measured.set(node, result);
    return result;
  };
  try {
    const root = measure(doc.contents, 1, undefined);
    // Many aliases, each small: the sum is what toJS would build and every later check walk.
    if (root.size - literal > YAML_LIMITS.maxValues) stop(messages.yamlTooManyValues(YAML_LIMITS.maxValues, true), firstAlias);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return { problems, omitted, positions, ...(firstAlias ? { firstAlias: rangeOf(firstAlias)[0] } : {}) };
}

/** A mapping key as `toJS` names it in the plain object. */
export function keyString(key: unknown): string {
  if (key === null || key === undefined) return "";
  const value = yaml().isScalar(key) ? key.value : key;
  return value === null ? "" : String(value);
}

function rangeOf(node: unknown): [number, number] {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? [range[0], Math.max(range[0] + 1, range[1])] : [0, 1];
}

/** Source text quoted in a message: one line's worth at most. */
function shorten(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

