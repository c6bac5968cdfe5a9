import { awsRowBase, awsTargetBase } from "../../audit/aws-report";
import { plannedRows, type RuleColumns } from "../../audit/planned-rows";
import type { AwsReportRule, ReportTargetBase, Row } from "../../audit/report-rows";
import type { Cidr } from "../../model/cidr";
import { code, listsText } from "../../model/labels";
import type { FamilyCounts } from "../../policy/packing";
import { networkAclInboundAddress, networkAclReturnAddress } from "../../terraform/names";
import type { ReportPart } from "../report-part";
import { usableNetworkAclRules, type NetworkAclPolicy } from "./plan";

export type NetworkAclReportTarget = ReportTargetBase & {
  readonly type: "aws-network-acl";
  readonly networkAcl: {
    readonly id: string;
    readonly ruleNumbers: { readonly from: number; readonly to: number };
    /** The ACL's quota per direction and family, as configured. */
    readonly maxRules: number;
    /** What mailgate may use of it: the default deny rule counts against the quota. */
    readonly usableRules: number;
    readonly inbound: FamilyCounts;
    readonly outbound: FamilyCounts;
  };
};

function rows(p: NetworkAclPolicy): Row[] {
  const target = p.target.name;
  const base = awsRowBase(p);
  return [
    ...p.inbound.flatMap((rule) => plannedRows(target, rule, (columns) => ruleRow(base, columns, networkAclInboundAddress(target, rule.content), rule.place.ruleNumber))),
    // The ACL is stateless: the replies to the ephemeral ports need rules of their own.
    ...p.outbound.flatMap((rule) => plannedRows(target, rule, (columns) => ruleRow(base, columns, networkAclReturnAddress(target, rule.content.returnTo), rule.place.ruleNumber))),
  ];
}

/**
 * A rule's row, key by key in the report's order (`base`'s keys, the rule's, then the ACL's).
 * Written out rather than spread, as the security groups' rows are: a spread after an object's
 * first key takes V8's slow path.
 */
function ruleRow(base: ReturnType<typeof awsRowBase>, columns: RuleColumns, terraformAddress: string, ruleNumber: number): AwsReportRule {
  const { target, type, region, stack, protocol } = base;
  const { direction, fromPort, toPort, cidr, lists } = columns;
  return { target, type, region, stack, direction, protocol, fromPort, toPort, cidr, lists, terraformAddress, ruleNumber };
}

const count = (cidrs: readonly Cidr[]): FamilyCounts => ({ ipv4: cidrs.filter((c) => c.family === 4).length, ipv6: cidrs.filter((c) => c.family === 6).length });

export const networkAclReport: ReportPart<NetworkAclPolicy, NetworkAclReportTarget> = {
  rows,
  target: (p, rules, needs) => ({
    ...awsTargetBase(p, rules, needs),
    networkAcl: {
      id: p.target.networkAclId,
      ruleNumbers: { from: p.target.ruleNumbers.from, to: p.target.ruleNumbers.to },
      maxRules: p.maxRules,
      usableRules: usableNetworkAclRules(p.maxRules),
      inbound: count(p.inbound.map((r) => r.content.cidr)),
      outbound: count(p.outbound.map((r) => r.content.returnTo)),
    },
  }),
  details: (target) => {
    const acl = target.networkAcl;
    const used = (c: FamilyCounts) => `${c.ipv4} IPv4${c.ipv6 > 0 ? ` and ${c.ipv6} IPv6` : ""}`;
    return [
      `- Network ACL: existing \`${acl.id}\` (mailgate adds rules only), rule numbers ${acl.ruleNumbers.from}-${acl.ruleNumbers.to}`,
      `- Rules: ${used(acl.inbound)} inbound, ${used(acl.outbound)} outbound (return traffic) of ${acl.usableRules} per direction and family (quota ${acl.maxRules}, less the default deny rule)`,
    ];
  },
  ruleTable: (_target, allRules) => {
    const rules = allRules as readonly AwsReportRule[];
    return [
      "| Direction | Rule # | Ports | CIDR | Lists | Terraform address |",
      "| --- | --- | --- | --- | --- | --- |",
      ...rules.map(
        (r) =>
          `| ${r.direction === "ingress" ? "inbound" : "outbound (return)"} | ${r.ruleNumber ?? ""} | tcp/${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`} | ${r.cidr ?? ""} | ${listsText(r.lists)} | \`${r.terraformAddress}\` |`,
      ),
    ];
  },
  placeLabel: "Firewall",
  placeText: (target) => `network ACL ${code(target.networkAcl.id)}, rule numbers ${target.networkAcl.ruleNumbers.from}-${target.networkAcl.ruleNumbers.to}`,
  changeNotes: () => [],
  applyNote: () => undefined,
};
