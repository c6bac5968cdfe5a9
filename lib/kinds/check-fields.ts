import type { FileContext } from "../config/context";
import type { Problem } from "../config/messages";
import type { Path } from "../config/source";

/** Value checks the kinds' checks share (lib/kinds/<kind>/check.ts). */

/** An optional integer the schema bounds; `ok` false when present and out of bounds (already reported). */
export function optionalInt(value: unknown, { min, max }: { readonly min: number; readonly max: number }): { ok: boolean; value?: number } {
  if (value === undefined) return { ok: true };
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) return { ok: false };
  return { ok: true, value: value as number };
}

/** An optional choice the schema restricts; `ok` false when present and not one (already reported). */
export function optionalChoice<T extends string>(value: unknown, allowed: readonly T[]): { ok: boolean; value?: T } {
  if (value === undefined) return { ok: true };
  return allowed.includes(value as T) ? { ok: true, value: value as T } : { ok: false };
}

/** A string field of a fixed form (AWS ids): reported, and undefined, when it has another. */
export function checkPattern(
  ctx: FileContext,
  value: unknown,
  path: Path,
  pattern: RegExp,
  problem: (text: string) => Problem,
): string | undefined {
  if (typeof value !== "string") return undefined;
  if (!pattern.test(value)) return ctx.report(problem(value), ctx.value(path));
  return value;
}
