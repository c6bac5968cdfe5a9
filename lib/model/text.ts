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

/**
 * `values` sorted by `compareText` without repeats, in place (pass an array of your own); as it
 * is, with no sort, when it is so already, as domains read from a config usually are.
 */
export function sortedUnique(values: string[]): string[] {
  for (let i = 1; i < values.length; i++) {
    if (values[i - 1] >= values[i]) {
      // The default order of strings is compareText's (UTF-16 code units), and V8 sorts by it
      // without calling back into JavaScript per comparison: a third faster for the hosts of
      // every (target, port), sorted on every validate.
      values.sort();
      let kept = 1;
      for (let j = 1; j < values.length; j++) if (values[j] !== values[kept - 1]) values[kept++] = values[j];
      values.length = kept;
      return values;
    }
  }
  return values;
}
