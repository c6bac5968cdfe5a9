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
  // Indexed: this runs once per domain while the code is cold, and an unoptimised for-of
  // allocates an iterator result per step.
  for (let d = 0; d < domainFacts.length; d++) {
    const refs = domainFacts[d].firewallRefs;
    for (let r = 0; r < refs.length; r++) referenced.add(refs[r].name);
  }
  const hubspot = files.find((f) => f.hubspot?.hasIpRanges)?.hubspot;
  const ipRanges = hubspot?.hasIpRanges ? required(hubspot.ipRanges, "hubspot.ipRanges") : undefined;
  const terraform = files.find((f) => f.terraform)?.terraform;
  const firewalls: FirewallTarget[] = [];
  const idleFirewalls: FirewallTarget[] = [];
  for (const file of files) {
    for (const f of file.firewalls) (referenced.has(f.name) ? firewalls : idleFirewalls).push(withPosition(required(f.target, `firewall ${f.name}`), f.at));
  }
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
    firewalls: firewalls.sort((a, b) => compareText(a.name, b.name)),
    idleFirewalls: idleFirewalls.sort((a, b) => compareText(a.name, b.name)),
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
  const value = fact.value;
  // Checked here rather than with `required`: its message would be built for every domain.
  if (value === undefined) throw new Error(`internal: settings of ${name} missing from a config without errors`);
  const firewalls = firewallNames(fact.firewallRefs);
  // Written out, in the value's key order, rather than `{ ...value, name, firewalls }`: V8 gave
  // every object spread that way a hidden class of its own (10,000 of them at 10,000 domains,
  // ~0.7 KB each), so every later read of a domain's fields was megamorphic.
  return value.kind === "imap"
    ? { kind: value.kind, incoming: value.incoming, outgoing: value.outgoing, allowNonSecureCertificate: value.allowNonSecureCertificate, name, firewalls }
    : { kind: value.kind, url: value.url, endpoint: value.endpoint, name, firewalls };
}

/**
 * The firewalls a domain names, sorted and unique. Most domains name one or two: those need no
 * Set and no sort (an array sort allocates its own work space, ~1 KB, per call).
 */
function firewallNames(refs: DomainFact["firewallRefs"]): string[] {
  if (refs.length === 1) return [refs[0].name];
  if (refs.length === 2) {
    const a = refs[0].name;
    const b = refs[1].name;
    return a === b ? [a] : a < b ? [a, b] : [b, a];
  }
  const names = refs.map((r) => r.name).sort(compareText);
  return names.filter((name, i) => i === 0 || name !== names[i - 1]);
}


/** Every check reports an error before leaving a value out, so a gap here is a bug in mailgate. */
function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal: ${what} missing from a config without errors`);
  return value;
}
