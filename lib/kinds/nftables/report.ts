import { artifactRows, artifactRuleTable, fileApplyNote, onPremTargetBase } from "../../audit/onprem-report";
import type { ReportTargetCommon } from "../../audit/report-rows";
import type { HubSpotList } from "../../model/ip-catalog";
import { code, FAMILY_LABEL } from "../../model/labels";
import type { ReportPart } from "../report-part";
import type { NftablesPolicy } from "./plan";

export type NftablesReportTarget = ReportTargetCommon & {
  readonly type: "nftables";
  readonly artifacts: readonly string[];
  readonly nftables: {
    /** `inet filter` */
    readonly table: string;
    readonly chain: string;
    /** The servers' addresses the rules are limited to; null: any address of the host. */
    readonly destinations: readonly string[] | null;
    readonly sets: readonly { readonly name: string; readonly family: "IPv4" | "IPv6"; readonly lists: readonly HubSpotList[]; readonly entries: readonly string[] }[];
  };
};

export const nftablesReport: ReportPart<NftablesPolicy, NftablesReportTarget> = {
  // With `destinations` a rule admits each destination of its family; without, any address of the host.
  rows: (p) =>
    p.plannedRules.flatMap((r) => artifactRows(p, r, p.artifacts[0], { nftSet: r.place.set }, p.target.destinations === undefined ? undefined : r.place.destinations)),
  target: (p, rules, needs) => ({
    ...onPremTargetBase(p, rules, needs),
    nftables: {
      table: `${p.target.table.family} ${p.target.table.name}`,
      chain: p.target.chain,
      destinations: p.target.destinations?.map(String) ?? null,
      sets: p.sets.map((s) => ({ name: s.name, family: FAMILY_LABEL[s.family], lists: s.lists, entries: s.entries.map(String) })),
    },
  }),
  details: (target) => {
    const n = target.nftables;
    return [
      `- nftables: table \`${n.table}\`, regular chain \`${n.chain}\` (mailgate owns the chain and its sets; your input chain jumps to it), ${n.sets.length} set${n.sets.length === 1 ? "" : "s"}`,
      `- Destinations: ${n.destinations === null ? "any address of the host" : n.destinations.join(", ")}`,
    ];
  },
  ruleTable: (_target, rules) => artifactRuleTable("Set", rules, (r) => `\`${r.nftSet ?? ""}\``),
  placeLabel: "nftables",
  placeText: (target) => `table ${code(target.nftables.table)}, chain ${code(target.nftables.chain)}${target.nftables.destinations ? ` to ${target.nftables.destinations.join(", ")}` : ""}`,
  changeNotes: () => [],
  applyNote: (target, removed) => fileApplyNote(target.artifacts, removed, (files) => `load ${files} on the host with \`nft -f\` (loading again changes nothing)`),
};
