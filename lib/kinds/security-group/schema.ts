import { z } from "zod";
import { awsAccess, region } from "../schema-fields";
import { BOUNDS } from "../schema-bounds";

/** A security group mailgate creates (`vpcId` + `name`) or adds rules to (`securityGroupId`). */
export const securityGroupSchema = z.strictObject({
  type: z.literal("aws-security-group"),
  region,
  ...awsAccess,
  vpcId: z.string().optional().meta({ description: "VPC of the group mailgate creates (with `name`)" }),
  name: z.string().optional().meta({ description: "Name of the group mailgate creates (with `vpcId`); split groups get -2, -3, ..." }),
  securityGroupId: z.string().optional().meta({ description: "An existing group to add rules to" }),
  sources: z
    .enum(["cidrs", "prefix-lists"])
    .optional()
    .meta({ description: "cidrs: one rule per (CIDR, port); prefix-lists: rules reference managed prefix lists mailgate creates. @default cidrs" }),
  maxRules: z
    .int()
    .min(BOUNDS.securityGroupMaxRules.min)
    .max(BOUNDS.securityGroupMaxRules.max)
    .optional()
    .meta({ description: "Inbound rules per group and address family (a prefix-list rule weighs its max_entries). @default 60" }),
});
