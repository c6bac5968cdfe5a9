/** AWS account ids and IAM role ARNs, as config gives them. Pure; no AWS calls. */

/** Twelve digits, leading zeros included (AWS shows ids like 012345678901). */
export function isAccountId(text: string): boolean {
  return /^\d{12}$/.test(text);
}

export interface RoleArn {
  readonly partition: "aws" | "aws-cn" | "aws-us-gov";
  readonly account: string;
  /** Path and name, e.g. `mailgate/plan` for `role/mailgate/plan`. */
  readonly roleName: string;
}

/**
 * `arn:<partition>:iam::<account>:role/<path/name>`; IAM names allow `\w+=,.@-` and paths `/`.
 * Undefined when the text is not a role ARN (a user ARN, an instance profile, a typo).
 */
export function parseRoleArn(text: string): RoleArn | undefined {
  const match = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/.exec(text);
  if (!match || text.length > 2048) return undefined;
  return { partition: match[1] as RoleArn["partition"], account: match[2], roleName: match[3] };
}

/**
 * The partition a region belongs to (its ARNs' second field): `aws-cn` for `cn-*`, `aws-us-gov`
 * for `us-gov-*`, the isolated partitions for theirs, `aws` for every other region.
 */
export function partitionOfRegion(region: string): string {
  for (const [prefix, partition] of REGION_PARTITIONS) if (region.startsWith(prefix)) return partition;
  return "aws";
}

const REGION_PARTITIONS: readonly (readonly [string, string])[] = [
  ["cn-", "aws-cn"],
  ["us-gov-", "aws-us-gov"],
  ["us-isob-", "aws-iso-b"],
  ["us-isof-", "aws-iso-f"],
  ["us-iso-", "aws-iso"],
  ["eu-isoe-", "aws-iso-e"],
];
