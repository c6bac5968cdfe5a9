import { z } from "zod";
import { awsAccess, region } from "../schema-fields";
import { BOUNDS } from "../schema-bounds";

const ruleNumber = z.int().min(BOUNDS.ruleNumber.min).max(BOUNDS.ruleNumber.max);

/** An existing network ACL mailgate adds numbered rules to. */
export const networkAclSchema = z.strictObject({
  type: z.literal("aws-network-acl"),
  region,
  ...awsAccess,
  networkAclId: z.string().meta({ description: "The existing network ACL to add rules to (acl-...)" }),
  ruleNumbers: z
    .strictObject({
      from: ruleNumber.meta({ description: "Lowest rule number mailgate may use (1-32766)" }),
      to: ruleNumber.meta({ description: "Highest rule number mailgate may use (1-32766)" }),
    })
    .meta({ description: "The rule numbers mailgate may use in each direction; keep other rules out of this range" }),
  maxRules: z
    .int()
    .min(BOUNDS.networkAclMaxRules.min)
    .max(BOUNDS.networkAclMaxRules.max)
    .optional()
    .meta({
      description:
        "The ACL's quota of rules per direction and address family (AWS: 20, at most 40), less your own rules in it; the default deny rule counts, so mailgate uses at most maxRules - 1. @default 20",
    }),
});
