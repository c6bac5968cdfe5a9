/**
 * The shape check (shape.ts), loaded on its first use: zod with it is 76 modules, some 60 ms of a
 * start, and a config whose every file passed before never needs them (shape-verdicts.ts).
 * vitest cannot `require` TypeScript, so its config maps this module to
 * __tests__/support/shape-loader.ts, which imports shape.ts as usual; the processes the tests
 * start run this one.
 */
export function loadShapeCheck(): typeof import("./shape").checkShape {
  return (require("./shape") as typeof import("./shape")).checkShape;
}
