import type { Cidr } from "../model/cidr";
import type { OnPremFirewallTarget } from "../model/config";
import { code, listsText } from "../model/labels";
import type { PlannedRule } from "../policy/planned-rule";
import { plannedRows } from "./planned-rows";
import { type ArtifactReportRule, type ReportNeed, type ReportRule, type Row } from "./report-rows";

/**
 * What the report's rows and target entries of targets outside AWS (nftables, Windows Firewall,
 * allowlists: lib/kinds/<kind>/report.ts) share. One row per (port, CIDR) a file admits, so the
 * coverage proof and the rule tables read them like any other rows; `artifact` (and the set or
 * rule name) says where in which file the rule is, as `terraformAddress` does for AWS.
 */

/** The rows of a file's rule, one per (port, CIDR) it admits: `destinations` limit what it admits (nftables with `destinations`). */
export function artifactRows(
  p: { readonly type: OnPremFirewallTarget["type"]; readonly target: { readonly name: string } },
  planned: PlannedRule<unknown>,
  artifact: string,
  extra: Pick<ArtifactReportRule, "nftSet" | "windowsRule">,
  destinations?: readonly Cidr[],
): Row[] {
  const target = p.target.name;
  return plannedRows(target, planned, ({ direction, ...columns }) => ({ target, type: p.type, direction, protocol: "tcp", ...columns, artifact, ...extra }), destinations);
}

/** What every entry of a target outside AWS starts with, in the report's key order. */
export function onPremTargetBase<K extends OnPremFirewallTarget["type"]>(
  p: { readonly type: K; readonly target: { readonly name: string }; readonly artifacts: readonly string[] },
  rules: number,
  needs: readonly ReportNeed[],
) {
  return { target: p.target.name, artifacts: p.artifacts, rules, needs, type: p.type };
}

/** The Markdown table of a file's rules: port, CIDR, lists and where in the file (`place`). */
export function artifactRuleTable(column: string, rules: readonly ReportRule[], place: (r: ArtifactReportRule) => string): string[] {
  const own = rules.filter((r): r is ArtifactReportRule => "artifact" in r);
  return [`| Port | CIDR | Lists | ${column} |`, "| --- | --- | --- | --- |", ...own.map((r) => `| tcp/${r.fromPort} | ${r.cidr ?? ""} | ${listsText(r.lists)} | ${place(r)} |`)];
}

/** Nothing applies a file outside AWS by itself: what to do once the change is merged (`merged`), or that it is gone. */
export function fileApplyNote(artifacts: readonly string[], removed: boolean, merged: (files: string) => string): string {
  const files = artifacts.map(code).join(", ");
  if (removed) return `Not Terraform: remove mailgate's rules from the firewall by hand (the files ${files} are no longer written).`;
  return `Not Terraform: after merge, ${merged(files)}.`;
}
