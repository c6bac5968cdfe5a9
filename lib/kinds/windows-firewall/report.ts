import { artifactRows, artifactRuleTable, fileApplyNote, onPremTargetBase } from "../../audit/onprem-report";
import type { ReportTargetCommon } from "../../audit/report-rows";
import { code } from "../../model/labels";
import type { ReportPart } from "../report-part";
import type { WindowsFirewallPolicy } from "./plan";

export type WindowsFirewallReportTarget = ReportTargetCommon & {
  readonly type: "windows-firewall";
  readonly artifacts: readonly string[];
  readonly windowsFirewall: {
    readonly group: string;
    readonly rules: readonly { readonly displayName: string; readonly port: number; readonly remoteAddresses: number }[];
  };
};

export const windowsFirewallReport: ReportPart<WindowsFirewallPolicy, WindowsFirewallReportTarget> = {
  rows: (p) => p.plannedRules.flatMap((r) => artifactRows(p, r, p.artifacts[0], { windowsRule: r.place.displayName })),
  target: (p, rules, needs) => ({
    ...onPremTargetBase(p, rules, needs),
    windowsFirewall: {
      group: p.target.group,
      rules: p.plannedRules.map((r) => ({ displayName: r.place.displayName, port: r.content.port, remoteAddresses: r.admits.length })),
    },
  }),
  details: (target) => [
    `- Windows Firewall: rule group \`${target.windowsFirewall.group}\` (the script replaces this group's rules and no others), ${target.windowsFirewall.rules.length} inbound rules`,
  ],
  ruleTable: (_target, rules) => artifactRuleTable("Rule", rules, (r) => r.windowsRule ?? ""),
  placeLabel: "Windows Firewall",
  placeText: (target) => `rule group ${code(target.windowsFirewall.group)}`,
  changeNotes: () => [],
  applyNote: (target, removed) => fileApplyNote(target.artifacts, removed, (files) => `run ${files} on the server as Administrator (it replaces the rule group)`),
};
