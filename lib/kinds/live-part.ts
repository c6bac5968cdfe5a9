import type { AddressRange } from "../audit/intervals";
import type { TargetReport } from "../live/differences";
import type { LiveExports } from "../live/model";

/**
 * `mailgate live`'s part of a kind (lib/kinds/lives.ts holds one per kind): how AWS's exports of
 * the target are read against what the config needs, and which exports hold them. `T` is the
 * kind's target, `P` its plan. Kinds outside AWS have nothing in AWS to compare.
 */
export interface LivePart<T, P> {
  /** The target's report against the exports; undefined outside AWS. Throws `Incomplete` when an export it needs is missing. */
  compare(p: P, required: ReadonlyMap<number, readonly AddressRange[]>, live: LiveExports): TargetReport | undefined;
  /** The AWS CLI commands that export these targets (all of this kind, in one account and region: `flags`, `suffix` of the file names). */
  exportCommands(targets: readonly T[], flags: string, suffix: string): string[];
  /** The Terraform addresses of the plan's rules that `mailgate adopt` may import (AWS keeps an id for each). */
  importable(p: P): readonly string[];
  /**
   * Whether `mailgate adopt` may find the plan's rules already in AWS: `existing` (they can be
   * made by hand in a container that exists: an existing security group), `created` (mailgate
   * creates the container, so none exists before the first apply), undefined (never adopted).
   */
  adoption(p: P): "existing" | "created" | undefined;
}
