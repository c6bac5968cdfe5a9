import { Cidr } from "./cidr";
import type { CustomIpRanges } from "./config";
import published from "./hubspot-published-ranges.json";

/** The two HubSpot source lists: SMTP (HubSpot submits mail) and IMAP (HubSpot reads mail). */
export type HubSpotList = "smtp" | "imap";
export const HUBSPOT_LISTS: readonly HubSpotList[] = ["imap", "smtp"];

/**
 * The source ranges HubSpot connects from, with where they came from. Entries are kept as
 * published (canonical, sorted, de-duplicated); aggregation happens in the policy.
 */
export interface IpCatalog {
  /** Human-readable provenance. */
  readonly source: string;
  /** ISO date the list was published, when known (the shipped article: 2024-04-04). */
  readonly published?: string;
  readonly lists: Readonly<Record<HubSpotList, readonly Cidr[]>>;
  /** Why the user's own lists may be broader than HubSpot's ever are (`hubspot.ipRanges.allowBroadRanges`). */
  readonly allowBroadRanges?: string;
}

/**
 * What a list of HubSpot's servers can plausibly look like: the published lists are 264
 * addresses each, in blocks of /25 and smaller. A list beyond these bounds (a block broader than
 * /16 or /32, or more than 65,536 IPv4 addresses) is refused unless the config gives a reason.
 */
export const PLAUSIBLE_HUBSPOT_LIST = { maxIpv4Addresses: 65_536, minPrefixLength: { 4: 16, 6: 32 } } as const;

/**
 * The lists printed in HubSpot's article (last updated 2024-04-04). The article prints one set
 * without naming a data center; accounts shown other IPs supply `hubspot.ipRanges` instead.
 */
export function publishedCatalog(): IpCatalog {
  return {
    source: published.source,
    published: published.published,
    lists: { smtp: canonicalList(published.smtp.map(Cidr.of)), imap: canonicalList(published.imap.map(Cidr.of)) },
  };
}

/** The catalog a run uses: the user's own lists when given, otherwise the published one. */
export function catalogFor(custom: CustomIpRanges | undefined): IpCatalog {
  if (!custom) return publishedCatalog();
  return {
    source: custom.source,
    lists: { smtp: canonicalList(custom.smtp), imap: canonicalList(custom.imap) },
    ...(custom.allowBroadRanges !== undefined ? { allowBroadRanges: custom.allowBroadRanges } : {}),
  };
}

/** Sorted by `Cidr.compare`, each block once: a list as the catalog and the config keep it. */
export function canonicalList(cidrs: readonly Cidr[]): Cidr[] {
  const sorted = [...cidrs].sort(Cidr.compare);
  return sorted.filter((cidr, i) => i === 0 || !cidr.equals(sorted[i - 1]));
}
