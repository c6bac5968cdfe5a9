import type { Config } from "../model/config";
import { checkApply } from "./apply-safety";
import { buildPolicy } from "./build";
import { changeFingerprint, expandPolicy, leavingOf, renamesOf } from "./leaving";
import { checkLifecycle } from "./lifecycle";
import { placementsOf, type Placements } from "./placements";
import { PrefixListRegistry } from "./prefix-lists";
import type { PolicyProblem } from "./problems";
import { checkLimits } from "./quota";
import type { FirewallPolicy } from "./types";

/** A config planned against the last synth's placements, with everything the policy finds wrong. */
export interface PlannedConfig {
  readonly policy: FirewallPolicy;
  /** The placements after this config, with the rules leaving targets that stay (lib/policy/leaving.ts). */
  readonly placements: Placements;
  /** The expand phase's policy: `policy` plus the leaving rules; `policy` itself when nothing leaves. */
  readonly expand: FirewallPolicy;
  /** What AWS would refuse (limits), what the change from `previous` would break (lifecycle, apply), in that order. */
  readonly problems: readonly PolicyProblem[];
}

/**
 * The policy's one entry for validation: plan, place, and check, so the config goes down into
 * the policy once and its problems come back together, for validation to turn into diagnostics.
 */
export function planConfig(config: Config, previous: Placements): PlannedConfig {
  const policy = buildPolicy(config, previous);
  const placed = placementsOf(policy, previous);
  // The previous state, as far as this commit's expand phase needs it: recorded with the new one.
  // Computed only when read (a hash of the whole config, ~60 ms at 10,000 domains): most plans
  // have nothing leaving and no recorded fingerprint to compare with.
  let fingerprint: string | undefined;
  const fingerprintOnce = () => (fingerprint ??= changeFingerprint(config));
  const leaving = leavingOf(previous, placed, renamesOf(config), fingerprintOnce);
  const placements: Placements = leaving.size > 0 ? { ...placed, leaving, leavingFor: fingerprintOnce() } : placed;
  const expand = expandPolicy(policy, leaving, new PrefixListRegistry(policy.catalog, previous.prefixLists), placements.stacks);
  const emptyStacks = [...placements.stacks].filter(([, s]) => s.targets.length === 0).map(([name]) => name);
  const problems: PolicyProblem[] = [
    ...checkLimits(policy).map((problem) => ({ from: "limit" as const, problem })),
    ...checkLifecycle(policy, previous, emptyStacks).map((problem) => ({ from: "lifecycle" as const, problem })),
    ...checkApply(config, policy, previous, leaving, expand.prefixLists).map((problem) => ({ from: "apply" as const, problem })),
  ];
  return { policy, placements, expand, problems };
}
