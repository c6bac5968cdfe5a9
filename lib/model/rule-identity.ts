import { Cidr, type IpFamily } from "./cidr";
import type { HubSpotList } from "./ip-catalog";

/**
 * A planned rule's identity: its content only (the port, the source, and for a stateful rule its
 * destination), never its place in a list, so a rule keeps its group, number or sid whatever
 * else changes around it. Placements record rules by it (`tcp/993 143.244.87.0/25`,
 * `tcp/993 prefix-list imap+smtp/ipv4`, `10.0.1.25/32 tcp/993 143.244.87.0/25`): the format of
 * placements.json, so it never changes.
 */
export function ruleIdentity(rule: {
  readonly port: number;
  /** A CIDR, or `prefix-list <key>` for a rule that references a prefix list. */
  readonly source: { toString(): string };
  readonly destination?: { toString(): string };
}): string {
  const admits = `tcp/${rule.port} ${rule.source.toString()}`;
  return rule.destination === undefined ? admits : `${rule.destination.toString()} ${admits}`;
}

export type ParsedRuleIdentity =
  | { readonly kind: "cidr"; readonly port: number; readonly cidr: Cidr }
  | { readonly kind: "prefix-list"; readonly port: number; readonly lists: HubSpotList[]; readonly family: IpFamily };

/** The port and source of an identity without a destination; undefined when it is none. */
export function parseRuleIdentity(key: string): ParsedRuleIdentity | undefined {
  const match = /^tcp\/(\d{1,5}) (?:prefix-list (imap|smtp|imap\+smtp)\/ipv(4|6)|(\S+))$/.exec(key);
  if (!match) return undefined;
  const port = Number(match[1]);
  if (match[2] !== undefined) return { kind: "prefix-list", port, lists: match[2].split("+") as HubSpotList[], family: Number(match[3]) as IpFamily };
  const cidr = Cidr.parse(match[4] ?? "");
  return cidr instanceof Cidr ? { kind: "cidr", port, cidr } : undefined;
}
