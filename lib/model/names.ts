import * as ipaddr from "ipaddr.js";
import type * as Tr46 from "tr46";
import { ipv4CompatibleAddress, ipv4MappedAddress, parseAddress } from "./cidr";

/**
 * Name rules for email domains and mail-server host names (RFC 1035/1123 labels, IDN as
 * punycode). Pure functions returning a reason instead of throwing, so the config validator can
 * report every bad name at once and say why.
 */

/** AWS: security group names are at most 255 characters (split groups add `-n` to them). */
export const MAX_SECURITY_GROUP_NAME_LENGTH = 255;

export const MAX_LABEL_LENGTH = 63;

/**
 * UTS #46 as the WHATWG URL standard applies it (so as browsers do): nontransitional (ß stays
 * ß), the Bidi and joiner rules on, hyphen and STD3 rules off because mailgate's own label rules
 * below decide those for every name, ASCII or not. From tr46, pinned in package.json, and not
 * from `node:url`: its answer is the runtime's and changed under mailgate (Node 24's URL parser
 * passes an ASCII `xn--` label without decoding it, Node 20's refuses one that does not decode,
 * and the two know different Unicode versions), so the same config was valid on one Node and
 * invalid on another (issue 20).
 */
const IDNA = {
  checkBidi: true,
  checkJoiners: true,
  checkHyphens: false,
  useSTD3ASCIIRules: false,
  transitionalProcessing: false,
  verifyDNSLength: false,
} as const;

/**
 * tr46 with its Unicode tables, loaded for the first name that needs IDNA: an all-ASCII config
 * (the usual one) never does, and loading them is a tenth of a small config's `validate`.
 */
let tr46: typeof Tr46 | undefined;
function toASCII(name: string, options: Tr46.ToAsciiOptions): string | null {
  return (tr46 ??= require("tr46") as typeof Tr46).toASCII(name, options);
}

export const MAX_NAME_LENGTH = 253;

export type NameResult =
  | { readonly ok: true; readonly value: string }
  | {
      readonly ok: false;
      /** Why the text is not acceptable, as a clause ("it has an empty label"). */
      readonly reason: string;
      /** What the user probably meant, when we can tell (the part after `@`, the URL's host). */
      readonly suggestion?: string;
      /** Set when the text is the IPv4-compatible IPv6 form (`::10.0.1.25`): the IPv4 address it embeds. */
      readonly ipv4Compatible?: string;
      /** Set when the text is an IPv4-mapped IPv6 address (`::ffff:10.0.1.25`): the IPv4 address it stands for. */
      readonly ipv4Mapped?: string;
    };

export type HostKind = "name" | "ipv4" | "ipv6";

export type HostResult =
  | { readonly ok: true; readonly value: string; readonly kind: HostKind }
  | Extract<NameResult, { ok: false }>;

/**
 * An email domain as HubSpot wants it (the part after `@`): lower case, one trailing dot
 * removed, IDN converted to punycode, at least two labels. Whitespace is an error rather than
 * trimmed: a stray space in YAML usually means a quoting mistake worth seeing.
 */
export function normalizeDomain(text: string): NameResult {
  if (isNormalName(text) && text.includes(".")) return { ok: true, value: text };
  const early = commonProblems(text);
  if (early) return early;
  if (text.includes("@")) {
    const after = text.slice(text.lastIndexOf("@") + 1);
    const suggested = normalizeDomain(after);
    return {
      ok: false,
      reason: "it looks like an email address; the domain is the part after @",
      ...(suggested.ok ? { suggestion: suggested.value } : {}),
    };
  }
  const ascii = toAsciiName(text);
  if (!ascii.ok) return ascii;
  if (!ascii.value.includes(".")) {
    return { ok: false, reason: "it has only one label; an email domain has at least two, like example.com" };
  }
  return ascii;
}

/**
 * A server HubSpot connects to: an RFC 1123 host name (one label allowed) or an IPv4/IPv6
 * literal. IP literals come back in canonical text (RFC 5952 for IPv6) so equal addresses
 * compare equal.
 */
