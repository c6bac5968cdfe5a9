import { z } from "zod";

/**
 * What the schema of every kind's entry under `firewalls:` shares (lib/kinds/<kind>/schema.ts),
 * and the format's numeric bounds, which lib/config/schema.ts exports for the whole format.
 */

/**
 * Every numeric bound of the format, in one place: the schema below enforces them (and the JSON
 * schema for editors shows them); value checks that need a bound (a port inside an Exchange URL,
 * a quota) read it from here rather than restating it.
 */
export const BOUNDS = {
  port: { min: 1, max: 65535 },
  securityGroupMaxRules: { min: 1, max: 1000 },
  /** AWS: 20 rules per direction and family (40 at most), the default deny rule included, so 2 is the least that leaves mailgate one. */
  networkAclMaxRules: { min: 2, max: 40 },
  ruleNumber: { min: 1, max: 32766 },
  capacity: { min: 1, max: 30000 },
  /** One line of free text: `source`, `allowBroadRanges`. */
  text: { min: 1, max: 500 },
} as const;

/** AWS Network Firewall's two evaluation orders for stateful rule groups; a policy's must match its groups'. */
export const RULE_ORDERS = ["DEFAULT_ACTION_ORDER", "STRICT_ORDER"] as const;

export const region = z.string().meta({ description: "AWS region, e.g. us-east-1" });

/** Which AWS account a target is in, and the role that deploys it; common to every type. */
export const awsAccess = {
  account: z.string().optional().meta({ description: "AWS account id (12 digits, quoted): one stack per account and region" }),
  roleArn: z.string().optional().meta({ description: "IAM role the stack's provider assumes, arn:aws:iam::<account>:role/<name>" }),
  planRoleArn: z
    .string()
    .optional()
    .meta({ description: "Read-only IAM role assumed instead of roleArn when synthesized for a pull-request plan (MAILGATE_ASSUME=plan)" }),
  stack: z
    .string()
    .optional()
    .meta({ description: "Explicit stack name (mailgate-...): keeps the target in the state it started in when account or roleArn is added. @default mailgate-[<account>-]<region>" }),
  renamedFrom: z
    .string()
    .optional()
    .meta({ description: "The target's previous name: its resources are moved to the new name (Terraform moved blocks), never destroyed and re-created" }),
};
