import { domainToASCII } from "node:url";
import * as ipaddr from "ipaddr.js";
import { ipv4CompatibleAddress, ipv4MappedAddress, parseAddress } from "./cidr";

/**
 * Name rules for email domains and mail-server host names (RFC 1035/1123 labels, IDN as
 * punycode). Pure functions returning a reason instead of throwing, so the config validator can
 * report every bad name at once and say why.
 */

/** AWS: security group names are at most 255 characters (split groups add `-n` to them). */
export const MAX_SECURITY_GROUP_NAME_LENGTH = 255;

export const MAX_LABEL_LENGTH = 63;
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
  if (ascii.value.split(".").length < 2) {
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
    let host: string | undefined;
    try {
      host = new URL(text).hostname || undefined;
    } catch {
      host = undefined;
    }
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
  // Only non-ASCII text goes through the WHATWG converter: for ASCII it also rewrites numeric
  // forms ("0x7f.1" -> "127.0.0.1"), which would hide the user's mistake.
  if (/[^\x00-\x7f]/.test(name)) {
    const ascii = domainToASCII(name);
    if (ascii === "") return { ok: false, reason: "it is not a valid internationalised domain name" };
    name = ascii;
  }
  const labels = name.split(".");
  for (const label of labels) {
    const problem = labelProblem(label);
    if (problem) return { ok: false, reason: problem };
  }
  if (name.length > MAX_NAME_LENGTH) {
    return { ok: false, reason: `it is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}` };
  }
  const last = labels[labels.length - 1];
  if (/^[0-9]+$/.test(last)) return { ok: false, reason: `its last label "${last}" is all digits` };
  // Punycode labels written by hand ("xn--zz") must decode; the WHATWG converter checks that.
  if (name.includes("xn--") && domainToASCII(name) !== name) {
    return { ok: false, reason: "it contains a punycode label (xn--) that does not decode" };
  }
  return { ok: true, value: name };
}

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
