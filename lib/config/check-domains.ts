import { Cidr, isCidr } from "../model/cidr";
import type { Endpoint } from "../model/config";
import { normalizeDomain, normalizeHost, readUrl, type HostResult } from "../model/names";
import { FileContext, isPlainMap, isPort, type PlainMap } from "./context";
import type { DomainFact, ExchangeValue, ImapValue, SettingsKind } from "./facts";
import { messages } from "./messages";
import { BOUNDS } from "../kinds/schema-bounds";
import { comparePositions, type Located, type Path } from "./source";

const SETTINGS_KINDS: readonly SettingsKind[] = ["imap", "exchange"];
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
 */
export function checkDomain(ctx: FileContext, entry: PlainMap, path: Path): DomainFact {
  const domainPath = [...path, "domain"];
  const name = typeof entry.domain === "string" ? checkDomainName(ctx, entry.domain, domainPath) : undefined;
  const settings: { kind: SettingsKind; at: Located }[] = [];
  for (const kind of SETTINGS_KINDS) if (entry[kind] !== undefined) settings.push({ kind, at: ctx.key([...path, kind]) });
  // Both kinds in one entry (an error): in the order written. One needs no sort, nor its position.
  if (settings.length > 1) settings.sort((a, b) => comparePositions(a.at.position, b.at.position));
  if (settings.length === 0) {
    const shown = name ?? (typeof entry.domain === "string" ? entry.domain : "(unnamed)");
    ctx.report(messages.missingSettings(shown), ctx.value(path));
  }
  const imap = isPlainMap(entry.imap) ? checkImap(ctx, entry.imap, [...path, "imap"]) : undefined;
  const exchange = isPlainMap(entry.exchange) ? checkExchange(ctx, entry.exchange, [...path, "exchange"]) : undefined;
  const value = settings.length === 1 ? (imap ?? exchange) : undefined;
  const firewallRefs = checkFirewallRefs(ctx, entry.firewalls, [...path, "firewalls"]);
  // Built in place rather than with conditional spreads: one fact per domain, 10,000 at scale.
  const fact: { -readonly [K in keyof DomainFact]: DomainFact[K] } = { at: ctx.value(path), domainAt: ctx.value(domainPath), settings, firewallRefs };
  if (name !== undefined) fact.name = name;
  if (value) fact.value = value;
  return fact;
}

function checkDomainName(ctx: FileContext, text: string, path: Path): string | undefined {
  const result = normalizeDomain(text);
  if (!result.ok) return ctx.report(messages.invalidDomain(text, result.reason, result.suggestion), ctx.value(path));
  return result.value;
}

function checkImap(ctx: FileContext, imap: PlainMap, path: Path): ImapValue | undefined {
  const incoming = checkEndpoint(ctx, imap.incoming, [...path, "incoming"], "IMAP server");
  const outgoing = checkEndpoint(ctx, imap.outgoing, [...path, "outgoing"], "SMTP server");
  const allow = imap.allowNonSecureCertificate ?? false;
  checkSwappedPorts(ctx, imap, path);
  if (!incoming || !outgoing || typeof allow !== "boolean") return undefined;
  return { kind: "imap", incoming, outgoing, allowNonSecureCertificate: allow };
}

function checkEndpoint(ctx: FileContext, endpoint: unknown, path: Path, label: string): Endpoint | undefined {
  if (!isPlainMap(endpoint)) return undefined;
  const hostPath = [...path, "host"];
  let host: string | undefined;
  if (typeof endpoint.host === "string") {
    const result = normalizeHost(endpoint.host);
    if (result.ok) host = checkPublicHost(ctx, result, () => ctx.value(hostPath));
    else if (result.ipv4Compatible !== undefined) ctx.report(messages.ipv4CompatibleAddress(endpoint.host, result.ipv4Compatible, `${describeField(hostPath)}`), ctx.value(hostPath));
    else if (result.ipv4Mapped !== undefined) ctx.report(messages.ipv4MappedAddress(endpoint.host, result.ipv4Mapped, `${describeField(hostPath)}`), ctx.value(hostPath));
    else ctx.report(messages.invalidHost(`${label} host`, endpoint.host, result.reason, result.suggestion), ctx.value(hostPath));
  }
  // Port type and range are schema rules, already reported.
  if (host === undefined || !isPort(endpoint.port)) return undefined;
  return { host, port: endpoint.port };
}

