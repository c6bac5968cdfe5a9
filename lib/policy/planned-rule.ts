import type { Cidr } from "../model/cidr";
import { ruleIdentity } from "../model/rule-identity";
import type { SourceListKey } from "../model/source-lists";
import { mergeProvenance } from "./needs";
import type { KeyedPair } from "./placement-types";
import type { PrefixListPlan } from "./prefix-lists";
import type { FirewallRule, RuleProvenance } from "./rule";

/**
 * What a planned rule lets through, as the firewall writes it:
 * - TCP to `port` from one block (`cidr`);
 * - TCP to `port` from a prefix list mailgate creates (`prefixList`);
 * - TCP to `port` from a set of blocks written beside the rule (`sources`: a file's, an nft set's
 *   or a script rule's addresses, the cover of exactly these lists);
 * - for a network ACL's return rule, TCP 1024-65535 out to one block (`returnTo`).
 * A `FirewallRule` is the first as it stands.
 */
export type PlannedContent = CidrContent | PrefixListContent | SourcesContent | ReturnContent;
/** `protocol` is always TCP: it is here so the Terraform names built from a rule's content read it (lib/terraform/names.ts). */
export type CidrContent = { readonly protocol: "tcp"; readonly port: number; readonly cidr: Cidr };
/** A security group rule referencing a prefix list mailgate creates (its entries are the cover of the port's lists). */
export type PrefixListContent = { readonly port: number; readonly prefixList: PrefixListPlan };
export type SourcesContent = { readonly port: number; readonly sources: SourceListKey };
export type ReturnContent = { readonly returnTo: Cidr };

/**
 * One rule as a target's firewall holds it, whatever the kind: what it lets through (`content`,
 * and for a stateful rule the one server it leads to, `destination`), every (port, CIDR) pair it
 * admits with their provenance (`admits`: one for a CIDR rule, a set's entries, none for a return
 * rule), why it exists (the union of what it serves), and where it is written (`place`: the only
 * part a kind defines, in lib/kinds/<kind>/plan.ts: a rule number, a sid, a set, a file). `C`
 * narrows the content when a kind writes one form only.
 */
export interface PlannedRule<Place, C extends PlannedContent = PlannedContent> extends RuleProvenance {
  readonly content: C;
  readonly destination?: Cidr;
  readonly admits: readonly FirewallRule[];
  readonly place: Place;
}

/** A rule from a port's sources (`rules`: the port's cover): admits them, serves what they serve. */
export function sourcesRule<Place>(port: number, sources: SourceListKey, rules: readonly FirewallRule[], place: Place): PlannedRule<Place, SourcesContent> {
  return { content: { port, sources }, admits: rules, ...mergeProvenance(rules), place };
}

/** A rule from one block as it stands (`rule`), towards `destination` when given. */
export function cidrRule<Place>(rule: FirewallRule, place: Place, destination: Cidr): PlannedRule<Place, CidrContent> & { readonly destination: Cidr };
export function cidrRule<Place>(rule: FirewallRule, place: Place, destination?: Cidr): PlannedRule<Place, CidrContent>;
export function cidrRule<Place>(rule: FirewallRule, place: Place, destination?: Cidr): PlannedRule<Place, CidrContent> {
  const { protocol, port, cidr, lists, domains, hosts } = rule;
  return { content: { protocol, port, cidr }, ...(destination ? { destination } : {}), admits: [rule], lists, domains, hosts, place };
}

/** A rule's `ruleIdentity`: what placements key its group, number or sid by. A rule from a file's sources has none (nothing is placed outside AWS). */
export function plannedIdentity(rule: PlannedRule<unknown, CidrContent | PrefixListContent | ReturnContent>): string {
  return ruleIdentity(rule.content, rule.destination);
}

/** A rule that placements record: by its identity, in AWS (a kind outside AWS writes its files whole). */
type PlacedRule<Place> = PlannedRule<Place, CidrContent | PrefixListContent | ReturnContent>;

/** Each rule's number (rule number, sid) by its identity, as placements record them. */
export function placedNumbers<Place>(rules: readonly PlacedRule<Place>[], numberOf: (place: Place) => number): Map<string, number> {
  return new Map(rules.map((r) => [plannedIdentity(r), numberOf(r.place)]));
}

/** Every (port, CIDR) pair inbound rules admit, with the identity of the rule admitting it (what leaving rules are checked against). */
export function keyedPairs(rules: readonly PlannedRule<unknown, CidrContent | PrefixListContent>[]): KeyedPair[] {
  return rules.flatMap((rule) => {
    const key = plannedIdentity(rule);
    return rule.admits.map(({ port, cidr }) => ({ key, port, cidr }));
  });
}

/** A network ACL's return rule: TCP 1024-65535 out to `block`; it admits nothing in, and serves what it returns to (`provenance`). */
export function returnRule<Place>(block: Cidr, provenance: RuleProvenance, place: Place): PlannedRule<Place, ReturnContent> {
  return { content: { returnTo: block }, admits: [], ...provenance, place };
}
