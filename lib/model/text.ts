/**
 * Orderings every output shares. Text sorts by UTF-16 code unit, never by locale: the same input
 * makes the same bytes on every machine.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Two lists sorted by `compareText` without repeats, as one such list (a new array). */
export function mergeSortedUnique(a: readonly string[], b: readonly string[]): string[] {
  const merged: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) merged.push(a[i++]);
    else if (b[j] < a[i]) merged.push(b[j++]);
    else {
      merged.push(a[i++]);
      j++;
    }
  }
  while (i < a.length) merged.push(a[i++]);
  while (j < b.length) merged.push(b[j++]);
  return merged;
}
