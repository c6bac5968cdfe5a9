import { checkDomain } from "./check-domains";
import { checkFirewall } from "./check-firewalls";
import { checkHubspot } from "./check-hubspot";
import { checkTerraform } from "./check-terraform";
import { FileContext, isPlainMap, type PlainMap } from "./context";
import type { Diagnostic } from "./diagnostic";
import type { DomainFact, FileFacts, FirewallFact } from "./facts";
import { messages } from "./messages";
import type { SourceFile } from "./source";

/**
 * The value checks for one file, run on its plain value whatever the schema found, and the
 * facts (names, settings, targets, with positions) the cross-file checks need.
 */
export function checkValues(source: SourceFile, value: unknown): { diagnostics: Diagnostic[]; facts: FileFacts } {
  const ctx = new FileContext(source);
  if (!isPlainMap(value)) return { diagnostics: ctx.diagnostics, facts: { domains: [], firewalls: [] } };

  const domains: DomainFact[] = [];
  if (Array.isArray(value.domains)) {
    const entries: unknown[] = value.domains;
    // A plain loop: a callback per entry costs a closure call, 10,000 times at scale.
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (isPlainMap(entry)) domains.push(checkDomain(ctx, entry, ["domains", i]));
    }
  }
  const firewalls: FirewallFact[] = [];
  if (isPlainMap(value.firewalls)) {
    for (const [name, target] of Object.entries(value.firewalls)) {
      firewalls.push(checkFirewall(ctx, name, target, ["firewalls", name]));
    }
  }
  const nothing = declaresNothing(value);
  if (nothing !== undefined) ctx.report(messages.emptyFile(nothing), ctx.value([]));
  const hubspot = value.hubspot !== undefined ? checkHubspot(ctx, value.hubspot) : undefined;
  const terraform = value.terraform !== undefined ? checkTerraform(ctx, value.terraform) : undefined;
  return { diagnostics: ctx.diagnostics, facts: { ...(hubspot ? { hubspot } : {}), ...(terraform ? { terraform } : {}), domains, firewalls } };
}

/**
 * Why a file that is a mapping still declares nothing (`{}`, `domains: []`, `firewalls: {}`), or
 * undefined when it declares something. Such a file is valid, but its domains vanish without a
 * word, which is rarely what its author meant. (A file with no YAML content at all never gets
 * here: see `emptyFileWarnings`.)
 */
function declaresNothing(value: PlainMap): string | undefined {
  const keys = Object.keys(value);
  if (keys.length === 0) return "it is an empty mapping";
  const empty = keys.map((key) =>
    key === "domains" && Array.isArray(value.domains) && value.domains.length === 0
      ? "`domains` is an empty list"
      : key === "firewalls" && isPlainMap(value.firewalls) && Object.keys(value.firewalls).length === 0
        ? "`firewalls` is an empty mapping"
        : undefined,
  );
  if (empty.includes(undefined)) return undefined;
  return empty.join(" and ");
}
