import { Cidr, isCidr } from "../model/cidr";
import type { Endpoint } from "../model/config";
import { normalizeDomain, normalizeHost, readUrl, type HostResult } from "../model/names";
import { FileContext, isPlainMap, isPort, type PlainMap } from "./context";
import type { DomainFact, ExchangeValue, ImapValue } from "./facts";
import { messages, type Problem } from "./messages";
import { BOUNDS } from "../kinds/schema-bounds";
import { comparePositions, type Located, type Path } from "./source";

type Setting = DomainFact["settings"][number];

const EWS_PATH = "/ews/exchange.asmx";
const HTTPS_PORT = 443;
/**
 * Ports that belong to the other protocol: an IMAP server on an SMTP port (or the reverse) is
 * legal but almost always a mix-up of `incoming` and `outgoing`, and HubSpot's connection test
 * then fails with a protocol error, not a hint.
 */
const SMTP_PORTS: ReadonlySet<number> = new Set([25, 465, 587]);
const IMAP_PORTS: ReadonlySet<number> = new Set([143, 993]);

/**
 * Checks one entry of `domains:`. Runs on the raw value whatever the schema said, checking each
 * field only when it has the right type, so one entry's shape error hides nothing else.
 *
 * This runs once per domain (10,000 at scale), so the places kept in the fact are made with
 * `valueBelow`/`keyBelow`, which build their path only if read, and the paths that only a
 * diagnostic needs are built when it is reported.
 */
export function checkDomain(ctx: FileContext, entry: PlainMap, path: Path): DomainFact {
  const domainAt = ctx.valueBelow(path, "domain");
  const name = typeof entry.domain === "string" ? checkDomainName(ctx, entry.domain, domainAt) : undefined;
  const imapKey: Setting | undefined = entry.imap !== undefined ? { kind: "imap", at: ctx.keyBelow(path, "imap") } : undefined;
  const exchangeKey: Setting | undefined = entry.exchange !== undefined ? { kind: "exchange", at: ctx.keyBelow(path, "exchange") } : undefined;
  // An array literal of the length needed: an empty array grown by push reserves 17 slots.
  const settings = imapKey && exchangeKey ? [imapKey, exchangeKey] : imapKey ? [imapKey] : exchangeKey ? [exchangeKey] : [];
  // Both kinds in one entry (an error): in the order written. One needs no sort, nor its position.
  if (settings.length > 1) settings.sort((a, b) => comparePositions(a.at.position, b.at.position));
  if (settings.length === 0) {
    const shown = name ?? (typeof entry.domain === "string" ? entry.domain : "(unnamed)");
    ctx.report(messages.missingSettings(shown), ctx.value(path));
  }
  const imap = isPlainMap(entry.imap) ? checkImap(ctx, entry.imap, path) : undefined;
  const exchange = isPlainMap(entry.exchange) ? checkExchange(ctx, entry.exchange, path) : undefined;
  const value = settings.length === 1 ? (imap ?? exchange) : undefined;
  const firewallRefs = checkFirewallRefs(ctx, entry.firewalls, path);
  // One literal with every field (undefined when absent), rather than conditional spreads or
  // fields added afterwards: one fact per domain, 10,000 at scale, and a field added later
  // allocates the object a second store for its properties.
  return { domainAt, name, settings, value, firewallRefs };
}

function checkDomainName(ctx: FileContext, text: string, at: Located): string | undefined {
  const result = normalizeDomain(text);
  if (!result.ok) return ctx.report(messages.invalidDomain(text, result.reason, result.suggestion), at);
  return result.value;
}

/** `entry` is the domain entry's path; the IMAP settings are under its `imap`. */
function checkImap(ctx: FileContext, imap: PlainMap, entry: Path): ImapValue | undefined {
  const incoming = checkEndpoint(ctx, imap.incoming, entry, "incoming", "IMAP server");
  const outgoing = checkEndpoint(ctx, imap.outgoing, entry, "outgoing", "SMTP server");
  const allow = imap.allowNonSecureCertificate ?? false;
  checkSwappedPorts(ctx, imap, entry);
  if (!incoming || !outgoing || typeof allow !== "boolean") return undefined;
  return { kind: "imap", incoming, outgoing, allowNonSecureCertificate: allow };
}

/** `imap.<field>` of the domain entry at `entry`. */
function checkEndpoint(ctx: FileContext, endpoint: unknown, entry: Path, field: "incoming" | "outgoing", label: string): Endpoint | undefined {
  if (!isPlainMap(endpoint)) return undefined;
  let host: string | undefined;
  if (typeof endpoint.host === "string") {
    const result = normalizeHost(endpoint.host);
    if (result.ok) {
      host = result.value;
      const problem = nonPublicHost(result);
      if (problem) ctx.report(problem, ctx.value([...entry, "imap", field, "host"]));
    } else {
      const hostPath = [...entry, "imap", field, "host"];
      if (result.ipv4Compatible !== undefined) ctx.report(messages.ipv4CompatibleAddress(endpoint.host, result.ipv4Compatible, describeField(hostPath)), ctx.value(hostPath));
      else if (result.ipv4Mapped !== undefined) ctx.report(messages.ipv4MappedAddress(endpoint.host, result.ipv4Mapped, describeField(hostPath)), ctx.value(hostPath));
      else ctx.report(messages.invalidHost(`${label} host`, endpoint.host, result.reason, result.suggestion), ctx.value(hostPath));
    }
  }
  // Port type and range are schema rules, already reported.
  if (host === undefined || !isPort(endpoint.port)) return undefined;
  return { host, port: endpoint.port };
}

