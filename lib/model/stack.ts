/**
 * A stack is one Terraform state with one AWS provider: one per (account, region). Its name is
 * contract for CI (`cdktf plan <name>`): `mailgate-<region>` for targets without an account,
 * `mailgate-<account>-<region>` otherwise, or the target's explicit `stack` (which keeps a
 * target in the state it started in when an account is added later). Pure, so validation,
 * policy and reports agree on it.
 */
export function stackName(target: { readonly account?: string; readonly region: string; readonly stack?: string }): string {
  if (target.stack !== undefined) return target.stack;
  return derivedStackName(target);
}

/** The name a target's stack has without an explicit `stack`. */
export function derivedStackName(target: { readonly account?: string; readonly region: string }): string {
  return target.account ? `mailgate-${target.account}-${target.region}` : `mailgate-${target.region}`;
}

/** Stack names become directory names under cdktf.out/stacks and state keys: a safe alphabet. */
export const STACK_NAME = /^mailgate-[a-z0-9][a-z0-9-]{0,62}$/;

/** What a stack's provider is configured with: every target in one stack must agree on it. */
export interface StackIdentity {
  readonly region: string;
  readonly account?: string;
  readonly roleArn?: string;
  readonly planRoleArn?: string;
}

export function stackIdentity(target: StackIdentity): StackIdentity {
  return {
    region: target.region,
    ...(target.account !== undefined ? { account: target.account } : {}),
    ...(target.roleArn !== undefined ? { roleArn: target.roleArn } : {}),
    ...(target.planRoleArn !== undefined ? { planRoleArn: target.planRoleArn } : {}),
  };
}
