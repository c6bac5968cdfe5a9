/**
 * A stack is one Terraform state with one AWS provider: one per (account, region). Its name is
 * contract for CI (`cdktf plan <name>`): `mailgate-<region>` for targets without an account,
 * `mailgate-<account>-<region>` otherwise. Pure, so validation, policy and reports agree on it.
 */
export function stackName(target: { readonly account?: string; readonly region: string }): string {
  return target.account ? `mailgate-${target.account}-${target.region}` : `mailgate-${target.region}`;
}
