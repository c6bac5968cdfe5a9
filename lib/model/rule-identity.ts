import { Cidr, type IpFamily } from "./cidr";
import type { HubSpotList } from "./ip-catalog";

/** A block as it is written: a `Cidr`, or its text. */
type BlockText = { toString(): string };

/**
 * What a planned rule admits, which is all its identity is made of:
 * - TCP to `port` from one block (`cidr`), or from a prefix list mailgate creates (by its key,
 *   `imap+smtp/ipv4`);
 * - for a network ACL's return rule, TCP 1024-65535 out to one block (`returnTo`): it has no
 *   port of its own, so the block alone tells it from the ACL's other return rules.
 * A `FirewallRule` is a rule from one block as it stands.
 */
export type RuleContent =
  | { readonly port: number; readonly cidr: BlockText }
  | { readonly port: number; readonly prefixList: { readonly key: string } }
  | { readonly returnTo: BlockText };

/**
 * A planned rule's identity: its content only (the port, the source, and for a stateful rule its
 * destination), never its place in a list, so a rule keeps its group, number or sid whatever
 * else changes around it. Placements record rules by it (`tcp/993 143.244.87.0/25`,
 * `tcp/993 prefix-list imap+smtp/ipv4`, `10.0.1.25/32 tcp/993 143.244.87.0/25`, and a return
 * rule's `143.244.80.0/20`): the format of placements.json, so it never changes. Every kind's
 * numbers, sids and groups are keyed by this one function. (`destination` is a `Cidr` or its text,
 * not anything printable, so `rules.map(ruleIdentity)` does not compile: it would pass the index as one.)
 */
export function ruleIdentity(rule: RuleContent, destination?: Cidr | string): string {
  if ("returnTo" in rule) return rule.returnTo.toString();
  const source = "cidr" in rule ? rule.cidr.toString() : `prefix-list ${rule.prefixList.key}`;
  const admits = `tcp/${rule.port} ${source}`;
  return destination === undefined ? admits : `${destination.toString()} ${admits}`;
}

export type ParsedRuleIdentity =
  | { readonly kind: "cidr"; readonly port: number; readonly cidr: Cidr }
  | { readonly kind: "prefix-list"; readonly port: number; readonly lists: HubSpotList[]; readonly family: IpFamily };

/** The port and source of an inbound identity without a destination; undefined when it is none. */
export function parseRuleIdentity(key: string): ParsedRuleIdentity | undefined {
  const match = /^tcp\/(\d{1,5}) (?:prefix-list (imap|smtp|imap\+smtp)\/ipv(4|6)|(\S+))$/.exec(key);
  if (!match) return undefined;
  const port = Number(match[1]);
  if (match[2] !== undefined) return { kind: "prefix-list", port, lists: match[2].split("+") as HubSpotList[], family: Number(match[3]) as IpFamily };
  const cidr = Cidr.parse(match[4] ?? "");
  return cidr instanceof Cidr ? { kind: "cidr", port, cidr } : undefined;
}
