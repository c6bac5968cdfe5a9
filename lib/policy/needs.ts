import type { Cidr } from "../model/cidr";
import type { DomainSettings, Endpoint } from "../model/config";
import type { HubSpotList, IpCatalog } from "../model/ip-catalog";
import { minimalCover } from "./aggregate";
import type { FirewallRule, Need, RuleProvenance } from "./rule";
import { compareText, mergeSortedUnique, sortedUnique } from "../model/text";

export { compareText };

/**
 * Where every rule is born: what each domain needs (a HubSpot list to a server port), and per
 * port the minimal exact cover of the lists its needs send there, each block with its provenance.
 */

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

/**
 * Per port: the union of the needed lists, aggregated to the minimal exact cover. Each block
 * then names every need whose list overlaps it, so a rule shared by many domains says so.
 */
export function rulesFor(needs: readonly Need[], catalog: IpCatalog): FirewallRule[] {
  // Indexed loops over needs (tens of thousands): an unoptimised for-of allocates per step.
  const byPort = new Map<number, Need[]>();
  for (let i = 0; i < needs.length; i++) {
    const need = needs[i];
    const portNeeds = byPort.get(need.endpoint.port);
    if (portNeeds) portNeeds.push(need);
    else byPort.set(need.endpoint.port, [need]);
  }

  const rules: FirewallRule[] = [];
  for (const port of [...byPort.keys()].sort((a, b) => a - b)) {
    const portNeeds = byPort.get(port) ?? [];
    // A block serves the needs whose list overlaps it, so its provenance depends only on which
    // of the port's lists it overlaps: at most three cases per port (coverOf gives each case one
    // array, so they are told apart by identity, with no key text per block), each worked out
    // once and shared (read-only) by its rules. Both lists' is the union of each list's, merged
    // rather than worked out again from every need.
    let imapOnly: RuleProvenance | undefined;
    let smtpOnly: RuleProvenance | undefined;
    let both: RuleProvenance | undefined;
    const cover = coverOf(catalog, listsOf(portNeeds));
    for (let b = 0; b < cover.length; b++) {
      const { cidr, served } = cover[b];
      const shared =
        served === IMAP_ONLY
          ? (imapOnly ??= provenanceOf(portNeeds, IMAP_ONLY))
          : served === SMTP_ONLY
            ? (smtpOnly ??= provenanceOf(portNeeds, SMTP_ONLY))
            : (both ??= unionOf((imapOnly ??= provenanceOf(portNeeds, IMAP_ONLY)), (smtpOnly ??= provenanceOf(portNeeds, SMTP_ONLY))));
      // Written out, not `{ ...shared }`: a spread copies property by property in the runtime,
      // and this runs once per rule (tens of thousands at 10,000 domains).
      rules.push({ protocol: "tcp", port, cidr, lists: shared.lists, domains: shared.domains, hosts: shared.hosts });
    }
  }
  return rules;
}

/** The lists some of these needs name, sorted and unique (there are only two). */
function listsOf(needs: readonly Need[]): readonly HubSpotList[] {
  let imap = false;
  let smtp = false;
  for (let i = 0; i < needs.length; i++) {
    if (needs[i].list === "imap") imap = true;
    else smtp = true;
    if (imap && smtp) return BOTH_LISTS;
  }
  return imap ? IMAP_ONLY : SMTP_ONLY;
}

const BOTH_LISTS: readonly HubSpotList[] = ["imap", "smtp"];
const IMAP_ONLY: readonly HubSpotList[] = ["imap"];
const SMTP_ONLY: readonly HubSpotList[] = ["smtp"];

/**
 * The domains and servers of the needs of one list (`served` is IMAP_ONLY or SMTP_ONLY; both
 * lists' provenance is `unionOf` these), each sorted and unique, in one pass over the port's
 * needs (no filtered copy, no mapped copies). Needs come in domain order (buildPolicy reads the
 * config's sorted domains), so dropping adjacent repeats usually leaves the domains sorted and
 * unique already, with nothing to sort.
 */
function provenanceOf(needs: readonly Need[], served: readonly HubSpotList[]): RuleProvenance {
  const list = served[0];
  const domains: string[] = [];
  const hosts: string[] = [];
  for (let i = 0; i < needs.length; i++) {
    const need = needs[i];
    if (need.list !== list) continue;
    if (domains.length === 0 || domains[domains.length - 1] !== need.domain) domains.push(need.domain);
    hosts.push(endpointText(need.endpoint));
  }
  return { lists: served as HubSpotList[], domains: sortedUnique(domains), hosts: sortedUnique(hosts) };
}

/** The provenance of a block both lists overlap, from each list's own. */
function unionOf(imap: RuleProvenance, smtp: RuleProvenance): RuleProvenance {
  return { lists: BOTH_LISTS as HubSpotList[], domains: mergeSortedUnique(imap.domains, smtp.domains), hosts: mergeSortedUnique(imap.hosts, smtp.hosts) };
}

/**
 * The minimal exact cover of some of the catalog's lists, each block with the lists it overlaps.
 * There are three combinations of lists and hundreds of (target, port) pairs asking for them, so
 * each is aggregated once per catalog.
 */
function coverOf(catalog: IpCatalog, lists: readonly HubSpotList[]): readonly { cidr: Cidr; served: readonly HubSpotList[] }[] {
  let byLists = covers.get(catalog);
  if (!byLists) covers.set(catalog, (byLists = new Map()));
  const key = lists.join(" ");
  let cover = byLists.get(key);
  if (!cover) {
    cover = minimalCover(lists.flatMap((list) => catalog.lists[list])).map((cidr) => ({ cidr, served: servedBy(catalog, lists, cidr) }));
    byLists.set(key, cover);
  }
  return cover;
}

/** Which of `lists` overlap `cidr`: one of the three shared arrays, so rulesFor can tell them apart by identity. */
function servedBy(catalog: IpCatalog, lists: readonly HubSpotList[], cidr: Cidr): readonly HubSpotList[] {
  const overlaps = (list: HubSpotList) => lists.includes(list) && catalog.lists[list].some((entry) => entry.overlaps(cidr));
  const imap = overlaps("imap");
  const smtp = overlaps("smtp");
  // Every block of the cover lies in the union of `lists`, so it overlaps at least one of them.
  return imap && smtp ? BOTH_LISTS : imap ? IMAP_ONLY : SMTP_ONLY;
}

const covers = new WeakMap<IpCatalog, Map<string, readonly { cidr: Cidr; served: readonly HubSpotList[] }[]>>();

/** `host:port`, with IPv6 literals bracketed so the port stays unambiguous (RFC 3986). */
export function endpointText({ host, port }: Endpoint): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

export function unique<T extends string>(values: readonly T[]): T[] {
  // Domains usually come already in order (buildPolicy reads the config's sorted domains, two
  // needs each): then dropping adjacent repeats gives the same list without a Set and a sort.
  let repeats = false;
  for (let i = 1; i < values.length; i++) {
    const order = compareText(values[i - 1], values[i]);
    if (order > 0) return [...new Set(values)].sort(compareText);
    if (order === 0) repeats = true;
  }
  return repeats ? values.filter((value, i) => i === 0 || value !== values[i - 1]) : [...values];
}

/** The union of several rules' lists, domains and servers, each sorted and unique. */
export function mergeProvenance(rules: readonly RuleProvenance[]): RuleProvenance {
  const merge = <T extends string>(pick: (r: RuleProvenance) => readonly T[]) => [...new Set(rules.flatMap(pick))].sort();
  return { lists: merge((r) => r.lists), domains: merge((r) => r.domains), hosts: merge((r) => r.hosts) };
}
