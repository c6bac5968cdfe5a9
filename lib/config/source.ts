import type { Diagnostic, SourcePosition } from "./diagnostic";
import type { Problem } from "./messages";

/** A path into a config file's value, as zod reports it: keys and sequence indexes. */
export type Path = readonly PropertyKey[];

type Excerpt = NonNullable<Diagnostic["excerpt"]>;

/**
 * A place in a file, with the span to underline. Keep it and read its two properties, which are
 * plain data; a `SourceFile`'s places work them out on first read, so never spread the object.
 */
export interface Located {
  readonly position: SourcePosition;
  readonly excerpt: Excerpt;
}

/**
 * Where every node of a file's value is, as the YAML reading (read-yaml.ts) found it: plain
 * numbers and the keys' names, so no YAML document has to outlive the reading, and an index can
 * be handed between threads or kept in a cache as it is.
 *
 * Nodes in document order, `NODE_FIELDS` numbers each: start and end offset, kind, first edge,
 * edge count (for an alias: the node it refers to, in `first`). Edges, `EDGE_FIELDS` numbers
 * each: the key's start and end offset (-1 for a sequence item or a missing key) and the value's
 * node (-1 for none). `keys` holds each edge's key as the plain value names it (`toJS`), "" for
 * sequence items.
 */
export interface PositionIndex {
  readonly nodes: Int32Array;
  readonly edges: Int32Array;
  readonly keys: readonly string[];
}

export const NODE_FIELDS = 5;
export const EDGE_FIELDS = 3;
export const NodeKind = { scalar: 0, blockMap: 1, flowMap: 2, blockSeq: 3, flowSeq: 4, alias: 5 } as const;

export const EMPTY_INDEX: PositionIndex = { nodes: new Int32Array(0), edges: new Int32Array(0), keys: [] };

/** Mappings with more keys than this get a lookup table on first use; smaller ones are scanned. */
const SCAN_LIMIT = 8;

/**
 * One config file, able to say where any value of it is. Lookups never fail: a path that is
 * not in the YAML (a missing field) resolves to the nearest enclosing node, which is where the
 * user has to add it.
 */
export class SourceFile {
  constructor(
    /** The path shown to the user (`config/domains.yaml`). */
    readonly file: string,
    readonly text: string,
    private readonly index: PositionIndex = EMPTY_INDEX,
    private readonly lineStarts: Int32Array = lineStartsOf(text),
  ) {}

  /**
   * Where the value at `path` is; for a missing value, the enclosing mapping's first key. Found
   * when first read (see `locate`), so `path` must not change afterwards.
   */
  value(path: Path): Located {
    return new PathPlace(this, path, undefined, undefined, false);
  }

  /** Where the key of the last path segment is (for unknown keys and names used as keys); found when first read. */
  key(path: Path): Located {
    return new PathPlace(this, path, undefined, undefined, true);
  }

  /**
   * `value([...base, a])` or `value([...base, a, b])`, without building that path unless the
   * place is read: the facts of 10,000 domains take ~40,000 places, and a valid config reads
   * none of them.
   */
  valueBelow(base: Path, a: PropertyKey, b?: PropertyKey): Located {
    return new PathPlace(this, base, a, b, false);
  }

  /** `key([...base, a])` or `key([...base, a, b])`, the path built only if the place is read. */
  keyBelow(base: Path, a: PropertyKey, b?: PropertyKey): Located {
    return new PathPlace(this, base, a, b, true);
  }

  /** `value(path)`, found now. */
  valueNow(path: Path): Located {
    const found = this.walk(path);
    if (found.complete && found.edge >= 0) {
      const node = found.node;
      // `key:` with nothing after it has an empty value at the end of the line: point at the key.
      if (node < 0 || (this.kind(node) === NodeKind.scalar && this.start(node) === this.end(node))) return this.keySpan(found.edge);
    }
    return this.spanOf(found.node);
  }

  /** `key(path)`, found now. */
  keyNow(path: Path): Located {
    const found = this.walk(path);
    if (found.complete && found.edge >= 0) return this.keySpan(found.edge);
    return this.valueNow(path);
  }

  /** The source text of the value at `path`, as written (`10.0`, not the parsed `10`). */
  sourceText(path: Path): string | undefined {
    const found = this.walk(path);
    if (!found.complete || found.node < 0) return undefined;
    return this.text.slice(this.start(found.node), this.end(found.node));
  }

  /**
   * Position and excerpt for a source offset range, worked out when first read: a valid config
   * of 10,000 domains takes ~50,000 places for its facts, and reads a handful of them.
   */
  locate(start: number, end: number): Located {
    return new SpanPlace(this, start, end);
  }

  /** `locate(start, end)`, found now. */
  locateNow(start: number, end: number): Located {
    return locate(this.file, this.text, this.lineStarts, start, end);
  }

  private start(node: number): number {
    return this.index.nodes[node * NODE_FIELDS];
  }

  private end(node: number): number {
    return this.index.nodes[node * NODE_FIELDS + 1];
  }

  private kind(node: number): number {
    return this.index.nodes[node * NODE_FIELDS + 2];
  }

