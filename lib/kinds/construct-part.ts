import type { Construct } from "constructs";

/** What every target's constructs in one stack share: created once per stack (lib/aws/region-stack.ts). */
export interface StackShared {
  /** HubSpot list key -> the id of the prefix list the stack creates for it (security group rules reference them). */
  readonly prefixListIds: ReadonlyMap<string, string>;
  /** Terraform address -> `sgr-` id of a rule made by hand, imported instead of created (adopted.json). */
  readonly adopted?: ReadonlyMap<string, string>;
}

/**
 * The cdktf edge's part of an AWS kind (lib/kinds/constructs.ts holds one per AWS kind; the kinds
 * outside AWS write files instead, render.ts): the constructs of one target's plan in its stack.
 * `P` is the kind's plan.
 */
export interface ConstructPart<P extends { readonly target: { readonly name: string } }> {
  /** Adds the plan's constructs under `scope`, with the target's name as their id. */
  add(scope: Construct, policy: P, shared: StackShared): void;
}
