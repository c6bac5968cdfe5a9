import type { Alias, Document, LineCounter, Node, Pair, YAMLMap } from "yaml";
import { yamlLib } from "./yaml-lib";
import type { Diagnostic, SourcePosition } from "./diagnostic";
import type { Problem } from "./messages";

/** A path into a config file's value, as zod reports it: keys and sequence indexes. */
export type Path = readonly PropertyKey[];

type Excerpt = NonNullable<Diagnostic["excerpt"]>;

/** A place in a file, with the span to underline. */
export interface Located {
  readonly position: SourcePosition;
  readonly excerpt: Excerpt;
}

/**
 * One parsed config file, able to say where any value is. Lookups never fail: a path that is
 * not in the YAML (a missing field) resolves to the nearest enclosing node, which is where the
 * user has to add it.
 */
export class SourceFile {
  /**
   * `doc` may be a function: a file read through the fast path (parse.ts) has its value already,
   * and builds the YAML document (with the same protections as any other file) only when a
   * position is first asked for. Until then, `value` and `key` answer lazily.
   */
  constructor(
    /** The path shown to the user (`config/domains.yaml`). */
    readonly file: string,
    readonly text: string,
    doc: Document | (() => Document),
    lineCounter?: LineCounter,
  ) {
    if (typeof doc === "function") this.makeDoc = doc;
    else this.parsedDoc = doc;
    this.counter = lineCounter;
  }

  private parsedDoc?: Document;
  private makeDoc?: () => Document;
  private counter?: LineCounter;

  get doc(): Document {
    if (!this.parsedDoc) {
      this.parsedDoc = (this.makeDoc as () => Document)();
      this.makeDoc = undefined;
    }
    return this.parsedDoc;
  }

  private get lineCounter(): LineCounter {
    return (this.counter ??= lineCounterOf(this.text));
  }

  /** Where the value at `path` is; for a missing value, the enclosing mapping's first key. */
  value(path: Path): Located {
    if (!this.parsedDoc) return new LazyLocated(this, path, false);
    return this.valueNow(path);
  }

  /** @internal `value` without the laziness (for `LazyLocated`). */
  valueNow(path: Path): Located {
    const found = this.walk(path);
    if (found.complete) {
      const node = found.node;
      // `key:` with nothing after it has an empty value at the end of the line: point at the key.
      if ((node === null || (yamlLib().isScalar(node) && node.range?.[0] === node.range?.[1])) && found.pair) {
        return this.spanOf(found.pair.key);
      }
      return this.spanOf(node);
    }
    return this.spanOf(found.node);
  }

  /** Where the key of the last path segment is (for unknown keys and names used as keys). */
  key(path: Path): Located {
    if (!this.parsedDoc) return new LazyLocated(this, path, true);
    return this.keyNow(path);
  }

  /** @internal `key` without the laziness (for `LazyLocated`). */
  keyNow(path: Path): Located {
    const found = this.walk(path);
    if (found.complete && found.pair) return this.spanOf(found.pair.key);
    return this.valueNow(path);
  }

  /** The source text of the value at `path`, as written (`10.0`, not the parsed `10`). */
  sourceText(path: Path): string | undefined {
    const found = this.walk(path);
    const node = found.node as { range?: [number, number, number] } | null;
    if (!found.complete || !node?.range) return undefined;
    return this.text.slice(node.range[0], node.range[1]);
  }

  /** Position and excerpt for a source offset range. */
  locate(start: number, end: number): Located {
    const { line, col } = this.lineCounter.linePos(start);
    const lineStart = this.lineCounter.lineStarts[line - 1] ?? 0;
    const nextStart = this.lineCounter.lineStarts[line] ?? this.text.length;
    // Not a regex: V8 would scan the whole line for `$`, and a minified line can be 1 MiB long.
    let lineEnd = nextStart;
    if (this.text[lineEnd - 1] === "\n") lineEnd--;
    if (this.text[lineEnd - 1] === "\r") lineEnd--;
    const lineText = this.text.slice(lineStart, Math.max(lineStart, lineEnd));
    const length = Math.max(1, Math.min(end, lineStart + lineText.length) - start);
    return {
      position: { file: this.file, line, column: col },
      excerpt: excerpt(lineText, col, length),
    };
  }

  /**
   * The node an alias stands for: the last node with its anchor before it, in document order (as
   * yaml's own `Alias.resolve`, which re-walks the whole document on every call; with thousands
   * of diagnostics behind an alias that would be quadratic). Undefined for an unknown anchor.
   */
  resolveAlias(alias: Alias): Node | undefined {
    if (!this.aliasTargets) {
      const targets = new Map<Alias, Node | undefined>();
      const anchors = new Map<string, Node>();
      yamlLib().visit(this.doc, {
        Node(_, node) {
          if (yamlLib().isAlias(node)) targets.set(node, anchors.get(node.source));
          else if (node.anchor) anchors.set(node.anchor, node);
        },
      });
      this.aliasTargets = targets;
    }
    return this.aliasTargets.get(alias);
  }

  private aliasTargets?: Map<Alias, Node | undefined>;

