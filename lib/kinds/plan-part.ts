import type { IpFamily } from "../model/cidr";
import type { FirewallTarget } from "../model/config";
import type { IpCatalog } from "../model/ip-catalog";
import type { IdentityField, KeyedPair, LeavingRules, TargetIdentity, TargetPlacement } from "../policy/placement-types";
import type { PrefixListPlan, PrefixListRegistry } from "../policy/prefix-lists";
import type { ApplyProblem, LifecycleProblem, LimitProblem } from "../policy/problems";
import type { FirewallRule, Need } from "../policy/rule";

/**
 * The policy's part of a kind of target (lib/kinds/plans.ts holds one per kind): how the kind lays
 * out the rules its domains need (`FirewallRule`s) as the rules its firewall holds (`PlannedRule`s,
 * lib/policy/planned-rule.ts), what AWS or the firewall would refuse of that layout, and what
 * placements remember of it. `T` is the kind's target, `P` its plan.
 */
export interface PlanPart<T, P> {
  /** The target's plan from the rules its domains need. Never fails: what it cannot hold is left for `limits`. */
  plan(target: T, input: PlanInput): P;
  /**
   * Whether a target left without domains stays planned, without rules, while it is defined and
   * was placed (lib/policy/build.ts says why some do).
   */
  keptWhileDefined(target: T, placed: TargetPlacement): boolean;
  /** Names the plan takes where AWS allows each once across targets (created group names per VPC). */
  claims(p: P): readonly Claim[];
  /** The prefix lists the plan's rules reference, rule by rule (a stack creates exactly those its targets use). */
  prefixListsUsed(p: P): readonly PrefixListPlan[];
  /** What AWS or the firewall would refuse of the plan: quotas, numbers, capacity, sizes. */
  limits(p: P, context: LimitContext): LimitProblem[];
  /** What the plan would do to what the last synth placed that AWS would not take (an AWS target still in its stack). */
  lifecycle(p: P, placed: TargetPlacement | undefined): LifecycleProblem[];
  /** What the placements file remembers of the plan; undefined outside AWS (files are rewritten whole). */
  placement(p: P, stack: string): TargetPlacement | undefined;
  /** What identifies the target's resources in AWS; undefined outside AWS. */
  identity(target: T): TargetIdentity | undefined;

  // What an apply of a change does while it runs (lib/policy/apply-safety.ts, lib/policy/leaving.ts).

  /** What a change of identity (`field`, the first that differs) does in AWS: its resources are replaced. Undefined outside AWS. */
  identityChange(target: T, field: IdentityField, placed: TargetPlacement, now: TargetIdentity): ApplyProblem | undefined;
  /** Quotas the apply overruns while the old and the new rules both exist. */
  applyPeaks(p: P, placed: TargetPlacement, left: LeavingRules | undefined, weightOf: (key: string, family: IpFamily) => number): ApplyProblem[];
  /** The keys placements record for the plan's inbound rules. */
  placedKeys(p: P): string[];
  /** Every (port, CIDR) pair the plan's inbound rules admit, with the rule's key. */
  keyedPairs(p: P): KeyedPair[];
  /** The expand phase's plan: `p` plus the rules leaving it, kept in their group or at their number. */
  expand(p: P, leaving: LeavingRules, prefixLists: PrefixListRegistry): P;
  /** A target removed from the config, as an empty plan of what its leaving record says it was; undefined for a record of another kind. */
  fromLeaving(name: string, leaving: LeavingRules, access: StackAccess): P | undefined;
}

/** A removed target's stack, from placements.json: enough to render its leaving rules there. */
export interface StackAccess {
  readonly name: string;
  readonly region: string;
  readonly stack: string;
  readonly account?: string;
  readonly roleArn?: string;
  readonly planRoleArn?: string;
}

export interface PlanInput {
  /** What the target's domains need of it. */
  readonly needs: readonly Need[];
  /** The exact (port, CIDR) rules those needs make. */
  readonly rules: readonly FirewallRule[];
  readonly catalog: IpCatalog;
  /** Where the last synth placed the target (under its name, or its old name when renamed). */
  readonly placed: TargetPlacement | undefined;
  /** Whether the last synth knew the target by its present name. */
  readonly placedUnderOwnName: boolean;
  /** The prefix lists every target shares. */
  readonly prefixLists: PrefixListRegistry;
}

/** A name a plan takes in a namespace AWS keeps unique (`key` says which name in which namespace). */
export interface Claim {
  readonly key: string;
  readonly target: string;
}

export interface LimitContext {
  readonly catalog: IpCatalog;
  /** Every plan's claims: key -> the target that claims it. */
  readonly claimed: ReadonlyMap<string, string>;
}

/**
 * The members of a kind outside AWS: nothing of it is kept in place, claimed, identified, counted
 * during an apply or left behind; its files are rewritten whole.
 */
export const OUTSIDE_AWS = {
  keptWhileDefined: () => false,
  prefixListsUsed: () => [],
  claims: () => [],
  lifecycle: () => [],
  placement: () => undefined,
  identity: () => undefined,
  identityChange: () => undefined,
  applyPeaks: () => [],
  placedKeys: () => [],
  keyedPairs: () => [],
  expand: <P>(p: P): P => p,
  fromLeaving: () => undefined,
} as const;

/** `identityChange` of a kind whose identity is one AWS object: AWS replaces it, for `why`. */
export function identityReplaced<T extends FirewallTarget>(what: string, why: string): PlanPart<T, unknown>["identityChange"] {
  return (target, field, placed, now) => ({ kind: "identity-changed", target, what, was: placed[field] ?? "", now: now[field] ?? "", why });
}
