import type { Cidr } from "../model/cidr";
import type { HubSpotList } from "../model/ip-catalog";
import type { FirewallRule } from "../policy/firewall-policy";
import type { OnPremPolicy } from "../policy/onprem";
import type { OpenedRule } from "./coverage";
import type { ArtifactReportRule, OnPremReportTarget, ReportNeed, ReportRule, Row } from "./report-types";

/**
 * The audit report's rows and target entries for targets outside AWS (nftables, Windows
 * Firewall, allowlists). One row per (port, CIDR) a file admits, so the coverage proof and the
 * rule tables read them like any other rows; `artifact` (and the set or rule name) says where in
 * which file the rule is, as `terraformAddress` does for AWS.
 */


const FAMILY = { 4: "IPv4", 6: "IPv6" } as const;

export function onPremRows(p: OnPremPolicy): Row[] {
  const target = p.target.name;
  const row = (rule: FirewallRule, artifact: string, extra: Pick<ArtifactReportRule, "nftSet" | "windowsRule">, destinations?: readonly Cidr[]): Row => ({
    admits:
      destinations === undefined
        ? [{ target, port: rule.port, cidr: rule.cidr }]
        : destinations.map((destination): OpenedRule => ({ target, port: rule.port, cidr: rule.cidr, destination })),
    sortSource: rule.cidr,
    row: {
      target,
      type: p.type,
      direction: "ingress",
      protocol: "tcp",
      fromPort: rule.port,
      toPort: rule.port,
      cidr: rule.cidr.toString(),
      lists: rule.lists,
      artifact,
      ...extra,
    },
  });
  switch (p.type) {
    case "nftables":
      return p.chainRules.flatMap((r) =>
        r.rules.map((rule) => row(rule, p.artifacts[0], { nftSet: r.set }, p.target.destinations === undefined ? undefined : r.destinations)),
      );
    case "windows-firewall":
      return p.windowsRules.flatMap((r) => r.rules.map((rule) => row(rule, p.artifacts[0], { windowsRule: r.displayName })));
    case "allowlist": {
      const fileOf = new Map(p.files.flatMap((f) => f.ports.map((port) => [port, f.file] as const)));
      return p.rules.map((rule) => row(rule, fileOf.get(rule.port) ?? "", {}));
    }
  }
}

export function onPremTarget(p: OnPremPolicy, rules: number, needs: readonly ReportNeed[]): OnPremReportTarget {
  const base = { target: p.target.name, artifacts: p.artifacts, rules, needs };
  switch (p.type) {
    case "nftables":
      return {
        ...base,
        type: p.type,
        nftables: {
          table: `${p.target.table.family} ${p.target.table.name}`,
          chain: p.target.chain,
          destinations: p.target.destinations?.map(String) ?? null,
          sets: p.sets.map((s) => ({ name: s.name, family: FAMILY[s.family], lists: s.lists, entries: s.entries.map(String) })),
        },
      };
    case "windows-firewall":
      return {
        ...base,
        type: p.type,
        windowsFirewall: {
          group: p.target.group,
          rules: p.windowsRules.map((r) => ({ displayName: r.displayName, port: r.port, remoteAddresses: r.rules.length })),
        },
      };
    case "allowlist":
      return {
        ...base,
        type: p.type,
        allowlist: {
          maxEntries: p.maxEntries,
          files: p.files.map((f) => ({ file: f.file, lists: f.lists, ports: f.ports, entries: f.entries.length })),
        },
      };
  }
}

export function onPremDetails(target: OnPremReportTarget): string[] {
  switch (target.type) {
    case "nftables": {
      const n = target.nftables;
      return [
        `- nftables: table \`${n.table}\`, regular chain \`${n.chain}\` (mailgate owns the chain and its sets; your input chain jumps to it), ${n.sets.length} set${n.sets.length === 1 ? "" : "s"}`,
        `- Destinations: ${n.destinations === null ? "any address of the host" : n.destinations.join(", ")}`,
      ];
    }
    case "windows-firewall":
      return [`- Windows Firewall: rule group \`${target.windowsFirewall.group}\` (the script replaces this group's rules and no others), ${target.windowsFirewall.rules.length} inbound rules`];
    case "allowlist":
      return [
        `- Address lists (Palo Alto EDL / FortiGate threat feed format), at most ${target.allowlist.maxEntries} entries each:`,
        ...target.allowlist.files.map((f) => `  - \`${f.file}\`: ${f.entries} entries, the source of ${f.ports.map((p) => `tcp/${p}`).join(", ")}`),
      ];
  }
}

const LIST_LABEL: Record<HubSpotList, string> = { imap: "IMAP", smtp: "SMTP" };

export function onPremRuleTable(target: OnPremReportTarget, rules: readonly ReportRule[]): string[] {
  const lists = (r: ReportRule) => r.lists.map((l) => LIST_LABEL[l]).join(" + ");
  const own = rules.filter((r): r is ArtifactReportRule => "artifact" in r);
  switch (target.type) {
    case "nftables":
      return ["| Port | CIDR | Lists | Set |", "| --- | --- | --- | --- |", ...own.map((r) => `| tcp/${r.fromPort} | ${r.cidr ?? ""} | ${lists(r)} | \`${r.nftSet ?? ""}\` |`)];
    case "windows-firewall":
      return ["| Port | CIDR | Lists | Rule |", "| --- | --- | --- | --- |", ...own.map((r) => `| tcp/${r.fromPort} | ${r.cidr ?? ""} | ${lists(r)} | ${r.windowsRule ?? ""} |`)];
    case "allowlist":
      return ["| Port | CIDR | Lists | File |", "| --- | --- | --- | --- |", ...own.map((r) => `| tcp/${r.fromPort} | ${r.cidr ?? ""} | ${lists(r)} | \`${r.artifact}\` |`)];
  }
}
