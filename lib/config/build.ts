import { canonicalList } from "../model/ip-catalog";
import type { Config, DomainSettings, FirewallTarget, TargetPosition } from "../model/config";
import type { DomainFact, FileFacts } from "./facts";
import type { Located } from "./source";
import { compareText } from "../model/text";

/**
 * The `Config` from facts that passed every check. Everything is sorted and de-duplicated here,
 * so the result does not depend on file, key or entry order.
 */
export function buildConfig(files: readonly FileFacts[]): Config {
  const domainFacts = files.flatMap((f) => f.domains);
  const referenced = new Set<string>();
  for (const domain of domainFacts) for (const ref of domain.firewallRefs) referenced.add(ref.name);
  const hubspot = files.find((f) => f.hubspot?.hasIpRanges)?.hubspot;
  const ipRanges = hubspot?.hasIpRanges ? required(hubspot.ipRanges, "hubspot.ipRanges") : undefined;
  const terraform = files.find((f) => f.terraform)?.terraform;
  return {
    ...(terraform ? { terraform: required(terraform.settings, "terraform") } : {}),
    ...(ipRanges
      ? {
          ipRanges: {
            source: ipRanges.source,
            smtp: canonicalList(ipRanges.smtp),
            imap: canonicalList(ipRanges.imap),
            ...(ipRanges.allowBroadRanges !== undefined ? { allowBroadRanges: ipRanges.allowBroadRanges } : {}),
          },
        }
      : {}),
    domains: domainFacts.map(domainSettings).sort((a, b) => compareText(a.name, b.name)),
    firewalls: files
      .flatMap((f) => f.firewalls)
      .filter((f) => referenced.has(f.name))
      .map((f) => withPosition(required(f.target, `firewall ${f.name}`), f.at))
      .sort((a, b) => compareText(a.name, b.name)),
    idleFirewalls: files
      .flatMap((f) => f.firewalls)
      .filter((f) => !referenced.has(f.name))
      .map((f) => withPosition(required(f.target, `firewall ${f.name}`), f.at))
      .sort((a, b) => compareText(a.name, b.name)),
  };
}

/**
 * The name's position lets quota problems, found only once the policy counts the rules, point
 * here.
 */
function withPosition(target: FirewallTarget, at: Located): FirewallTarget {
  const position: TargetPosition = { ...at.position, excerpt: at.excerpt };
  return { ...target, position };
}

function domainSettings(fact: DomainFact): DomainSettings {
  const name = required(fact.name, "domain name");
  const value = required(fact.value, `settings of ${name}`);
  const refs = fact.firewallRefs;
  // Most domains name one firewall: nothing to de-duplicate or sort.
  const firewalls = refs.length === 1 ? [refs[0].name] : [...new Set(refs.map((r) => r.name))].sort(compareText);
  return { ...value, name, firewalls };
}


/** Every check reports an error before leaving a value out, so a gap here is a bug in mailgate. */
function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal: ${what} missing from a config without errors`);
  return value;
}
