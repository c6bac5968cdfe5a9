import { createHash } from "node:crypto";
import { compareText } from "../model/text";

/**
 * Stable numbers for rules that AWS identifies by number: network ACL rule numbers (unique per
 * ACL and direction, and part of the rule's identity: a new number replaces the rule) and Network
 * Firewall signature ids (unique per rule group).
 *
 * Each key gets a "home" number by hashing its content (never its position in the YAML) into the
 * range, and a priority from a second hash. Keys are placed in priority order, each on the first
 * free number at or after its home, wrapping around to the start of the range (linear probing in
 * a canonical order). Why this and not 1, 2, 3 in sorted order:
 * - a key's number depends only on its own content and on the few keys that hash near it. Adding
 *   one CIDR can only renumber rules of the one run of consecutive used numbers the new rule joins,
 *   and only those placed after it in priority order: with the range twice the rule count, on
 *   average fewer than half a rule (sequential numbering renumbers every rule after the insertion
 *   point; placing keys in home order instead of by a random priority, about twice as many);
 * - spreading the keys over the whole range leaves gaps between them, as AWS recommends for
 *   network ACLs, so other rules can be placed between them by hand if ever needed.
 * The hashes (SHA-256 of the key, first 48 bits; of `priority:` + key for the order) are part of
 * the output contract: changing them would renumber every rule once.
 *
 * `previous` holds the numbers an earlier synth gave (the placements file): a key that had one
 * inside the range keeps it, exactly, so no surviving rule is ever renumbered; only new keys are
 * hashed, onto the numbers still free. Without it, the hashing alone still renumbers an existing
 * rule now and then (when a new key probes into its run).
 *
 * `reserved` holds numbers that stay taken while the apply runs although no key of this synth
 * keeps them: the numbers of rules that are leaving (removed, or renumbered). Terraform runs the
 * create of a new rule and the delete of a leaving one in no particular order, and AWS refuses a
 * rule number that is still in use, so a new key never takes one (while the range has room): it
 * takes a number free in both the old and the new state.
 *
 * When the range has fewer numbers than keys, every key is still numbered (the surplus above
 * `to`) so the plan stays complete; `checkLimits` reports it and nothing is synthesized.
 */
export function assignStableNumbers(
  keys: readonly string[],
  from: number,
  to: number,
  previous: ReadonlyMap<string, number> = new Map(),
  reserved: Iterable<number> = [],
): Map<string, number> {
  const size = to - from + 1;
  const unique = [...new Set(keys)];
  const numbers = new Map<string, number>();
  if (size <= 0 || unique.length > size) {
    [...unique].sort(compareText).forEach((key, i) => numbers.set(key, from + i));
    return numbers;
  }
  const used = new Uint8Array(size);
  // Sorted, so that two keys remembered with one number (a hand-edited file) resolve the same way everywhere.
  for (const key of [...unique].sort(compareText)) {
    const kept = previous.get(key);
    if (kept === undefined || kept < from || kept > to || used[kept - from]) continue;
    used[kept - from] = 1;
    numbers.set(key, kept);
  }
  // Leaving numbers are avoided only while the range has room for every key besides them; a
  // range too small for that is refused at validate (the peak of the apply is over its quota).
  const free = size - numbers.size;
  const leaving = [...new Set(reserved)].filter((n) => n >= from && n <= to && !used[n - from]);
  const newKeys = unique.length - numbers.size;
  const avoid = leaving.length + newKeys <= free ? leaving : [];
  for (const n of avoid) used[n - from] = 1;
  const placed = unique
    .filter((key) => !numbers.has(key))
    .map((key) => ({ key, home: homeOffset(key, size), priority: hash48(`priority:${key}`) }))
    .sort((a, b) => a.priority - b.priority || compareText(a.key, b.key));
  for (const { key, home } of placed) {
    let offset = home;
    while (used[offset]) offset = (offset + 1) % size;
    used[offset] = 1;
    numbers.set(key, from + offset);
  }
  return numbers;
}

/** Where a key would go in an empty range of `size` numbers, as an offset from its start. */
export function homeOffset(key: string, size: number): number {
  return hash48(key) % size;
}

function hash48(text: string): number {
  return createHash("sha256").update(text, "utf8").digest().readUIntBE(0, 6);
}
