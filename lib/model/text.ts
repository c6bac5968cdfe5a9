/**
 * Orderings every output shares. Text sorts by UTF-16 code unit, never by locale: the same input
 * makes the same bytes on every machine.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
