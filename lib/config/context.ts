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
}

export type PlainMap = Record<string, unknown>;

export function isPlainMap(value: unknown): value is PlainMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isPort(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= BOUNDS.port.min && (value as number) <= BOUNDS.port.max;
}