/** A private or loopback address is allowed (it may be NATed) but almost always a mistake. */
function checkPublicHost(ctx: FileContext, host: Extract<HostResult, { ok: true }>, at: Located | (() => Located)): string {
  if (host.kind !== "name") {
    const cidr = Cidr.parse(host.value);
    const problem = isCidr(cidr) ? cidr.publicProblem() : undefined;
    // `at` may be a function: most hosts are names, and their position is then never needed.
    if (problem) ctx.report(messages.nonPublicHost(host.value, problem.kind === "non-public" ? problem.range : problem.text), typeof at === "function" ? at() : at);
  }
  return host.value;
}

function checkExchange(ctx: FileContext, exchange: PlainMap, path: Path): ExchangeValue | undefined {
  if (typeof exchange.url !== "string") return undefined;
  const text = exchange.url;
  const at = ctx.value([...path, "url"]);
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
  const errors = [
    ...(url.protocol !== "https:" ? [messages.exchangeUrlNotHttps(text, url.protocol)] : []),
    ...(url.username !== "" || url.password !== "" ? [messages.exchangeUrlCredentials(text)] : []),
    // WHATWG takes 0-65535; port 0 would open tcp/0. The URL's port follows the port rule too.
    ...(url.port !== "" && Number(url.port) < BOUNDS.port.min ? [messages.exchangeUrlPort(text, url.port)] : []),
  ];
  // WHATWG keeps IPv6 hosts in brackets; our host rules take the bare address.
  const rawHost = idna?.host ?? url.hostname.replace(/^\[(.*)\]$/, "$1");
  const host = idna?.result ?? normalizeHost(rawHost);
  // WHATWG writes `[::ffff:10.1.2.3]` as `[::ffff:a01:203]`; the address is the same.
  if (!host.ok) errors.push(host.ipv4Mapped !== undefined ? messages.ipv4MappedAddress(rawHost, host.ipv4Mapped, describeField([...path, "url"])) : messages.exchangeUrlBadHost(rawHost, host.reason));
  for (const problem of errors) ctx.report(problem, at);
  if (url.pathname.toLowerCase() !== EWS_PATH) ctx.report(messages.nonStandardEwsPath(url.pathname), at);
  if (!host.ok) return undefined;
  const hostName = checkPublicHost(ctx, host, at);
  if (errors.length > 0) return undefined;
  return { kind: "exchange", url: read.href, endpoint: { host: hostName, port: url.port === "" ? HTTPS_PORT : Number(url.port) } };
}

/** Names under a domain's `firewalls:`; a repeat is harmless but worth a warning. */
function checkFirewallRefs(ctx: FileContext, list: unknown, path: Path): DomainFact["firewallRefs"] {
  if (!Array.isArray(list)) return [];
  const refs: { name: string; at: Located }[] = [];
  // A list of one, the usual, has no repeat to look for.
  const seen = list.length > 1 ? new Map<string, Located>() : undefined;
  for (let i = 0; i < list.length; i++) {
    const name: unknown = list[i];
    if (typeof name !== "string") continue;
    const at = ctx.value([...path, i]);
    const first = seen?.get(name);
    if (first) ctx.report(messages.duplicateFirewallReference(name, first.position), at, [first]);
    else seen?.set(name, at);
    refs.push({ name, at });
  }
  return refs;
}

/** Warns when the IMAP server is on an SMTP port or the SMTP server on an IMAP port (each at its port). */
function checkSwappedPorts(ctx: FileContext, imap: PlainMap, path: Path): void {
  const portOf = (key: string) => (isPlainMap(imap[key]) && isPort(imap[key].port) ? imap[key].port : undefined);
  const incoming = portOf("incoming");
  const outgoing = portOf("outgoing");
  const imapOnSmtp = incoming !== undefined && SMTP_PORTS.has(incoming);
  const smtpOnImap = outgoing !== undefined && IMAP_PORTS.has(outgoing);
  const both = imapOnSmtp && smtpOnImap;
  if (imapOnSmtp) ctx.report(messages.portLooksSwapped("IMAP", incoming, both), ctx.value([...path, "incoming", "port"]));
  if (smtpOnImap) ctx.report(messages.portLooksSwapped("SMTP", outgoing, both), ctx.value([...path, "outgoing", "port"]));
}

/** `domains[0].imap.incoming.host`, as lists are named in messages. */
function describeField(path: Path): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}
