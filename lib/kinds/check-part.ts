import type { FileContext, PlainMap } from "../config/context";
import type { FirewallFact } from "../config/facts";
import type { Path } from "../config/source";

/** The name of an entry under `firewalls:`, and where it is. */
export type NameAt = Pick<FirewallFact, "name" | "at">;

/**
 * Validation's part of a kind (lib/kinds/checks.ts holds one per kind): the values of an entry
 * whose shape the kind's schema (schema.ts beside it) has checked.
 */
export interface CheckPart {
  /**
   * Reports what is wrong with the entry's values and builds its target when every field is valid
   * (numbers' bounds are schema rules). `region` is the entry's, checked for every kind; undefined
   * when absent or invalid.
   */
  check(ctx: FileContext, nameAt: NameAt, entry: PlainMap, path: Path, region: string | undefined): FirewallFact;
}