export function normalizeHost(text: string): HostResult {
  if (isNormalName(text)) return { ok: true, value: text, kind: "name" };
  const early = commonProblems(text);
  if (early) return early;
  if (text.startsWith("[") && text.endsWith("]")) {
    const inner = normalizeHost(text.slice(1, -1));
    return {
      ok: false,
      reason: "IPv6 addresses are written without brackets here",
      ...(inner.ok ? { suggestion: inner.value } : {}),
    };
  }
  if (text.includes(":")) return ipv6Literal(text);
  // The cheap shape test first: ipaddr throws and catches internally for every non-address.
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text) && ipaddr.IPv4.isValidFourPartDecimal(text)) return { ok: true, value: ipaddr.parse(text).toString(), kind: "ipv4" };
  if (text.includes("@")) return { ok: false, reason: "it contains @; a host name has no user part" };
  const name = toAsciiName(text);
  if (!name.ok) {
    // "10.0.0.256" fails as a name because its last label is numeric; the real problem is the IP.
    if (/^[0-9]+(\.[0-9]+)+$/.test(text)) return { ok: false, reason: "it looks like an IPv4 address but is not a valid one" };
    return name;
  }
  return { ok: true, value: name.value, kind: "name" };
}

/** Problems domains and hosts share, checked before label rules so the reason names the real mistake. */
function commonProblems(text: string): Extract<NameResult, { ok: false }> | undefined {
  if (text.length === 0) return { ok: false, reason: "it is empty" };
  if (text.trim() !== text) return { ok: false, reason: "it has leading or trailing whitespace" };
  if (/\s/.test(text)) return { ok: false, reason: "it contains whitespace" };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    // readUrl, not `new URL`: the hint must not depend on the runtime's IDNA.
    const read = readUrl(text);
    const host = read?.idna ? (read.idna.result.ok ? read.idna.host : undefined) : read?.url.hostname || undefined;
    return { ok: false, reason: "it is a URL; give only the name", ...(host ? { suggestion: host } : {}) };
  }
  return undefined;
}

function ipv6Literal(text: string): HostResult {
  const hostPort = /^([^:]+):(\d+)$/.exec(text);
  if (hostPort) {
    return { ok: false, reason: "it contains a port; the port goes in its own field", suggestion: hostPort[1] };
  }
  // A zone index ("fe80::1%eth0") names an interface on some other machine: meaningless here.
  if (text.includes("%") || !ipaddr.IPv6.isValid(text)) return { ok: false, reason: "it is not a valid IPv6 address" };
  const ipv4 = ipv4CompatibleAddress(text);
  if (ipv4 !== undefined) {
    return { ok: false, reason: "it is an IPv4-compatible IPv6 address, a deprecated form", suggestion: ipv4, ipv4Compatible: ipv4 };
  }
  const mapped = ipv4MappedAddress(text);
  if (mapped !== undefined) {
    return { ok: false, reason: "it is an IPv4-mapped IPv6 address, which stands for an IPv4 address", suggestion: mapped, ipv4Mapped: mapped };
  }
  // parseAddress, not ipaddr.parse: the latter reads some dotted forms as another address.
  return { ok: true, value: parseAddress(text).toString(), kind: "ipv6" };
}

/** Lower case, one trailing dot off, IDN to punycode, then every label and length rule. */
function toAsciiName(text: string): NameResult {
  let name = text.toLowerCase();
  if (name.endsWith(".")) name = name.slice(0, -1);
  // Only non-ASCII text needs mapping: an ASCII name reaches the label rules exactly as written.
  if (/[^\x00-\x7f]/.test(name)) {
    const ascii = toASCII(name, IDNA);
    if (ascii === null) return { ok: false, reason: "it is not a valid internationalised domain name" };
    name = ascii;
  }
  // Most names pass every label rule: one match says so without splitting (a config of 10,000
  // domains has ~30,000 names). A name it refuses gets its reason from the rules one by one.
  const labels = ALL_LABELS_VALID.test(name) ? undefined : name.split(".");
  for (const label of labels ?? []) {
    const problem = labelProblem(label);
    if (problem) return { ok: false, reason: problem };
  }
  if (name.length > MAX_NAME_LENGTH) {
    return { ok: false, reason: `it is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}` };
  }
  const last = name.slice(name.lastIndexOf(".") + 1);
  if (/^[0-9]+$/.test(last)) return { ok: false, reason: `its last label "${last}" is all digits` };
  // Punycode labels written by hand ("xn--zz") must decode to a valid Unicode label: IDNA
  // decodes, checks and encodes them again.
  if (name.includes("xn--") && toASCII(name, IDNA) !== name) {
    return { ok: false, reason: "it contains a punycode label (xn--) that does not decode" };
  }
  return { ok: true, value: name };
}

/**
 * Whether `text` is a name already in normal form, which every rule of `toAsciiName` (and those
 * before it) would accept unchanged: lower-case letters, digits, hyphens and dots only, in valid
 * labels, within the length limit, no punycode to decode, the last label not all digits. Nearly
 * every name of a config is one, and this one test is all it needs (10,000 domains have ~30,000).
 */
