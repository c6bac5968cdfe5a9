import { isAccountId, parseRoleArn } from "../model/aws-account";
import type { FileContext, PlainMap } from "./context";
import { messages } from "./messages";
import type { Path } from "./source";

/** `account` and `roleArn` of a target, resolved: the account comes from the role when only that is given. */
export type AwsAccess = { readonly account?: string; readonly roleArn?: string };

/** Checks a target's `account` and `roleArn`; undefined when either is bad (already reported). */
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
  if (!ok || target.account === null || typeof target.account === "number" || typeof target.roleArn === "number") return undefined;
  if (account !== undefined && role && role.account !== account) {
    return ctx.report(messages.roleAccountMismatch(account, role.account), ctx.value([...path, "roleArn"]));
  }
  const resolved = account ?? role?.account;
  return { ...(resolved ? { account: resolved } : {}), ...(roleArn ? { roleArn } : {}) };
}
