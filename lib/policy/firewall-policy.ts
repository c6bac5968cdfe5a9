import { Cidr } from "../model/cidr";
import type { Config, DomainSettings, Endpoint, FirewallTarget } from "../model/config";
import { catalogFor, type HubSpotList, type IpCatalog } from "../model/ip-catalog";
import { minimalCover } from "./aggregate";

/** Why a rule exists: which HubSpot lists it serves, for which domains and mail servers. */
export interface RuleProvenance {
  /** Sorted: `["imap"]`, `["smtp"]` or `["imap", "smtp"]`. */
  readonly lists: readonly HubSpotList[];
  /** Sorted, unique normalised domain names. */
  readonly domains: readonly string[];
  /** Sorted, unique `host:port` of the mail servers behind this rule. */
  readonly hosts: readonly string[];
}

/** One ingress permission: TCP from `cidr` to `port`. */
export interface FirewallRule extends RuleProvenance {
  readonly protocol: "tcp";
  readonly port: number;
  readonly cidr: Cidr;
}

export interface TargetPolicy {
  readonly target: FirewallTarget;
  /** Sorted by port, then `Cidr.compare`. Unique per (port, cidr). */
  readonly rules: readonly FirewallRule[];
}

export interface FirewallPolicy {
  readonly catalog: IpCatalog;
  /** Sorted by target name; only targets some domain references. */
  readonly targets: readonly TargetPolicy[];
}

/** One thing a domain needs from a target: a HubSpot list allowed to reach one server port. */
export interface Need {
  readonly list: HubSpotList;
  readonly domain: string;
  readonly endpoint: Endpoint;
}

/**
 * What HubSpot must reach for a domain (FACTS.md): the IMAP list the IMAP server, the SMTP list
 * the SMTP server; for Exchange, the article's "both SMTP and IMAP" union the EWS endpoint.
 */
export function needsOf(domain: DomainSettings): Need[] {
  if (domain.kind === "imap") {
    return [
      { list: "imap", domain: domain.name, endpoint: domain.incoming },
      { list: "smtp", domain: domain.name, endpoint: domain.outgoing },
    ];
  }
  return [
    { list: "imap", domain: domain.name, endpoint: domain.endpoint },
    { list: "smtp", domain: domain.name, endpoint: domain.endpoint },
  ];
}

/** Pure: from validated config to the exact rules per target. */
export function buildPolicy(config: Config): FirewallPolicy {
  const catalog = catalogFor(config.ipRanges);
  const needsByTarget = new Map<string, Need[]>();
  for (const domain of config.domains) {
    for (const targetName of domain.firewalls) {
      const needs = needsByTarget.get(targetName) ?? [];
      needs.push(...needsOf(domain));
      needsByTarget.set(targetName, needs);
    }
  }
  const targets = [...config.firewalls]
    .sort((a, b) => compareText(a.name, b.name))
    .filter((target) => needsByTarget.has(target.name))
    .map((target) => ({ target, rules: rulesFor(needsByTarget.get(target.name) ?? [], catalog) }));
  return { catalog, targets };
}

/**
 * Per port: the union of the needed lists, aggregated to the minimal exact cover. Each block
 * then names every need whose list overlaps it, so a rule shared by many domains says so.
 */
export function rulesFor(needs: readonly Need[], catalog: IpCatalog): FirewallRule[] {
  const byPort = new Map<number, Need[]>();
  for (const need of needs) {
    const portNeeds = byPort.get(need.endpoint.port);
    if (portNeeds) portNeeds.push(need);
    else byPort.set(need.endpoint.port, [need]);
  }

  const rules: FirewallRule[] = [];
  for (const port of [...byPort.keys()].sort((a, b) => a - b)) {
    const portNeeds = byPort.get(port) ?? [];
    const lists = unique(portNeeds.map((n) => n.list));
    for (const cidr of minimalCover(lists.flatMap((list) => catalog.lists[list]))) {
      const served = portNeeds.filter((need) => catalog.lists[need.list].some((entry) => entry.overlaps(cidr)));
      rules.push({
        protocol: "tcp",
        port,
        cidr,
        lists: unique(served.map((n) => n.list)),
        domains: unique(served.map((n) => n.domain)),
        hosts: unique(served.map((n) => endpointText(n.endpoint))),
      });
    }
  }
  return rules;
}

/** `host:port`, with IPv6 literals bracketed so the port stays unambiguous (RFC 3986). */
export function endpointText({ host, port }: Endpoint): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function unique<T extends string>(values: readonly T[]): T[] {
  return [...new Set(values)].sort(compareText);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
