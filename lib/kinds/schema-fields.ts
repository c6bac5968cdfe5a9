import { z } from "zod";

/**
 * What the schema of every kind's entry under `firewalls:` shares (lib/kinds/<kind>/schema.ts).
 * The format's numeric bounds are in ./schema-bounds.ts, free of zod, so the value checks load
 * without it.
 */

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
