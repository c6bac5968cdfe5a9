import type { AwsFirewallTarget } from "../model/config";
import { stackName } from "../model/stack";
import type { ReportNeed, ReportRule } from "./report-rows";

/** What every row of an AWS target starts with, in the report's key order. */
export function awsRowBase(p: { readonly type: AwsFirewallTarget["type"]; readonly target: AwsFirewallTarget }) {
  return {
    target: p.target.name,
    type: p.type,
    region: p.target.region,
    stack: stackName(p.target),
    direction: "ingress" as const,
    protocol: "tcp" as const,
  };
}

/** What every AWS target's entry starts with, in the report's key order. */
export function awsTargetBase<K extends AwsFirewallTarget["type"]>(p: { readonly type: K; readonly target: AwsFirewallTarget }, rules: number, needs: readonly ReportNeed[]) {
  const target = p.target;
  return {
    target: target.name,
    region: target.region,
    ...(target.account ? { account: target.account } : {}),
    stack: stackName(target),
    rules,
    needs,
    type: p.type,
  };
}

/** The source column of the Markdown tables: the CIDR, or the prefix list and its size. */
export function sourceText(r: ReportRule): string {
  if (r.prefixList) return `prefix list \`${r.prefixList.name}\` (${r.prefixList.entries.length} entries, max ${r.prefixList.maxEntries})`;
  return r.cidr ?? "";
}
