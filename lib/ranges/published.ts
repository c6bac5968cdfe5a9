// A saved response of HubSpot's network-origins endpoint, read and checked. Nothing here touches
// the network: CI saves the response (curl), mailgate only reads the file.
import * as ipaddr from "ipaddr.js";
import { readConfigFile } from "../config/files";
import { Cidr, isCidr } from "../model/cidr";
import { jsonSyntaxMessage } from "../model/json-text";

/** Where HubSpot publishes its source ranges (FACTS.md, "Facts gathered since"). */
export const NETWORK_ORIGINS_URL = "https://api.hubapi.com/meta/network-origins/2026-09/ip-ranges";

export const SERVICES = ["API", "DNS", "EMAIL", "WEB_SCRAPING", "TEST_SERVICE"] as const;
export type Service = (typeof SERVICES)[number];
export const DIRECTIONS = ["EGRESS", "INGRESS"] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** One entry of `results`, checked; `index` is its position in the response, for messages. */
export interface PublishedRange {
  readonly index: number;
  readonly cidr: Cidr;
  /**
   * The entry's `cidr` as published when it was an IPv4-mapped IPv6 block (`::ffff:a.b.c.d/n`),
   * which `cidr` holds as the IPv4 block it denotes.
   */
  readonly mappedFrom?: string;
  /** HubSpot's free text; "" when the entry has none. */
  readonly description: string;
  readonly direction: Direction;
  readonly service: Service;
}

export type PublishedResult =
  | { readonly ok: true; readonly ranges: readonly PublishedRange[] }
  /** `message` is one paragraph naming the file and what is wrong with it, without "mailgate: ". */
  | { readonly ok: false; readonly message: string };

const EXPECTED = `expected the body of GET ${NETWORK_ORIGINS_URL}, {"results": [{"cidr", "description", "direction", "service"}, ...]}`;

/**
 * The largest response read, in bytes. HubSpot's real response is a few hundred ranges, tens of
 * kilobytes; this is a thousand times that (some 600,000 ranges of HubSpot's shape, compared in
 * seconds), and keeps a wrong file (a disk image, a link to /dev/zero) from filling memory.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Reads `file` (a path for this process) and parses it; `shown` is how messages name it. */
export function readPublished(file: string, shown: string = file): PublishedResult {
  // Bounded, and never blocking on a named pipe: the config reader's guarantees.
  const read = readConfigFile(file, MAX_RESPONSE_BYTES);
  if ("text" in read) return parsePublished(read.text, shown);
  switch (read.kind) {
    case "unreadable": {
      const why = read.reason === "ENOENT" ? "no such file" : read.reason === "EACCES" ? "permission denied" : read.reason;
      const hint = read.reason === "ENOENT" ? ` Save HubSpot's response first, e.g. curl -fsS ${NETWORK_ORIGINS_URL} -o ${shown}` : "";
      return fail(`cannot read ${shown}: ${why}.${hint}`);
    }
    case "not-regular":
      return fail(
        read.what === "a directory"
          ? `cannot read ${shown}: it is a directory.`
          : `cannot read ${shown}: it is ${read.what}, not a regular file; save HubSpot's response to a file first.`,
      );
    case "too-large":
      return fail(
        `${shown} is ${read.size} bytes, more than the ${read.limit} bytes mailgate reads as a network-origins response (HubSpot's is a few hundred ranges, tens of kilobytes); is it the right file?`,
      );
    default:
      // Not UTF-8 text: JSON.parse says where it stops making sense, as it always has.
      return parsePublished(read.bytes.toString("utf8"), shown);
  }
}

/**
 * Checks a response's text completely: JSON, an object whose `results` is a list, each entry
 * an object with a valid `cidr` (canonical, host bits clear; an IPv4-mapped IPv6 block is read as
 * the IPv4 block it denotes), a `direction` and a `service` of the documented enums, and a string
 * `description` when present. Other fields are ignored (the API may add some). The first
 * offending entry is named by its index.
 */
