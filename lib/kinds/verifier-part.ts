import type { ConfiguredTargets, Findings } from "../verify/findings";
import type { WrittenStack } from "../verify/terraform-json";

/**
 * The verifier's part of an AWS kind (lib/kinds/verifiers.ts holds one per AWS kind): how the
 * kind's resources in the written `cdk.tf.json` read back into the permissions they open, each
 * matched to its target, and what no target explains or AWS would refuse. It never sees the
 * policy or the constructs: only the config's targets and the JSON (lib/verify/verify-terraform.ts).
 */
export type VerifierPart = {
  /** The Terraform resource types the kind writes: any other type in a stack is a bug. */
  readonly resourceTypes: readonly string[];
} & (
  | {
      /** Reads one stack's resources of the kind; called stack by stack, in name order. */
      readStack(stack: WrittenStack, configured: ConfiguredTargets, findings: Findings): void;
      readAll?: undefined;
    }
  | {
      /** Reads the kind's resources of every stack at once (what must be unique across stacks), after every `readStack`. */
      readAll(stacks: readonly WrittenStack[], configured: ConfiguredTargets, findings: Findings): void;
      readStack?: undefined;
    }
);
