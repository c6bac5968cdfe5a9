import { artifactRows, artifactRuleTable, fileApplyNote, onPremTargetBase } from "../../audit/onprem-report";
import type { ReportTargetCommon } from "../../audit/report-rows";
import type { HubSpotList } from "../../model/ip-catalog";
import { code } from "../../model/labels";
import type { ReportPart } from "../report-part";
import { portsOf, type AllowlistPolicy } from "./plan";

export type AllowlistReportTarget = ReportTargetCommon & {
  readonly type: "allowlist";
  readonly artifacts: readonly string[];
  readonly allowlist: {
    readonly maxEntries: number;
    readonly files: readonly { readonly file: string; readonly lists: readonly HubSpotList[]; readonly ports: readonly number[]; readonly entries: number }[];
  };
};

export const allowlistReport: ReportPart<AllowlistPolicy, AllowlistReportTarget> = {
  rows: (p) => p.plannedRules.flatMap((r) => artifactRows(p, r, r.place.file, {})),
  target: (p, rules, needs) => ({
    ...onPremTargetBase(p, rules, needs),
    allowlist: {
      maxEntries: p.maxEntries,
      files: p.files.map((f) => ({ file: f.file, lists: f.lists, ports: portsOf(p, f.file), entries: f.entries.length })),
    },
  }),
  details: (target) => [
    `- Address lists (Palo Alto EDL / FortiGate threat feed format), at most ${target.allowlist.maxEntries} entries each:`,
    ...target.allowlist.files.map((f) => `  - \`${f.file}\`: ${f.entries} entries, the source of ${f.ports.map((p) => `tcp/${p}`).join(", ")}`),
  ],
  ruleTable: (_target, rules) => artifactRuleTable("File", rules, (r) => `\`${r.artifact}\``),
  placeLabel: "Allowlists",
  placeText: (target) => `${target.allowlist.files.map((f) => code(f.file)).join(", ")} (at most ${target.allowlist.maxEntries} entries each)`,
  changeNotes: () => [],
  applyNote: (target, removed) => fileApplyNote(target.artifacts, removed, (files) => `publish ${files} where the firewall fetches its lists`),
};
