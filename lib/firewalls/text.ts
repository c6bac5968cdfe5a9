import type { IpCatalog } from "../model/ip-catalog";
import type { FirewallRule } from "../policy/rule";

/**
 * What the files of targets outside AWS share (lib/kinds/<kind>/render.ts writes each). Deterministic:
 * built only from the policy and the catalog, lines end in LF, no timestamps or paths. Text from
 * config reaches these files only as validated names (targets, tables, chains, groups, host names)
 * and as the catalog's `source` (one line, no control characters), which appears only inside comments.
 */

export function catalogLine(catalog: IpCatalog): string {
  return `HubSpot source ranges: ${oneLine(catalog.source)} (${catalog.published ? `published ${catalog.published}` : "your own lists"}).`;
}

/** Free text inside a comment: one line, whatever it holds. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ");
}

export function portComment(p: { readonly rules: readonly FirewallRule[] }, port: number): string {
  const rules = p.rules.filter((r) => r.port === port);
  const hosts = [...new Set(rules.flatMap((r) => r.hosts))].sort();
  const shown = hosts.slice(0, 5).join(", ") + (hosts.length > 5 ? ` and ${hosts.length - 5} more` : "");
  return `tcp/${port} for ${shown}`;
}
