import type { FirewallBase } from "../../model/target-base";
import type { TargetPart } from "../target-part";

/** How security group rules name HubSpot's sources. */
export type SecurityGroupSources = "cidrs" | "prefix-lists";

/** Either a group mailgate creates (`vpcId` + `groupName`) or an existing group's id. */
export type SecurityGroupTarget = FirewallBase & {
  readonly type: "aws-security-group";
  /**
   * `cidrs`: one rule per (CIDR, port). `prefix-lists`: one rule per (HubSpot list, port) that
   * references a managed prefix list mailgate creates in the stack.
   * @default "cidrs"
   */
  readonly sources?: SecurityGroupSources;
  /**
   * Inbound rules per group and address family, counted as AWS counts them (a rule that
   * references a prefix list weighs the list's `max_entries`).
   * @default 60 (AWS's default quota)
   */
  readonly maxRules?: number;
} & (
    | { readonly create: { readonly vpcId: string; readonly groupName: string }; readonly securityGroupId?: undefined }
    | { readonly create?: undefined; readonly securityGroupId: string }
  );

/** In AWS: a stack's Terraform resources, no file of its own. */
export const securityGroupTarget: TargetPart<SecurityGroupTarget> = {
  aws: true,
  files: () => [],
  stateless: false,
  destinations: () => undefined,
};