function isNormalName(text: string): boolean {
  return text.length <= MAX_NAME_LENGTH && ALL_LABELS_VALID.test(text) && !text.includes("xn--") && !ALL_DIGITS_LAST_LABEL.test(text);
}

const ALL_DIGITS_LAST_LABEL = /(?:^|\.)[0-9]+$/;

/**
 * Names whose every label `labelProblem` accepts: 1 to 63 letters, digits and hyphens, neither
 * first nor last a hyphen.
 */
const ALL_LABELS_VALID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function labelProblem(label: string): string | undefined {
  if (label.length === 0) return "it has an empty label (two dots in a row, or a leading dot)";
  if (label.length > MAX_LABEL_LENGTH) {
    return `label "${label}" is ${label.length} characters long; the limit is ${MAX_LABEL_LENGTH}`;
  }
  const bad = /[^a-z0-9-]/.exec(label);
  if (bad) return `label "${label}" contains "${bad[0]}"; only letters, digits and hyphens are allowed`;
  if (label.startsWith("-") || label.endsWith("-")) return `label "${label}" starts or ends with a hyphen`;
  return undefined;
}

/** A URL as the WHATWG parser reads it, except for a host that needs IDNA: see readUrl. */
export interface ReadUrl {
  /** Scheme, credentials, port, path, query and fragment as WHATWG reads them. */
  readonly url: URL;
  /**
   * Set when the host needed IDNA: the host in ASCII (as written when IDNA refuses it) and the
   * host rules' verdict on it. `url.hostname` is then a stand-in, never to be shown or stored.
   */
  readonly idna?: { readonly host: string; readonly result: HostResult };
  /** The WHATWG serialisation (`url.href`), with the host from IDNA when IDNA took the host. */
  readonly href: string;
}

/** Scheme, user info and the host as written (up to its port, path, query or fragment). */
const URL_HOST = /^([a-z][a-z0-9+.-]*:\/\/(?:[^/\\?#]*@)?)([^/\\?#:@[\]]+)(.*)$/is;
/** A character that is not ASCII, or a percent sign (which may escape one). */
const NOT_PLAIN_ASCII = /[^\x00-\x7f]|%/;
/** Stands for the host while the WHATWG parser reads the rest of the URL. */
const STAND_IN_HOST = "stand-in.invalid";

/**
 * Reads a URL with the WHATWG parser, but puts a host that needs IDNA (not ASCII once
 * percent-decoded, or with an `xn--` label) through mailgate's IDNA and host rules instead of
 * the parser's: the parser applies the runtime's IDNA, which differs between Node 20 and Node 24
 * even for an ASCII `xn--` label (issue 20), and the same URL must read the same on both. Such a
 * host is replaced by a stand-in for the parser, so a refused host still leaves every other part
 * of the URL to check. Undefined when the parser refuses the URL.
 */
export function readUrl(text: string): ReadUrl | undefined {
  const idna = idnaHost(text);
  let url: URL;
  try {
    url = new URL(idna?.parsable ?? text);
  } catch {
    return undefined;
  }
  if (idna === undefined) return { url, href: url.href };
  const credentials = url.username === "" && url.password === "" ? "" : `${url.username}${url.password === "" ? "" : `:${url.password}`}@`;
  const port = url.port === "" ? "" : `:${url.port}`;
  return {
    url,
    idna: { host: idna.host, result: idna.result },
    href: `${url.protocol}//${credentials}${idna.host}${port}${url.pathname}${url.search}${url.hash}`,
  };
}

function idnaHost(text: string): { parsable: string; host: string; result: HostResult } | undefined {
  // Plain ASCII with no escape and no `xn--` anywhere: no host in it can need IDNA (most URLs).
  if (!NOT_PLAIN_ASCII.test(text) && !/xn--/i.test(text)) return undefined;
  const parts = URL_HOST.exec(text);
  if (!parts) return undefined;
  const [, before, written, after] = parts;
  let decoded: string;
  try {
    decoded = decodeURIComponent(written);
  } catch {
    return undefined;
  }
  if (!/[^\x00-\x7f]/.test(decoded) && !/(^|\.)xn--/i.test(decoded)) return undefined;
  const parsable = `${before}${STAND_IN_HOST}${after}`;
  // Only IDNA here (case, dots and the rest as WHATWG's host parser would leave them for its href).
  const ascii = toASCII(decoded, IDNA);
  if (ascii !== null) return { parsable, host: ascii, result: normalizeHost(ascii) };
  const refused = normalizeHost(decoded);
  return { parsable, host: decoded, result: refused.ok ? { ok: false, reason: "it is not a valid internationalised domain name" } : refused };
}
