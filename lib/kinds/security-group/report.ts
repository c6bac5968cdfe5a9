import { awsRowBase, awsTargetBase, sourceText } from "../../audit/aws-report";
import { plannedRows, type RuleColumns } from "../../audit/planned-rows";
import { type AwsReportRule, type ReportGroup, type ReportPrefixListRef, type ReportTargetBase, type Row } from "../../audit/report-rows";
import { code, listsText } from "../../model/labels";
import { groupAddress, prefixListAddress, prefixListName, prefixListRuleAddress, ruleAddress } from "../../terraform/names";
import type { ReportPart } from "../report-part";
import type { SecurityGroupPolicy } from "./plan";

export type SecurityGroupReportTarget = ReportTargetBase & {
  readonly type: "aws-security-group";
  readonly securityGroup: { readonly create: { readonly vpcId: string; readonly name: string } } | { readonly id: string };
  readonly sources: "cidrs" | "prefix-lists";
  readonly maxRules: number;
  readonly groups: readonly ReportGroup[];
};

function rows(p: SecurityGroupPolicy): Row[] {
  const target = p.target.name;
  const base = awsRowBase(p);
  // Loops that push, not nested flatMaps: thousands of rules, most of them one row each.
  const out: Row[] = [];
  for (const group of p.groups) {
    const securityGroup = group.groupName ?? p.target.securityGroupId ?? "";
    for (const rule of group.ingress) {
      const content = rule.content;
      const ruleRows = plannedRows(target, rule, (columns) =>
        "cidr" in content
          ? ruleRow(base, columns, ruleAddress(target, content), securityGroup)
          : ruleRow(base, columns, prefixListRuleAddress(target, content.port, content.prefixList), securityGroup, {
              name: prefixListName(content.prefixList),
              terraformAddress: prefixListAddress(content.prefixList),
              maxEntries: content.prefixList.maxEntries,
              entries: content.prefixList.entries.map(String),
            }),
      );
      for (const row of ruleRows) out.push(row);
    }
  }
  return out;
}

/**
 * A rule's row, key by key in the report's order (`base`'s keys, the rule's, then the group's).
 * Written out rather than `{ ...base, ...columns, ... }`: a spread after the first one takes V8's
 * slow path, and that was most of building the rows (~20 ms of 6,000 rows at 10,000 domains).
 */
function ruleRow(base: ReturnType<typeof awsRowBase>, columns: RuleColumns, terraformAddress: string, securityGroup: string, prefixList?: ReportPrefixListRef): AwsReportRule {
  const { target, type, region, stack, protocol } = base;
  const { direction, fromPort, toPort, cidr, lists } = columns;
  return prefixList
    ? { target, type, region, stack, direction, protocol, fromPort, toPort, cidr, lists, terraformAddress, securityGroup, prefixList }
    : { target, type, region, stack, direction, protocol, fromPort, toPort, cidr, lists, terraformAddress, securityGroup };
}

function details(target: SecurityGroupReportTarget): string[] {
  const sg = target.securityGroup;
  const used = (g: ReportGroup) => `${g.weight.ipv4} IPv4${g.weight.ipv6 > 0 ? ` and ${g.weight.ipv6} IPv6` : ""}`;
  const lines =
    "create" in sg
      ? target.groups.length === 1
        ? [
            `- Security group: created by mailgate: \`${sg.create.name}\` in \`${sg.create.vpcId}\``,
            `- Quota: ${used(target.groups[0])} of ${target.maxRules} rules per family used`,
          ]
        : [
            `- Security groups: created by mailgate in \`${sg.create.vpcId}\`, split into ${target.groups.length} to stay within ${target.maxRules} rules per family; attach all of them:`,
            ...target.groups.map((g) => `  - \`${g.group}\`: ${used(g)} rules used`),
          ]
      : [
          `- Security group: existing \`${sg.id}\` (mailgate adds rules only)`,
          `- Quota: ${used(target.groups[0])} of ${target.maxRules} rules per family used, plus any rules already in the group`,
        ];
  if (target.sources === "prefix-lists") lines.push("- Sources: prefix lists (a rule referencing one weighs its max entries)");
  return lines;
}

export const securityGroupReport: ReportPart<SecurityGroupPolicy, SecurityGroupReportTarget> = {
  rows,
  target: (p, rules, needs) => {
    const t = p.target;
    return {
      ...awsTargetBase(p, rules, needs),
      securityGroup: t.create ? { create: { vpcId: t.create.vpcId, name: t.create.groupName } } : { id: t.securityGroupId },
      sources: p.sources,
      maxRules: p.maxRules,
      groups: p.groups.map((g) => ({
        group: g.groupName ?? t.securityGroupId ?? "",
        ...(t.create ? { terraformAddress: groupAddress(t.name, g.index) } : {}),
        rules: g.ingress.length,
        weight: g.weight,
      })),
    };
  },
  details,
  ruleTable: (target, allRules) => {
    // An AWS target's rows are all AWS rules (its `rows`).
    const rules = allRules as readonly AwsReportRule[];
    const split = target.groups.length > 1;
    return [
      `| Port | ${target.sources === "cidrs" ? "CIDR" : "Source"} | Lists |${split ? " Group |" : ""} Terraform address |`,
      `| --- | --- | --- |${split ? " --- |" : ""} --- |`,
      ...rules.map((r) => `| tcp/${r.fromPort} | ${sourceText(r)} | ${listsText(r.lists)} |${split ? ` ${r.securityGroup ?? ""} |` : ""} \`${r.terraformAddress}\` |`),
    ];
  },
  placeLabel: "Security group",
  placeText: (target) => {
    const sg = target.securityGroup;
    const groups = target.groups.length > 1 ? ` (${target.groups.length} groups: ${target.groups.map((g) => code(g.group)).join(", ")})` : "";
    return "create" in sg ? `created by mailgate, ${code(sg.create.name)} in ${code(sg.create.vpcId)}${groups}` : `existing ${code(sg.id)}`;
  },
  // A group added by a split admits nothing until it is attached.
  changeNotes: (name, before, after) =>
    after.groups
      .slice(before.groups.length)
      .map((group) => `New security group ${code(group.group)}: after apply, attach it to the mail servers' network interfaces with the others (output ${code(`${name}_security_group_ids`)}).`),
  applyNote: () => undefined,
};
