import type { Diagnostic } from "../config/diagnostic";
import type { Problem } from "../config/messages";
import { comparePositions, diagnosticAt, type Located } from "../config/source";

/**
 * A valid target and where its entry says what it owns where it lands (`FirewallFact.ownsAt`): what
 * a kind's `clashes` (check-part.ts) compares.
 */
export interface Owner<T> {
  readonly name: string;
  readonly at: Located;
  readonly target: T;
}

/**
 * One diagnostic per item whose key an earlier item (by position) already had, pointing back to
 * it: how validation reports two targets claiming one thing (lib/config/cross-file.ts, and the
 * kinds' `clashes`).
 */
export function laterDuplicates<T extends { key: string; at: Located; name?: string }>(
  items: readonly T[],
  problem: (item: T, first: T) => Problem,
): Diagnostic[] {
  // Only keys met more than once are put in position order: reading a position builds its file's
  // YAML document (lib/config/source.ts), which a valid config should never need.
  const count = new Map<string, number>();
  for (const { key } of items) count.set(key, (count.get(key) ?? 0) + 1);
  const sorted = items.filter((i) => (count.get(i.key) ?? 0) > 1).sort((a, b) => comparePositions(a.at.position, b.at.position));
  const first = new Map<string, T>();
  const diagnostics: Diagnostic[] = [];
  for (const item of sorted) {
    const earlier = first.get(item.key);
    if (!earlier) first.set(item.key, item);
    // Two definitions of one firewall name are already a DUPLICATE_FIREWALL; once is enough.
    else if (item.name === undefined || item.name !== earlier.name) {
      diagnostics.push(diagnosticAt(problem(item, earlier), item.at, [earlier.at]));
    }
  }
  return diagnostics;
}
