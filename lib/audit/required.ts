import type { Cidr } from "../model/cidr";
import type { Config, DomainSettings } from "../model/config";
import { targetPartOf } from "../kinds/targets";
import { catalogFor, type HubSpotList, type IpCatalog } from "../model/ip-catalog";
import { rangeOf, union, type AddressRange } from "./intervals";

/**
 * What each target must admit, re-derived from the config and HubSpot's lists without the
 * policy code (no `needsOf`, `rulesFor` or `minimalCover`): the coverage proof compares the
 * generated rules with this, so a bug in one is caught by the other.
 *
 * Target name -> TCP port -> the addresses HubSpot connects from (merged ranges).
 */
export type RequiredAccess = ReadonlyMap<string, ReadonlyMap<number, readonly AddressRange[]>>;

/**
 * FACTS.md, restated: HubSpot reads mail over IMAP from the IMAP list and submits it over SMTP
 * from the SMTP list; Exchange (EWS over HTTPS) gets both lists on the URL's port.
 */
function listsByPort(domain: DomainSettings): [number, HubSpotList][] {
  switch (domain.kind) {
    case "imap":
      return [
        [domain.incoming.port, "imap"],
        [domain.outgoing.port, "smtp"],
      ];
    case "exchange":
      return [
        [domain.endpoint.port, "imap"],
        [domain.endpoint.port, "smtp"],
      ];
  }
}

export function requiredAccess(config: Config, catalog: IpCatalog): RequiredAccess {
  // Which lists each (target, port) needs; the addresses follow from the lists. Collecting the
  // lists' blocks per domain instead repeats them once per domain (10,000 domains: ~100 ms).
  const needed = new Map<string, Map<number, Set<HubSpotList>>>();
  for (const domain of config.domains) {
    for (const target of domain.firewalls) {
      const ports = needed.get(target) ?? new Map<number, Set<HubSpotList>>();
      needed.set(target, ports);
      for (const [port, list] of listsByPort(domain)) ports.set(port, (ports.get(port) ?? new Set()).add(list));
    }
  }
  const required = new Map<string, Map<number, AddressRange[]>>();
  for (const [target, ports] of needed) {
    required.set(target, new Map([...ports].map(([port, lists]) => [port, union([...lists].flatMap((list) => catalog.lists[list]).map(rangeOf))])));
  }
  return required;
}

/**
 * `requiredAccess` with the config's own catalog, worked out once per config: the report's proof
 * (on the plan) and the verifier's (on the constructs) both need it during one synth. Configs
 * are immutable values, so the answer cannot go stale.
 */
export function requiredAccessOf(config: Config): RequiredAccess {
  let required = requiredByConfig.get(config);
  if (!required) requiredByConfig.set(config, (required = requiredAccess(config, catalogFor(config.ipRanges))));
  return required;
}

const requiredByConfig = new WeakMap<Config, RequiredAccess>();

/**
 * Network Firewall targets (and nftables targets with `destinations`) filter on the destination too: target name -> the mail servers'
 * addresses, as configured. Each destination must admit exactly the required addresses of its
 * own address family (an IPv4 server is never reached from an IPv6 source).
 */
export type RequiredDestinations = ReadonlyMap<string, readonly Cidr[]>;

export function requiredDestinations(config: Config): RequiredDestinations {
  return new Map(
    config.firewalls.flatMap((t) => {
      const destinations = targetPartOf(t).destinations(t);
      return destinations !== undefined ? [[t.name, destinations] as const] : [];
    }),
  );
}

/**
 * Targets whose rules are stateless (network ACLs): they must also let the replies out, to every
 * address they let in, on the ephemeral ports.
 */
export function statelessTargets(config: Config): ReadonlySet<string> {
  // Idle targets too: in the expand phase their leaving rules, replies included, are still there.
  return new Set([...config.firewalls, ...(config.idleFirewalls ?? [])].filter((t) => targetPartOf(t).stateless).map((t) => t.name));
}
