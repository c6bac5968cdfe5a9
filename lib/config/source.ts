import { isAlias, isCollection, isMap, isScalar, isSeq, type Document, type LineCounter, type Pair } from "yaml";
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
  constructor(
    /** The path shown to the user (`config/domains.yaml`). */
    readonly file: string,
    readonly text: string,
    readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Where the value at `path` is; for a missing value, the enclosing mapping's first key. */
  value(path: Path): Located {
    const found = this.walk(path);
    if (found.complete) {
      const node = found.node;
      // `key:` with nothing after it has an empty value at the end of the line: point at the key.
      if ((node === null || (isScalar(node) && node.range?.[0] === node.range?.[1])) && found.pair) {
        return this.spanOf(found.pair.key);
      }
      return this.spanOf(node);
    }
    return this.spanOf(found.node);
  }

  /** Where the key of the last path segment is (for unknown keys and names used as keys). */
  key(path: Path): Located {
    const found = this.walk(path);
    if (found.complete && found.pair) return this.spanOf(found.pair.key);
    return this.value(path);
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
    const lineText = this.text.slice(lineStart, nextStart).replace(/\r?\n$/, "");
    const length = Math.max(1, Math.min(end, lineStart + lineText.length) - start);
    return {
      position: { file: this.file, line, column: col },
      excerpt: { lineText, column: col, length },
    };
  }

  /**
   * Follows `path` through maps (matching keys by their string form, as `toJS` does), sequences
   * and aliases. `node` is the deepest node reached; `pair` the map entry holding it.
   */
  private walk(path: Path): { node: unknown; pair?: Pair; complete: boolean } {
    let node: unknown = this.doc.contents;
    let pair: Pair | undefined;
    for (const segment of path) {
      const container = isAlias(node) ? node.resolve(this.doc) : node;
      if (isMap(container)) {
        const entry = container.items.find((item) => keyString(item.key) === String(segment));
        if (!entry) return { node, pair, complete: false };
        pair = entry;
        node = entry.value;
      } else if (isSeq(container) && typeof segment === "number" && segment < container.items.length) {
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
    if (isMap(node) && !node.flow && node.items.length > 0) return this.spanOf(node.items[0].key);
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range) return this.locate(0, 1);
    if (isCollection(node) && !node.flow) return this.locate(range[0], range[0] + 1);
    return this.locate(range[0], range[1]);
  }
}

function keyString(key: unknown): string {
  if (isScalar(key)) return String(key.value);
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
