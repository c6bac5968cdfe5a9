import { awsRowBase, awsTargetBase } from "../../audit/aws-report";
import { plannedRows, type RuleColumns } from "../../audit/planned-rows";
import type { AwsReportRule, ReportTargetBase, Row } from "../../audit/report-rows";
import { code, listsText, plural } from "../../model/labels";
import { ruleGroupAddress } from "../../terraform/names";
import type { ReportPart } from "../report-part";
import type { NetworkFirewallPolicy } from "./plan";

export type NetworkFirewallReportTarget = ReportTargetBase & {
  readonly type: "aws-network-firewall";
  readonly networkFirewall: {
    readonly ruleGroupName: string;
    readonly terraformAddress: string;
    readonly destinations: readonly string[];
    readonly capacity: number;
    /** `kept`: the capacity the group was created with, kept while its rules fit. */
    readonly capacitySource: "given" | "kept" | "computed";
    readonly ruleOrder: "DEFAULT_ACTION_ORDER" | "STRICT_ORDER";
  };
};

function rows(p: NetworkFirewallPolicy): Row[] {
  const target = p.target.name;
  const base = awsRowBase(p);
  const terraformAddress = ruleGroupAddress(target);
  return p.plannedRules.flatMap((rule) =>
    plannedRows(target, rule, (columns) => ruleRow(base, columns, terraformAddress, rule.destination.toString(), rule.place.sid)),
  );
}

/**
 * A stateful rule's row, key by key in the report's order (`base`'s keys, the rule's, then the
 * rule group's). Written out rather than spread, as the security groups' rows are: a spread after
 * an object's first key takes V8's slow path.
 */
function ruleRow(base: ReturnType<typeof awsRowBase>, columns: RuleColumns, terraformAddress: string, destination: string, sid: number): AwsReportRule {
  const { target, type, region, stack, protocol } = base;
  const { direction, fromPort, toPort, cidr, lists } = columns;
  return { target, type, region, stack, direction, protocol, fromPort, toPort, cidr, lists, terraformAddress, destination, sid };
}

export const networkFirewallReport: ReportPart<NetworkFirewallPolicy, NetworkFirewallReportTarget> = {
  rows,
  target: (p, rules, needs) => ({
    ...awsTargetBase(p, rules, needs),
    networkFirewall: {
      ruleGroupName: p.target.ruleGroupName,
      terraformAddress: ruleGroupAddress(p.target.name),
      destinations: p.target.destinations.map(String),
      capacity: p.capacity,
      capacitySource: p.capacitySource,
      ruleOrder: p.ruleOrder,
    },
  }),
  details: (target) => {
    const nfw = target.networkFirewall;
    return [
      `- Rule group: \`${nfw.ruleGroupName}\` (stateful, rule order ${nfw.ruleOrder}), created by mailgate; capacity ${nfw.capacity} (${nfw.capacitySource}) for ${plural(target.rules, "rule")}`,
      `- Destinations: ${nfw.destinations.join(", ")}`,
    ];
  },
  ruleTable: (target, rules) => [
    `Stateful rules of \`${target.networkFirewall.terraformAddress}\` (PASS, TCP, any source port, direction FORWARD):`,
    "",
    "| Sid | Destination | Port | Source | Lists |",
    "| --- | --- | --- | --- | --- |",
    ...rules.map((r) => `| ${r.sid ?? ""} | ${r.destination ?? ""} | tcp/${r.fromPort} | ${r.cidr ?? ""} | ${listsText(r.lists)} |`),
  ],
  placeLabel: "Firewall",
  placeText: (target) => `rule group ${code(target.networkFirewall.ruleGroupName)}, capacity ${target.networkFirewall.capacity}`,
  changeNotes: () => [],
  applyNote: () => undefined,
};