export function parsePublished(text: string, file: string): PublishedResult {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") return fail(`${file} is empty; ${EXPECTED}. Was the download interrupted?`);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const simple = looksLikeSimpleVariant(body)
      ? ` It looks like the plain-text variant (${NETWORK_ORIGINS_URL}/simple), which does not say which service or direction a range has; save ${NETWORK_ORIGINS_URL} instead.`
      : "";
    return fail(`${file} is not JSON (${oneLine(jsonSyntaxMessage(error))}); ${EXPECTED}.${simple}`);
  }
  if (!isObject(value)) return fail(`${file} is not a network-origins response: the top level is ${describe(value)}, not an object with "results"; ${EXPECTED}.`);
  if (!("results" in value)) return fail(`${file} is not a network-origins response: it has no "results"; ${EXPECTED}.`);
  const results = value.results;
  if (!Array.isArray(results)) return fail(`${file} is not a network-origins response: "results" is ${describe(results)}, not a list; ${EXPECTED}.`);
  const ranges: PublishedRange[] = [];
  for (const [index, entry] of results.entries()) {
    const checked = checkEntry(entry, index);
    if (typeof checked === "string") return fail(`${file} is not a network-origins response: ${checked}. Nothing was compared; fetch the response again, or report the change in HubSpot's format.`);
    ranges.push(checked);
  }
  return { ok: true, ranges };
}

function checkEntry(entry: unknown, index: number): PublishedRange | string {
  const at = `results[${index}]`;
  if (!isObject(entry)) return `${at} is ${describe(entry)}, not an object`;
  const { cidr, description, direction, service } = entry;
  if (cidr === undefined) return `${at} has no "cidr"`;
  if (typeof cidr !== "string") return `${at}.cidr is ${describe(cidr)}, not a string`;
  const published = Cidr.parse(cidr);
  if (!isCidr(published)) {
    const why =
      published.kind === "host-bits"
        ? `has host bits set (the block would be ${published.canonical})`
        : published.kind === "invalid"
          ? "is not an IPv4 or IPv6 block or address"
          : "is not a usable block";
    return `${at}.cidr ${quote(cidr)} ${why}`;
  }
  const parsed = ipv4Mapped(published) ?? published;
  if (parsed.prefixLength === 0) return `${at}.cidr ${quote(cidr)} covers every address, which cannot be a list of HubSpot's servers`;
  // Named only on a problem: formatting every one of a large response's blocks costs time.
  const where = () => `${at} (cidr ${published.toString()})`;
  if (description !== undefined && description !== null && typeof description !== "string") {
    return `${where()}.description is ${describe(description)}, not a string`;
  }
  if (!isOneOf(direction, DIRECTIONS)) return `${where()}.direction is ${describe(direction)}; expected one of ${DIRECTIONS.join(", ")}`;
  if (!isOneOf(service, SERVICES)) return `${where()}.service is ${describe(service)}; expected one of ${SERVICES.join(", ")}`;
  return {
    index,
    cidr: parsed,
    ...(parsed !== published ? { mappedFrom: cidr.trim() } : {}),
    description: typeof description === "string" ? description : "",
    direction,
    service,
  };
}

/**
 * The IPv4 block an IPv4-mapped IPv6 block (inside ::ffff:0:0/96, RFC 4291 2.5.5.2) denotes, else
 * undefined. Such a block names IPv4 addresses (it exists only in dual-stack socket APIs; on the
 * wire the traffic is IPv4), so HubSpot publishing one means the IPv4 block: compared as IPv6 it
 * would be "missing" while the same addresses in the catalog read "stale". An aligned block that
 * starts inside ::ffff:0:0/96 has a prefix of at least 96 (the ffff group would hold host bits).
 */
function ipv4Mapped(cidr: Cidr): Cidr | undefined {
  if (cidr.family !== 6) return undefined;
  const [address] = ipaddr.IPv6.parseCIDR(cidr.toString());
  if (!address.isIPv4MappedAddress()) return undefined;
  return Cidr.of(`${address.toIPv4Address().toString()}/${cidr.prefixLength - 96}`);
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === "string" && (allowed as readonly string[]).includes(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `/ip-ranges/simple` answers one range per line. */
function looksLikeSimpleVariant(text: string): boolean {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  return lines.length > 0 && lines.every((line) => isCidr(Cidr.parse(line.split(/\s+/)[0])));
}

/** A JSON value as a message names it. */
function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${quote(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

/** A string from the file, quoted and cut, with control characters escaped. */
function quote(text: string): string {
  const cut = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

function fail(message: string): PublishedResult {
  return { ok: false, message };
}
