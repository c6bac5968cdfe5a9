// The catalog in use against HubSpot's published ranges, as address sets: pure, no I/O.
//
// - stale: catalog addresses that no published EGRESS range (of any service) contains. The
//   catalog's blocks are HubSpot's source addresses, whatever service HubSpot files them under.
// - missing: addresses of published EGRESS ranges of the chosen services that neither list
//   contains. HubSpot does not document which service connects to connected inboxes, so these
//   are candidates for a person, never assigned to a list here.
import { addressCount, rangeOf, subtract, union, type AddressRange } from "../audit/intervals";
import { Cidr } from "../model/cidr";
import { HUBSPOT_LISTS, type HubSpotList, type IpCatalog } from "../model/ip-catalog";
import { intervalToCidrs } from "../policy/aggregate";
import { SERVICES, type PublishedRange, type Service } from "./published";
import { compareText } from "../model/text";

/** What `--services` defaults to: the two services HubSpot's mail traffic has been seen under. */
export const DEFAULT_SERVICES: readonly Service[] = ["API", "EMAIL"];

/** A catalog entry some of whose addresses HubSpot no longer publishes. */
export interface StaleEntry {
  /** The entry as the catalog has it. */
  readonly entry: Cidr;
  /** Exactly the addresses no longer published, as the fewest blocks, sorted. */
  readonly stale: readonly Cidr[];
  readonly staleAddresses: bigint;
  /** Every address of the entry is stale. */
  readonly whole: boolean;
}

export interface ListReport {
  readonly list: HubSpotList;
  /** How many entries the catalog's list has. */
  readonly entries: number;
  /** In catalog order (`Cidr.compare`). */
  readonly stale: readonly StaleEntry[];
}

/** A published EGRESS range of a chosen service that the lists do not (fully) cover. */
export interface MissingRange {
  readonly cidr: Cidr;
  readonly service: Service;
  readonly description: string;
  /** Exactly the addresses neither list has, as the fewest blocks, sorted. */
  readonly uncovered: readonly Cidr[];
  readonly uncoveredAddresses: bigint;
  /** No address of the range is in either list. */
  readonly whole: boolean;
}

/** An entry HubSpot published as an IPv4-mapped IPv6 block (`::ffff:143.244.82.8/126`). */
export interface MappedRange {
  /** The entry's `cidr` as published. */
  readonly published: string;
  /** The IPv4 block it denotes, which is what was compared. */
  readonly cidr: Cidr;
}

export interface RangesReport {
  readonly catalog: { readonly source: string; readonly published?: string };
  /** The services whose EGRESS ranges must be covered, sorted. */
  readonly services: readonly Service[];
  readonly response: {
    /** Entries in `results`. */
    readonly ranges: number;
    readonly egress: number;
    /** Ignored: HubSpot's destinations, not its sources. */
    readonly ingress: number;
    /** EGRESS entries of the chosen services (checked for missing). */
    readonly checked: number;
    /** Services with EGRESS entries that were not chosen (they count for stale only), sorted. */
    readonly otherServices: readonly Service[];
    /** Entries published as IPv4-mapped IPv6 blocks and compared as the IPv4 blocks they denote. */
    readonly ipv4Mapped: readonly MappedRange[];
  };
  /** imap, then smtp. */
  readonly lists: readonly ListReport[];
  /** Sorted by block (`Cidr.compare`), then service, then description; duplicates removed. */
  readonly missing: readonly MissingRange[];
  /** Nothing stale, nothing missing. */
  readonly upToDate: boolean;
}

export function compareRanges(catalog: IpCatalog, published: readonly PublishedRange[], services: readonly Service[] = DEFAULT_SERVICES): RangesReport {
  const chosen = new Set(services);
  const egress = published.filter((r) => r.direction === "EGRESS");
  const publishedSet = union(egress.map((r) => rangeOf(r.cidr)));

  const lists = HUBSPOT_LISTS.map((list): ListReport => {
    const entries = catalog.lists[list];
    const stale: StaleEntry[] = [];
    const sorted = [...entries].sort(Cidr.compare);
    for (const [i, entry] of sorted.entries()) {
      if (i > 0 && entry.equals(sorted[i - 1])) continue;
      const parts = subtract([rangeOf(entry)], publishedSet);
      if (parts.length === 0) continue;
      const staleAddresses = addressCount(parts);
      const whole = staleAddresses === entry.size;
      stale.push({ entry, stale: whole ? [entry] : toBlocks(parts), staleAddresses, whole });
    }
    return { list, entries: entries.length, stale };
  });

  const catalogSet = union(HUBSPOT_LISTS.flatMap((list) => catalog.lists[list].map(rangeOf)));
  const missing: MissingRange[] = [];
  // Sorted, so a duplicate (same block, service and description) follows its first copy.
  const checked = egress.filter((r) => chosen.has(r.service)).sort(compareMissing);
  for (const [i, range] of checked.entries()) {
    if (i > 0 && compareMissing(range, checked[i - 1]) === 0) continue;
    const parts = subtract([rangeOf(range.cidr)], catalogSet);
    if (parts.length === 0) continue;
    const uncoveredAddresses = addressCount(parts);
    const whole = uncoveredAddresses === range.cidr.size;
    // A whole block is its own fewest blocks: no need to cut it again (most of a large response).
    missing.push({
      cidr: range.cidr,
      service: range.service,
      description: range.description,
      uncovered: whole ? [range.cidr] : toBlocks(parts),
      uncoveredAddresses,
      whole,
    });
  }

  return {
    catalog: { source: catalog.source, ...(catalog.published ? { published: catalog.published } : {}) },
    services: sortServices(chosen),
    response: {
      ranges: published.length,
      egress: egress.length,
      ingress: published.length - egress.length,
      checked: checked.length,
      otherServices: sortServices(new Set(egress.map((r) => r.service).filter((s) => !chosen.has(s)))),
      ipv4Mapped: mappedRanges(published),
    },
    lists,
    missing,
    upToDate: missing.length === 0 && lists.every((l) => l.stale.length === 0),
  };
}

/** Sorted by block, then text, duplicates removed: the same response in any order reads the same. */
function mappedRanges(published: readonly PublishedRange[]): MappedRange[] {
  const mapped = published.flatMap((r) => (r.mappedFrom === undefined ? [] : [{ published: r.mappedFrom, cidr: r.cidr }]));
  mapped.sort((a, b) => Cidr.compare(a.cidr, b.cidr) || compareText(a.published, b.published));
  return mapped.filter((m, i) => i === 0 || m.published !== mapped[i - 1].published || !m.cidr.equals(mapped[i - 1].cidr));
}

function toBlocks(ranges: readonly AddressRange[]): Cidr[] {
  return ranges.flatMap((r) => intervalToCidrs(r)).sort(Cidr.compare);
}

function compareMissing(a: PublishedRange, b: PublishedRange): number {
  return Cidr.compare(a.cidr, b.cidr) || compareText(a.service, b.service) || compareText(a.description, b.description);
}

/** Alphabetical, so the same choice always reads the same. */
function sortServices(services: ReadonlySet<Service>): Service[] {
  return SERVICES.filter((s) => services.has(s)).sort(compareText);
}
