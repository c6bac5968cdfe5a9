import { z } from "zod";
import { awsAccess, region } from "../schema-fields";
import { BOUNDS, RULE_ORDERS } from "../schema-bounds";

/** A stateful Network Firewall rule group mailgate creates. */
export const networkFirewallSchema = z.strictObject({
  type: z.literal("aws-network-firewall"),
  region,
  ...awsAccess,
  name: z.string().meta({ description: "Name of the stateful rule group mailgate creates" }),
  destinations: z.array(z.string()).min(1).meta({ description: "The mail servers' addresses behind the firewall (CIDRs or addresses)" }),
  capacity: z
    .int()
    .min(BOUNDS.capacity.min)
    .max(BOUNDS.capacity.max)
    .optional()
    .meta({ description: "Rule group capacity, fixed at creation (changing it replaces the group). @default computed: rules + 25% (at least 10), kept while the rules fit" }),
  replaceRuleGroup: z
    .boolean()
    .optional()
    .meta({
      description:
        "Once, for one apply: the rule group is detached from every firewall policy, so Terraform may replace it (a capacity change). Remove it after the apply. @default false",
    }),
  ruleOrder: z
    .enum(RULE_ORDERS)
    .optional()
    .meta({
      description:
        "The rule group's rule order; it must match the firewall policy's stateful engine options and cannot change after creation. @default DEFAULT_ACTION_ORDER (AWS's default) for a new group; an existing group keeps its order",
    }),
});
