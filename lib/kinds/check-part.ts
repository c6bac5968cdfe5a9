import type { FileContext, PlainMap } from "../config/context";
import type { Diagnostic } from "../config/diagnostic";
import type { FirewallFact } from "../config/facts";
import type { Path } from "../config/source";
import type { Owner } from "./check-clashes";

/** The name of an entry under `firewalls:`, and where it is. */
export type NameAt = Pick<FirewallFact, "name" | "at">;

/**
 * Validation's part of a kind (lib/kinds/checks.ts holds one per kind): the values of an entry
 * whose shape the kind's schema (schema.ts beside it) has checked. `T` is the kind's target.
 */
export interface CheckPart<T> {
  /**
   * Reports what is wrong with the entry's values and builds its target when every field is valid
   * (numbers' bounds are schema rules). `region` is the entry's, checked for every kind; undefined
   * when absent or invalid.
   */
  check(ctx: FileContext, nameAt: NameAt, entry: PlainMap, path: Path, region: string | undefined): FirewallFact;
  /**
   * What two targets of the kind would both own where they land (on one host, a chain, its sets,
   * a rule group), each at the later target and naming the first. `owners` are every defined
   * target of the kind whose check set `ownsAt`, used or not (a domain added later must not make
   * two of them collide). Absent: the kind owns nothing another target could (what AWS targets
   * share, lib/config/cross-file.ts compares).
   */
  clashes?(owners: readonly Owner<T>[]): Diagnostic[];
}