/**
 * A private or loopback address is allowed (it may be NATed) but almost always a mistake: the
 * warning for it, or undefined. Most hosts are names, which need no check (nor a position).
 */
function nonPublicHost(host: Extract<HostResult, { ok: true }>): Problem | undefined {
  if (host.kind === "name") return undefined;
  const cidr = Cidr.parse(host.value);
  const problem = isCidr(cidr) ? cidr.publicProblem() : undefined;
  return problem ? messages.nonPublicHost(host.value, problem.kind === "non-public" ? problem.range : problem.text) : undefined;
}

/** `entry` is the domain entry's path; the URL is its `exchange.url`. */
function checkExchange(ctx: FileContext, exchange: PlainMap, entry: Path): ExchangeValue | undefined {
  if (typeof exchange.url !== "string") return undefined;
  const text = exchange.url;
  const at = ctx.valueBelow(entry, "exchange", "url");
  // The WHATWG parser would silently trim; a stray space usually means a quoting mistake.
  if (text.trim() !== text) return ctx.report(messages.exchangeUrlWhitespace(text), at);
  // Not `new URL`: its IDNA is the runtime's, and a host must be valid on every Node or on none.
  const read = readUrl(text);
  if (read === undefined) {
    // WHATWG refuses ports above 65535 as "not a URL"; say what is really wrong.
    const port = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(text)?.[1];
    if (port !== undefined && Number(port) > BOUNDS.port.max) return ctx.report(messages.exchangeUrlPort(text, port), at);
    return ctx.report(messages.exchangeUrlNotUrl(text), at);
  }
  const { url, idna } = read;
  // Pushed one by one rather than spread from conditional arrays: nearly every URL has none.
  const errors: Problem[] = [];
  if (url.protocol !== "https:") errors.push(messages.exchangeUrlNotHttps(text, url.protocol));
  if (url.username !== "" || url.password !== "") errors.push(messages.exchangeUrlCredentials(text));
  // WHATWG takes 0-65535; port 0 would open tcp/0. The URL's port follows the port rule too.
  if (url.port !== "" && Number(url.port) < BOUNDS.port.min) errors.push(messages.exchangeUrlPort(text, url.port));
  // WHATWG keeps IPv6 hosts in brackets; our host rules take the bare address.
  const rawHost = idna?.host ?? url.hostname.replace(/^\[(.*)\]$/, "$1");
  const host = idna?.result ?? normalizeHost(rawHost);
  // WHATWG writes `[::ffff:10.1.2.3]` as `[::ffff:a01:203]`; the address is the same.
  if (!host.ok) errors.push(host.ipv4Mapped !== undefined ? messages.ipv4MappedAddress(rawHost, host.ipv4Mapped, describeField([...entry, "exchange", "url"])) : messages.exchangeUrlBadHost(rawHost, host.reason));
  for (const problem of errors) ctx.report(problem, at);
  if (url.pathname.toLowerCase() !== EWS_PATH) ctx.report(messages.nonStandardEwsPath(url.pathname), at);
  if (!host.ok) return undefined;
  const publicProblem = nonPublicHost(host);
  if (publicProblem) ctx.report(publicProblem, at);
  if (errors.length > 0) return undefined;
  return { kind: "exchange", url: read.href, endpoint: { host: host.value, port: url.port === "" ? HTTPS_PORT : Number(url.port) } };
}

/** Names under a domain's `firewalls:` (`entry` is the domain entry's path); a repeat is harmless but worth a warning. */
function checkFirewallRefs(ctx: FileContext, list: unknown, entry: Path): DomainFact["firewallRefs"] {
  if (!Array.isArray(list)) return [];
  // The usual list of one: no array grown by push, no repeat to look for.
  if (list.length === 1) return typeof list[0] === "string" ? [{ name: list[0], at: ctx.valueBelow(entry, "firewalls", 0) }] : [];
  const refs: { name: string; at: Located }[] = [];
  const seen = new Map<string, Located>();
  for (let i = 0; i < list.length; i++) {
    const name: unknown = list[i];
    if (typeof name !== "string") continue;
    const at = ctx.valueBelow(entry, "firewalls", i);
    const first = seen.get(name);
    if (first) ctx.report(messages.duplicateFirewallReference(name, first.position), at, [first]);
    else seen.set(name, at);
    refs.push({ name, at });
  }
  return refs;
}

/** The port of `imap.<key>`, when it is one. */
function portOf(imap: PlainMap, key: "incoming" | "outgoing"): number | undefined {
  const endpoint = imap[key];
  return isPlainMap(endpoint) && isPort(endpoint.port) ? endpoint.port : undefined;
}

/** Warns when the IMAP server is on an SMTP port or the SMTP server on an IMAP port (each at its port). */
function checkSwappedPorts(ctx: FileContext, imap: PlainMap, entry: Path): void {
  const incoming = portOf(imap, "incoming");
  const outgoing = portOf(imap, "outgoing");
  const imapOnSmtp = incoming !== undefined && SMTP_PORTS.has(incoming);
  const smtpOnImap = outgoing !== undefined && IMAP_PORTS.has(outgoing);
  const both = imapOnSmtp && smtpOnImap;
  if (imapOnSmtp) ctx.report(messages.portLooksSwapped("IMAP", incoming, both), ctx.value([...entry, "imap", "incoming", "port"]));
  if (smtpOnImap) ctx.report(messages.portLooksSwapped("SMTP", outgoing, both), ctx.value([...entry, "imap", "outgoing", "port"]));
}

/** `domains[0].imap.incoming.host`, as lists are named in messages. */
function describeField(path: Path): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}
