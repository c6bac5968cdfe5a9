import { LIST_LABEL } from "../model/labels";
import { mergeSortedUnique } from "../model/text";
import type { FirewallReport, ReportNeed } from "../audit/report-types";

/** Per port, at most this many mail servers are drawn; the rest are counted. */
const MAX_SERVERS_PER_PORT = 5;

/**
 * A Mermaid flowchart (GitHub renders it) a reviewer takes in at a glance: HubSpot's lists, the
 * ports of each target they are opened to, and the mail servers behind each port. Node ids are
 * positions in the report's sorted order and labels are names, so the same report always draws
 * the same text. Labels come from validated names (targets, host names, IP literals): quotes and
 * brackets cannot occur, and the escape below is a second line of defence.
 */
export function renderFlowchart(report: FirewallReport): string[] {
  if (report.targets.length === 0) return [];
  const lines = ["```mermaid", "flowchart LR"];
  const used = new Set(report.targets.flatMap((t) => t.needs.map((n) => n.list)));
  for (const list of ["imap", "smtp"] as const) {
    if (used.has(list)) lines.push(`  ${list}(["HubSpot ${LIST_LABEL[list]} list"])`);
  }
  const servers = new Map<string, string>();
  const serverId = (host: string) => {
    let id = servers.get(host);
    if (!id) servers.set(host, (id = `s${servers.size + 1}`));
    return id;
  };
  const edges: string[] = [];
  report.targets.forEach((target, t) => {
    const where = "region" in target ? `${target.type}, ${target.region}` : target.type;
    lines.push(`  subgraph t${t + 1}["${label(`${target.target} (${where})`)}"]`);
    const ports = [...new Set(target.needs.map((n) => n.port))];
    for (const port of ports) {
      const id = `t${t + 1}p${port}`;
      lines.push(`    ${id}["tcp/${port}"]`);
      const needs = target.needs.filter((n) => n.port === port);
      for (const list of [...new Set(needs.map((n) => n.list))]) edges.push(`  ${list} --> ${id}`);
      const hosts = sortedHosts(needs);
      for (const host of hosts.slice(0, MAX_SERVERS_PER_PORT)) edges.push(`  ${id} --> ${serverId(host)}`);
      if (hosts.length > MAX_SERVERS_PER_PORT) edges.push(`  ${id} --> ${id}more["+${hosts.length - MAX_SERVERS_PER_PORT} more servers"]`);
    }
    lines.push("  end");
  });
  for (const [host, id] of servers) lines.push(`  ${id}["${label(host)}"]`);
  lines.push(...edges, "```");
  return lines;
}

/**
 * The distinct mail servers of a port's needs, sorted. Each need's are sorted and unique already
 * (`ReportNeed`), so they are merged rather than copied into a Set and sorted again: that was
 * most of the flowchart at 10,000 domains. A list out of order (a report built by hand) is
 * sorted first.
 */
function sortedHosts(needs: readonly ReportNeed[]): readonly string[] {
  let merged: readonly string[] = [];
  for (const need of needs) merged = mergeSortedUnique(merged, isSortedUnique(need.hosts) ? need.hosts : [...new Set(need.hosts)].sort());
  return merged;
}

function isSortedUnique(values: readonly string[]): boolean {
  for (let i = 1; i < values.length; i++) if (!(values[i - 1] < values[i])) return false;
  return true;
}

/** Mermaid's entity escape for the characters that would end a quoted label. */
function label(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/[[\]]/g, (c) => (c === "[" ? "#91;" : "#93;"));
}
