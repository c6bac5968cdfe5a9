// What vitest runs for lib/config/shape-loader.ts (vitest.config.mts): the shape check imported
// as usual, since vitest cannot `require` TypeScript. Processes the tests start load the real one.
import { checkShape } from "../../lib/config/shape";

export function loadShapeCheck(): typeof checkShape {
  return checkShape;
}
