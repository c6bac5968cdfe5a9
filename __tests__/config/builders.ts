import { yaml } from "./helpers";

/**
 * Config texts with a fixed layout, so a test can vary one value and know exactly where it is.
 * Positions are noted next to each builder.
 */

/**
 * An IMAP domain entry:
 *   2:13 domain value, 3:5 `imap` key,
 *   5:15 incoming host, 6:15 incoming port, 8:15 outgoing host, 9:15 outgoing port,
 *   line 10 on: `imapExtra` lines (indented 6), then `entryExtra` lines (indented 4).
 */
export function imapDomain(
  o: {
    domain?: string;
    inHost?: string;
    inPort?: string;
    outHost?: string;
    outPort?: string;
    imapExtra?: string[];
    entryExtra?: string[];
  } = {},
): string {
  return yaml(
    "domains:",
    `  - domain: ${o.domain ?? "example.com"}`,
    "    imap:",
    "      incoming:",
    `        host: ${o.inHost ?? "imap.example.com"}`,
    `        port: ${o.inPort ?? "993"}`,
    "      outgoing:",
    `        host: ${o.outHost ?? "smtp.example.com"}`,
    `        port: ${o.outPort ?? "587"}`,
    ...(o.imapExtra ?? []).map((l) => `      ${l}`),
    ...(o.entryExtra ?? []).map((l) => `    ${l}`),
  );
}

/** An Exchange domain entry: 2:13 domain value, 3:5 `exchange` key, 4:12 url value, line 5 on: extra lines (indented 4). */
export function exchangeDomain(o: { domain?: string; url?: string; entryExtra?: string[] } = {}): string {
  return yaml(
    "domains:",
    `  - domain: ${o.domain ?? "corp.example.org"}`,
    "    exchange:",
    `      url: ${o.url ?? "https://mail.corp.example.org/EWS/Exchange.asmx"}`,
    ...(o.entryExtra ?? []).map((l) => `    ${l}`),
  );
}

/**
 * One firewall: 2:3 name key, 3:11 type value, 4:13 region value, line 5 on: `target` lines
 * (indented 4; `securityGroupId: ` values start at col 22, `vpcId: ` at 12, `name: ` at 11).
 */
export function firewall(o: { name?: string; type?: string; region?: string; target?: string[] } = {}): string {
  return yaml(
    "firewalls:",
    `  ${o.name ?? "fw"}:`,
    `    type: ${o.type ?? "aws-security-group"}`,
    `    region: ${o.region ?? "us-east-1"}`,
    ...(o.target ?? ["securityGroupId: sg-0a1b2c3d"]).map((l) => `    ${l}`),
  );
}

/** A domain that uses the firewalls named, so they are not reported as unused. */
export function domainUsing(...names: string[]): string {
  return imapDomain({ entryExtra: [`firewalls: [${names.join(", ")}]`] });
}

/**
 * A `hubspot.ipRanges` section: 1:1 `hubspot` key, 3:13 source value, 4:5 `smtp` key,
 * smtp entries from 5:9 one per line, then `imap` with one valid entry.
 */
export function hubspot(o: { source?: string; smtp?: string[]; imap?: string[] } = {}): string {
  const smtp = o.smtp ?? ["141.193.184.0/27"];
  return yaml(
    "hubspot:",
    "  ipRanges:",
    `    source: ${o.source ?? "HubSpot connection IPs"}`,
    "    smtp:",
    ...smtp.map((entry) => `      - ${entry}`),
    "    imap:",
    ...(o.imap ?? ["141.193.184.0/27"]).map((entry) => `      - ${entry}`),
  );
}