  /**
   * The first entry of `map` whose key reads as `key`. Indexed on first use: looking keys up by
   * scanning would make one diagnostic per key of a 50,000-key mapping quadratic.
   */
  private pairOf(map: YAMLMap, key: string): Pair | undefined {
    let index = this.keyIndex.get(map);
    if (!index) {
      index = new Map();
      for (const item of map.items) {
        const k = keyString(item.key);
        if (!index.has(k)) index.set(k, item);
      }
      this.keyIndex.set(map, index);
    }
    return index.get(key);
  }

  private readonly keyIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

  /**
   * Follows `path` through maps (matching keys by their string form, as `toJS` does), sequences
   * and aliases. `node` is the deepest node reached; `pair` the map entry holding it.
   */
  private walk(path: Path): { node: unknown; pair?: Pair; complete: boolean } {
    let node: unknown = this.doc.contents;
    let pair: Pair | undefined;
    for (const segment of path) {
      const container = yamlLib().isAlias(node) ? this.resolveAlias(node) : node;
      if (yamlLib().isMap(container)) {
        const entry = this.pairOf(container, String(segment));
        if (!entry) return { node, pair, complete: false };
        pair = entry;
        node = entry.value;
      } else if (yamlLib().isSeq(container) && typeof segment === "number" && segment < container.items.length) {
        pair = undefined;
        node = container.items[segment];
      } else {
        return { node, pair, complete: false };
      }
    }
    return { node, pair, complete: true };
  }

  /**
   * The span to underline: a scalar or alias as written; a block mapping by its first key (a
   * mapping's range spans many lines); anything else from its first character.
   */
  private spanOf(node: unknown): Located {
    if (yamlLib().isMap(node) && !node.flow && node.items.length > 0) return this.spanOf(node.items[0].key);
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range) return this.locate(0, 1);
    if (yamlLib().isCollection(node) && !node.flow) return this.locate(range[0], range[0] + 1);
    return this.locate(range[0], range[1]);
  }
}

/**
 * Line starts, found here rather than by the parser, so they are complete even when parsing
 * stops early. They are the same places: yaml breaks lines at "\n" only.
 */
export function lineCounterOf(text: string): LineCounter {
  const lineCounter = new (yamlLib().LineCounter)();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineCounter.addNewLine(i + 1);
  return lineCounter;
}

/**
 * A `Located` worked out on first use: the SourceFile is only parsed for positions when one is
 * read. A valid config makes one per checked value (~10 per domain) and reads none, so this is a
 * class (one small object) rather than closures (five or six objects each, all surviving until
 * the checks end, which the young-generation collector copies again and again).
 * Its fields are getters on the prototype: read them (`at.position`), don't spread the object.
 */
class LazyLocated implements Located {
  private resolved?: Located;

  constructor(
    private readonly source: SourceFile,
    private readonly path: Path,
    private readonly isKey: boolean,
  ) {}

  private resolve(): Located {
    return (this.resolved ??= this.isKey ? this.source.keyNow(this.path) : this.source.valueNow(this.path));
  }

  get position(): SourcePosition {
    return this.resolve().position;
  }

  get excerpt(): Excerpt {
    return this.resolve().excerpt;
  }
}

/** Excerpt lines longer than this are cut to a window around the column. */
const EXCERPT_WIDTH = 120;
const ELLIPSIS = "...";

/**
 * The line as shown under a diagnostic. Characters that would act on the terminal or reorder
 * the text around them (control characters, bidirectional overrides: "Trojan Source") are
 * shown as U+FFFD; each is one UTF-16 unit, as is its replacement, so the caret stays right.
 * A very long line (a minified file, a binary one) is cut to a window around the column.
 */
export function excerpt(lineText: string, column: number, length: number): Excerpt {
  const sanitize = (text: string) => text.replace(UNSAFE_IN_EXCERPT, "\uFFFD");
  if (lineText.length <= EXCERPT_WIDTH) return { lineText: sanitize(lineText), column, length };
  // Cut first, then sanitize: thousands of diagnostics may share one very long line.
  let from = Math.max(0, Math.min(column - 1 - EXCERPT_WIDTH / 4, lineText.length - EXCERPT_WIDTH));
  let to = Math.min(lineText.length, from + EXCERPT_WIDTH);
  // Never cut a surrogate pair in half.
  if (from > 0 && isLowSurrogate(lineText.charCodeAt(from))) from--;
  if (to < lineText.length && isLowSurrogate(lineText.charCodeAt(to))) to++;
  const prefix = from > 0 ? ELLIPSIS : "";
  return {
    lineText: `${prefix}${sanitize(lineText.slice(from, to))}${to < lineText.length ? ELLIPSIS : ""}`,
    column: column - from + prefix.length,
    length: Math.max(1, Math.min(length, to - (column - 1))),
  };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

// C0 controls but tab, DEL, C1 controls, and the bidirectional formatting characters.
const UNSAFE_IN_EXCERPT = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

function keyString(key: unknown): string {
  if (yamlLib().isScalar(key)) return String(key.value);
  return String(key);
}

/** A diagnostic for `problem` at `at`, with the other places involved. */
export function diagnosticAt(problem: Problem, at: Located, related?: readonly Located[]): Diagnostic {
  return {
    ...problem,
    position: at.position,
    excerpt: at.excerpt,
    ...(related && related.length > 0 ? { related: related.map((r) => r.position) } : {}),
  };
}

/** File order (sorted paths), then line, then column: "earlier" for duplicates and conflicts. */
export function comparePositions(a: SourcePosition, b: SourcePosition): number {
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column;
}
