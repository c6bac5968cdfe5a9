import { checkDomain } from "./check-domains";
import { checkFirewall } from "./check-firewalls";
import { checkHubspot } from "./check-hubspot";
import { checkTerraform } from "./check-terraform";
import { FileContext, isPlainMap } from "./context";
import type { Diagnostic } from "./diagnostic";
import type { DomainFact, FileFacts, FirewallFact } from "./facts";
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
    value.domains.forEach((entry, i) => {
      if (isPlainMap(entry)) domains.push(checkDomain(ctx, entry, ["domains", i]));
    });
  }
  const firewalls: FirewallFact[] = [];
  if (isPlainMap(value.firewalls)) {
    for (const [name, target] of Object.entries(value.firewalls)) {
      firewalls.push(checkFirewall(ctx, name, target, ["firewalls", name]));
    }
  }
  const hubspot = value.hubspot !== undefined ? checkHubspot(ctx, value.hubspot) : undefined;
  const terraform = value.terraform !== undefined ? checkTerraform(ctx, value.terraform) : undefined;
  return { diagnostics: ctx.diagnostics, facts: { ...(hubspot ? { hubspot } : {}), ...(terraform ? { terraform } : {}), domains, firewalls } };
}
