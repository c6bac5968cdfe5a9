import type { SourceExcerpt, SourcePosition } from "./position";

/** Where a target is defined in the YAML (its key under `firewalls:`), with the caret excerpt. */
export type TargetPosition = SourcePosition & { readonly excerpt?: SourceExcerpt };

/** What every target has, wherever its rules go. */
export interface TargetBase {
  /** The key under `firewalls:`; safe alphabet, used in Terraform names and artifact file names. */
  readonly name: string;
  /**
   * Where the target is defined, so problems found only after the policy has counted the rules
   * (quotas, rule numbers, capacity) can be reported there. Set by the loader; absent in configs
   * built in code. Never reaches any output.
   */
  readonly position?: TargetPosition;
}

/** An AWS target: its rules go into a Terraform stack of its account and region. */
export interface FirewallBase extends TargetBase {
  readonly region: string;
  /**
   * The AWS account (12 digits) the target lives in: the stack is then `mailgate-<account>-<region>`
   * and its provider refuses to run against any other account. Taken from `roleArn` when only
   * that is given.
   */
  readonly account?: string;
  /** An IAM role the stack's provider assumes (cross-account deployment from one CI identity). */
  readonly roleArn?: string;
  /**
   * A read-only IAM role the provider assumes instead of `roleArn` when synthesized for a plan of
   * unmerged code (`MAILGATE_ASSUME=plan`): pull-request code never holds the deploy role.
   */
  readonly planRoleArn?: string;
  /**
   * The stack's name, given explicitly: keeps a target in the stack (the Terraform state) it was
   * first placed in when `account` or `roleArn` is added later.
   * @default `mailgate-<region>` or `mailgate-<account>-<region>` (lib/model/stack.ts)
   */
  readonly stack?: string;
  /**
   * The name this target had before: its resources are moved (Terraform `moved` blocks) to the
   * new name's addresses instead of being destroyed and created again, and it keeps its groups,
   * rule numbers and sids. Harmless once applied; remove it any time after.
   */
  readonly renamedFrom?: string;
}
