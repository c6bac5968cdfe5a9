import type { FirewallBase } from "../../model/target-base";
import type { TargetPart } from "../target-part";

/** An existing network ACL that mailgate adds numbered rules to. */
export type NetworkAclTarget = FirewallBase & {
  readonly type: "aws-network-acl";
  readonly networkAclId: string;
  /** The rule numbers mailgate may use, inclusive, in each direction; `from <= to`, both 1-32766. */
  readonly ruleNumbers: { readonly from: number; readonly to: number };
  /**
   * Rules per direction and address family (AWS's one-way quota).
   * @default 20 (AWS's default quota; at most 40)
   */
  readonly maxRules?: number;
};

/** In AWS: a stack's Terraform resources, no file of its own. */
export const networkAclTarget: TargetPart<NetworkAclTarget> = {
  aws: true,
  files: () => [],
  stateless: true,
  destinations: () => undefined,
};
