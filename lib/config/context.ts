import type { Diagnostic } from "./diagnostic";
import type { Problem } from "./messages";
import { BOUNDS } from "../kinds/schema-bounds";
import { diagnosticAt, type Located, type Path, type SourceFile } from "./source";

/** What the per-file value checks share: the file, and where their diagnostics go. */
export class FileContext {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly source: SourceFile) {}

  /** Reports `problem`; returns undefined so a check can `return ctx.report(...)` for "no valid value". */
  report(problem: Problem, at: Located, related?: readonly Located[]): undefined {
    this.diagnostics.push(diagnosticAt(problem, at, related));
    return undefined;
  }

  value(path: Path): Located {
    return this.source.value(path);
  }

  key(path: Path): Located {
    return this.source.key(path);
  }

  /** `value([...base, a, b])`, the path built only if the place is read (see `SourceFile.valueBelow`). */
  valueBelow(base: Path, a: PropertyKey, b?: PropertyKey): Located {
    return this.source.valueBelow(base, a, b);
  }

  /** `key([...base, a, b])`, the path built only if the place is read. */
  keyBelow(base: Path, a: PropertyKey, b?: PropertyKey): Located {
    return this.source.keyBelow(base, a, b);
  }
}

export type PlainMap = Record<string, unknown>;

export function isPlainMap(value: unknown): value is PlainMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isPort(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= BOUNDS.port.min && (value as number) <= BOUNDS.port.max;
}
