import { isAccountId, parseRoleArn } from "../model/aws-account";
import { STACK_NAME } from "../model/stack";
import type { FileContext, PlainMap } from "./context";
import { messages } from "./messages";
import type { Path } from "./source";

/** `account`, the roles and `stack` of a target, resolved: the account comes from the role when only that is given. */
export type AwsAccess = { readonly account?: string; readonly roleArn?: string; readonly planRoleArn?: string; readonly stack?: string };

/** Checks a target's `account`, `roleArn`, `planRoleArn` and `stack`; undefined when one is bad (already reported). */
export function checkAwsAccess(ctx: FileContext, target: PlainMap, path: Path): AwsAccess | undefined {
  let ok = true;
  const account = typeof target.account === "string" ? target.account : undefined;
  if (account !== undefined && !isAccountId(account)) {
    ctx.report(messages.invalidAccountId(account), ctx.value([...path, "account"]));
    ok = false;
  }
  const roleArn = typeof target.roleArn === "string" ? target.roleArn : undefined;
  const role = roleArn === undefined ? undefined : parseRoleArn(roleArn);
  if (roleArn !== undefined && !role) {
    ctx.report(messages.invalidRoleArn(roleArn), ctx.value([...path, "roleArn"]));
    ok = false;
  }
  const planRoleArn = typeof target.planRoleArn === "string" ? target.planRoleArn : undefined;
  const planRole = planRoleArn === undefined ? undefined : parseRoleArn(planRoleArn);
  if (planRoleArn !== undefined && !planRole) {
    ctx.report(messages.invalidRoleArn(planRoleArn), ctx.value([...path, "planRoleArn"]));
    ok = false;
  }
  const stack = typeof target.stack === "string" ? target.stack : undefined;
  if (stack !== undefined && !STACK_NAME.test(stack)) {
    ctx.report(messages.invalidStackName(stack), ctx.value([...path, "stack"]));
    ok = false;
  }
  if (!ok || target.account === null || typeof target.account === "number" || typeof target.roleArn === "number") return undefined;
  if (account !== undefined && role && role.account !== account) {
    return ctx.report(messages.roleAccountMismatch(account, role.account), ctx.value([...path, "roleArn"]));
  }
  const resolved = account ?? role?.account;
  // The plan role reads what the deploy role writes: the same account, or the plan's provider
  // would be refused by `allowed_account_ids`.
  if (planRole && resolved !== undefined && planRole.account !== resolved) {
    return ctx.report(messages.roleAccountMismatch(resolved, planRole.account), ctx.value([...path, "planRoleArn"]));
  }
  // Never taken from the plan role: adding one must not rename the stack.
  return {
    ...(resolved ? { account: resolved } : {}),
    ...(roleArn ? { roleArn } : {}),
    ...(planRoleArn ? { planRoleArn } : {}),
    ...(stack ? { stack } : {}),
  };
}
