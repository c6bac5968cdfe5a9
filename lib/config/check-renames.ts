import type { Diagnostic } from "./diagnostic";
import type { FirewallFact } from "./facts";
import { messages } from "./messages";
import { diagnosticAt } from "./source";

/**
 * `renamedFrom` across files: Terraform refuses a moved block whose old address is still
 * declared, and moves one address to one place only. So the old name must no longer be defined,
 * and only one firewall may claim it (the later one is reported). Whether the old name really
 * existed is for the placements (lib/policy/lifecycle.ts): a rename already applied is harmless.
 */
export function checkRenames(firewalls: readonly FirewallFact[]): Diagnostic[] {
  const defined = new Set(firewalls.map((f) => f.name));
  const claimedBy = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  for (const fact of firewalls) {
    const from = fact.target && "renamedFrom" in fact.target ? fact.target.renamedFrom : undefined;
    if (from === undefined) continue;
    const other = claimedBy.get(from);
    if (defined.has(from)) diagnostics.push(diagnosticAt(messages.renameConflict(fact.name, from, from, true), fact.at));
    else if (other !== undefined) diagnostics.push(diagnosticAt(messages.renameConflict(fact.name, from, other, false), fact.at));
    else claimedBy.set(from, fact.name);
  }
  return diagnostics;
}