  /**
   * Follows `path` through maps (matching keys by their string form, as `toJS` does), sequences
   * and aliases. `node` is the deepest node reached (-1: none); `edge` the map entry holding it
   * (-1: none, or a sequence item).
   */
  private walk(path: Path): { node: number; edge: number; complete: boolean } {
    const { nodes, edges } = this.index;
    let node = nodes.length > 0 ? 0 : -1;
    let edge = -1;
    for (const segment of path) {
      let container = node;
      if (container >= 0 && this.kind(container) === NodeKind.alias) container = nodes[container * NODE_FIELDS + 3];
      if (container < 0) return { node, edge, complete: false };
      const kind = this.kind(container);
      const first = nodes[container * NODE_FIELDS + 3];
      const count = nodes[container * NODE_FIELDS + 4];
      if (kind === NodeKind.blockMap || kind === NodeKind.flowMap) {
        const found = this.edgeOf(container, first, count, String(segment));
        if (found < 0) return { node, edge, complete: false };
        edge = found;
      } else if ((kind === NodeKind.blockSeq || kind === NodeKind.flowSeq) && typeof segment === "number" && segment < count) {
        edge = -1;
        node = edges[(first + segment) * EDGE_FIELDS + 2];
        continue;
      } else {
        return { node, edge, complete: false };
      }
      node = edges[edge * EDGE_FIELDS + 2];
    }
    return { node, edge, complete: true };
  }

  /**
   * The first entry of a mapping whose key reads as `key`. Big mappings are indexed on first
   * use: scanning would make one diagnostic per key of a 50,000-key mapping quadratic.
   */
  private edgeOf(map: number, first: number, count: number, key: string): number {
    const keys = this.index.keys;
    if (count <= SCAN_LIMIT) {
      for (let e = first; e < first + count; e++) if (keys[e] === key) return e;
      return -1;
    }
    let table = this.tables.get(map);
    if (!table) {
      table = new Map();
      for (let e = first; e < first + count; e++) if (!table.has(keys[e])) table.set(keys[e], e);
      this.tables.set(map, table);
    }
    return table.get(key) ?? -1;
  }

  private readonly tables = new Map<number, Map<string, number>>();

  private keySpan(edge: number): Located {
    const at = edge * EDGE_FIELDS;
    const start = this.index.edges[at];
    if (start < 0) return this.spanOf(this.index.edges[at + 2]);
    return this.locateNow(start, this.index.edges[at + 1]);
  }

  /**
   * The span to underline: a scalar or alias as written; a block mapping by its first key (a
   * mapping's range spans many lines); anything else from its first character.
   */
  private spanOf(node: number): Located {
    if (node < 0) return this.locateNow(0, 1);
    const kind = this.kind(node);
    const start = this.start(node);
    if (kind === NodeKind.blockMap) {
      const first = this.index.nodes[node * NODE_FIELDS + 3];
      if (this.index.nodes[node * NODE_FIELDS + 4] > 0 && this.index.edges[first * EDGE_FIELDS] >= 0) return this.keySpan(first);
    }
    if (kind === NodeKind.blockMap || kind === NodeKind.blockSeq) return this.locateNow(start, start + 1);
    return this.locateNow(start, this.end(node));
  }
}

/**
 * A `Located` whose node, line, column and excerpt are found on first use, then kept. Read through
 * its two properties like any other (`diagnosticAt`, `{ ...at.position }`); spreading the object
 * itself would copy none of them, which nothing does. Plain fields, no closure: a config of
 * 10,000 domains keeps ~50,000 of them until it is built.
 */
abstract class LazyLocated implements Located {
  private located?: Located;

  get position(): SourcePosition {
    return this.resolve().position;
  }

  get excerpt(): Excerpt {
    return this.resolve().excerpt;
  }

  /** As the plain data it stands for, should it ever be serialised. */
  toJSON(): Located {
    return this.resolve();
  }

  protected abstract find(): Located;

  private resolve(): Located {
    return (this.located ??= this.find());
  }
}

/**
 * The value or key at a path of a file: `base`, then `a` and `b` when given. Every field is
 * always set (to undefined when absent), so every place has one hidden class.
 */
class PathPlace extends LazyLocated {
  constructor(
    private readonly source: SourceFile,
    private readonly base: Path,
    private readonly a: PropertyKey | undefined,
    private readonly b: PropertyKey | undefined,
    private readonly asKey: boolean,
  ) {
    super();
  }

  protected find(): Located {
    const path = this.a === undefined ? this.base : this.b === undefined ? [...this.base, this.a] : [...this.base, this.a, this.b];
    return this.asKey ? this.source.keyNow(path) : this.source.valueNow(path);
  }
}

/** A range of source offsets of a file. */
class SpanPlace extends LazyLocated {
  constructor(
    private readonly source: SourceFile,
    private readonly start: number,
    private readonly end: number,
  ) {
    super();
  }

  protected find(): Located {
    return this.source.locateNow(this.start, this.end);
  }
}

/**
 * Offsets where lines start: 0, and after each "\n" (yaml breaks lines at "\n" only; a "\r"
 * before it is part of the line's end).
 */
export function lineStartsOf(text: string): Int32Array {
  let lines = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
  const starts = new Int32Array(lines);
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts[n++] = i + 1;
  return starts;
}

/** 0-based line of an offset: a binary search of the lines' start offsets. */
export function lineOf(lineStarts: Int32Array, offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Position (1-based line and column, in UTF-16 code units) and excerpt of an offset range. */
export function locate(file: string, text: string, lineStarts: Int32Array, start: number, end: number): Located {
  const lo = lineOf(lineStarts, start);
  const lineStart = lineStarts[lo];
  const nextStart = lo + 1 < lineStarts.length ? lineStarts[lo + 1] : text.length;
  // Not a regex: V8 would scan the whole line for `$`, and a minified line can be 1 MiB long.
  let lineEnd = nextStart;
  if (text[lineEnd - 1] === "\n") lineEnd--;
  if (text[lineEnd - 1] === "\r") lineEnd--;
  const lineText = text.slice(lineStart, Math.max(lineStart, lineEnd));
  const column = start - lineStart + 1;
  const length = Math.max(1, Math.min(end, lineStart + lineText.length) - start);
  return { position: { file, line: lo + 1, column }, excerpt: excerpt(lineText, column, length) };
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
