import type { Cidr, IpFamily } from "../model/cidr";
import type {
  Config,
  DomainSettings,
  Endpoint,
  NetworkAclTarget,
  NetworkFirewallTarget,
  RuleOrder,
  SecurityGroupSources,
  SecurityGroupTarget,
} from "../model/config";
import { catalogFor, type HubSpotList, type IpCatalog } from "../model/ip-catalog";
import { minimalCover } from "./aggregate";
import { planNetworkAcl } from "./network-acl";
import { planNetworkFirewall, unservedNeeds } from "./network-firewall";
import { planOnPrem, type OnPremPolicy } from "./onprem";
import { NO_PLACEMENTS, type Placements } from "./placements";
import type { PrefixListPlan } from "./prefix-lists";
import { planSecurityGroup, PrefixListRegistry } from "./security-group";

/** Why a rule exists: which HubSpot lists it serves, for which domains and mail servers. */
export interface RuleProvenance {
  /** Sorted: `["imap"]`, `["smtp"]` or `["imap", "smtp"]`. */
  readonly lists: readonly HubSpotList[];
  /** Sorted, unique normalised domain names. */
  readonly domains: readonly string[];
  /** Sorted, unique `host:port` of the mail servers behind this rule. */
  readonly hosts: readonly string[];
}

/** One ingress permission: TCP from `cidr` to `port`. */
export interface FirewallRule extends RuleProvenance {
  readonly protocol: "tcp";
  readonly port: number;
  readonly cidr: Cidr;
}

/** Rules as AWS counts them against a quota, per address family. */
export interface FamilyCounts {
  readonly ipv4: number;
  readonly ipv6: number;
}

/** One security group rule resource: a single CIDR, or a reference to a prefix list. */
export type IngressRule = CidrIngress | PrefixListIngress;

export interface CidrIngress {
  readonly kind: "cidr";
  readonly port: number;
  readonly family: IpFamily;
  /** A CIDR rule counts once. */
  readonly weight: 1;
  readonly rule: FirewallRule;
}

export interface PrefixListIngress {
  readonly kind: "prefix-list";
  readonly port: number;
  readonly family: IpFamily;
  /** AWS counts a rule referencing a prefix list as the list's `max_entries` rules. */
  readonly weight: number;
  readonly prefixList: PrefixListPlan;
  /** The (port, CIDR) pairs this rule admits: the list's entries, with their provenance. */
  readonly rules: readonly FirewallRule[];
  /** The union of the covered rules' provenance (the port's lists, domains and servers). */
  readonly provenance: RuleProvenance;
}

/** One security group of a target and the rules it holds. */
export interface SecurityGroupPlan {
  /** 1-based. Group n > 1 exists only for created targets, named `<name>-n`. */
  readonly index: number;
  /** The group's AWS name, for groups mailgate creates. */
  readonly groupName?: string;
  /** Sorted by port, then family, then CIDR or list. */
  readonly ingress: readonly IngressRule[];
  /** What the group's rules weigh against its quota. */
  readonly weight: FamilyCounts;
}

interface TargetPolicyBase {
  /**
   * The exact (port, source CIDR) pairs HubSpot needs, whatever renders them. Sorted by port,
   * then `Cidr.compare`. Unique per (port, cidr).
   */
  readonly rules: readonly FirewallRule[];
}

export interface SecurityGroupPolicy extends TargetPolicyBase {
  readonly type: "aws-security-group";
  readonly target: SecurityGroupTarget;
  /** `target.sources` with its default applied. */
  readonly sources: SecurityGroupSources;
  /** `target.maxRules` with its default applied. */
  readonly maxRules: number;
  /** One group for an existing group; as many as the quota needs for a created one. */
  readonly groups: readonly SecurityGroupPlan[];
}

/** A numbered network ACL rule admitting one (port, CIDR) pair. */
export interface NetworkAclInbound {
  readonly ruleNumber: number;
  readonly rule: FirewallRule;
}

/** A numbered outbound rule admitting TCP 1024-65535 to one source block: the return traffic. */
export interface NetworkAclReturn extends RuleProvenance {
  readonly ruleNumber: number;
  readonly cidr: Cidr;
}

export interface NetworkAclPolicy extends TargetPolicyBase {
  readonly type: "aws-network-acl";
  readonly target: NetworkAclTarget;
  /** `target.maxRules` with its default applied. */
  readonly maxRules: number;
  /** One per rule, sorted like `rules`. */
  readonly inbound: readonly NetworkAclInbound[];
  /** The minimal exact cover of every inbound source, sorted by `Cidr.compare`. */
  readonly outbound: readonly NetworkAclReturn[];
}

/** One 5-tuple PASS rule: TCP from `rule.cidr`, any port, to `destination` on `rule.port`. */
export interface StatefulRulePlan {
  readonly sid: number;
  readonly destination: Cidr;
  readonly rule: FirewallRule;
}

export interface NetworkFirewallPolicy extends TargetPolicyBase {
  readonly type: "aws-network-firewall";
  readonly target: NetworkFirewallTarget;
  /** The rule group's capacity: `target.capacity`, the capacity it was created with while its rules fit, or computed. */
  readonly capacity: number;
  readonly capacityGiven: boolean;
  /** Where `capacity` comes from: given in config, kept from an earlier synth, or computed now. */
  readonly capacitySource: "given" | "kept" | "computed";
  /** `target.ruleOrder`, else the order the group was created with, else AWS's default. */
  readonly ruleOrder: RuleOrder;
  /** Per destination, the rules of its address family; sorted by destination, port, CIDR. */
  readonly statefulRules: readonly StatefulRulePlan[];
  /**
   * Needs no rule serves: a list none of whose addresses shares a family with any destination
   * (IPv4-only lists, IPv6-only destinations). `checkLimits` refuses them. Sorted.
   */
  readonly unserved: readonly UnservedNeed[];
}

/** A domain's list that cannot reach its port through a target. */
export interface UnservedNeed {
  readonly domain: string;
  readonly list: HubSpotList;
  readonly port: number;
}

/** Policies of targets in AWS: their rules become Terraform resources in the target's stack. */
export type AwsTargetPolicy = SecurityGroupPolicy | NetworkAclPolicy | NetworkFirewallPolicy;

/** Targets outside AWS (nftables, Windows Firewall, allowlists) write artifacts instead (lib/policy/onprem.ts). */
export type TargetPolicy = AwsTargetPolicy | OnPremPolicy;

/** Whether a policy's target is in AWS (so in a stack); the others write files under `firewalls/`. */
export function isAwsPolicy(policy: TargetPolicy): policy is AwsTargetPolicy {
  return policy.type === "aws-security-group" || policy.type === "aws-network-acl" || policy.type === "aws-network-firewall";
}

export interface FirewallPolicy {
  readonly catalog: IpCatalog;
  /** Sorted by target name; only targets some domain references. */
  readonly targets: readonly TargetPolicy[];
  /** Every prefix list some target's rules reference, sorted by key. Stacks create those they use. */
  readonly prefixLists: readonly PrefixListPlan[];
}

/** One thing a domain needs from a target: a HubSpot list allowed to reach one server port. */
export interface Need {
  readonly list: HubSpotList;
  readonly domain: string;
  readonly endpoint: Endpoint;
}

/**
 * What HubSpot must reach for a domain (FACTS.md): the IMAP list the IMAP server, the SMTP list
 * the SMTP server; for Exchange, the article's "both SMTP and IMAP" union the EWS endpoint.
 */
export function needsOf(domain: DomainSettings): Need[] {
  if (domain.kind === "imap") {
    return [
      { list: "imap", domain: domain.name, endpoint: domain.incoming },
      { list: "smtp", domain: domain.name, endpoint: domain.outgoing },
    ];
  }
  return [
    { list: "imap", domain: domain.name, endpoint: domain.endpoint },
    { list: "smtp", domain: domain.name, endpoint: domain.endpoint },
  ];
}

/**
 * Pure: from validated config to the exact rules per target, and how each target type renders
 * them (groups, prefix lists, rule numbers, stateful rules). Never fails: what a target cannot
 * hold (quotas, rule numbers, capacity) is left in the plan for `checkLimits` to report.
 * `previous` (the placements file of the last synth) keeps every surviving rule in its group,
 * with its rule number or sid, and every prefix list's `max_entries`.
 */
export function buildPolicy(config: Config, previous: Placements = NO_PLACEMENTS): FirewallPolicy {
  const catalog = catalogFor(config.ipRanges);
  const needsByTarget = new Map<string, Need[]>();
  for (const domain of config.domains) {
    for (const targetName of domain.firewalls) {
      const needs = needsByTarget.get(targetName) ?? [];
      needs.push(...needsOf(domain));
      needsByTarget.set(targetName, needs);
    }
  }
  const prefixLists = new PrefixListRegistry(catalog, previous.prefixLists);
  const targets = [...config.firewalls]
    .sort((a, b) => compareText(a.name, b.name))
    .filter((target) => needsByTarget.has(target.name))
    .map((target): TargetPolicy => {
      const needs = needsByTarget.get(target.name) ?? [];
      const rules = rulesFor(needs, catalog);
      const placed = previous.targets.get(target.name);
      switch (target.type) {
        case "aws-security-group":
          return planSecurityGroup(target, rules, listsByPort(needs), prefixLists, placed);
        case "aws-network-acl":
          return planNetworkAcl(target, rules, placed);
        case "aws-network-firewall":
          return { ...planNetworkFirewall(target, rules, placed), unserved: unservedNeeds(target, needs, catalog) };
        case "nftables":
        case "windows-firewall":
        case "allowlist":
          return planOnPrem(target, rules);
      }
    });
  return { catalog, targets, prefixLists: prefixLists.all() };
}

/** Per port, the HubSpot lists some need sends there (sorted). */
function listsByPort(needs: readonly Need[]): Map<number, HubSpotList[]> {
  const byPort = new Map<number, HubSpotList[]>();
  for (const need of needs) byPort.set(need.endpoint.port, unique([...(byPort.get(need.endpoint.port) ?? []), need.list]));
  return byPort;
}

/**
 * Per port: the union of the needed lists, aggregated to the minimal exact cover. Each block
 * then names every need whose list overlaps it, so a rule shared by many domains says so.
 */
export function rulesFor(needs: readonly Need[], catalog: IpCatalog): FirewallRule[] {
  const byPort = new Map<number, Need[]>();
  for (const need of needs) {
    const portNeeds = byPort.get(need.endpoint.port);
    if (portNeeds) portNeeds.push(need);
    else byPort.set(need.endpoint.port, [need]);
  }

  const rules: FirewallRule[] = [];
  for (const port of [...byPort.keys()].sort((a, b) => a - b)) {
    const portNeeds = byPort.get(port) ?? [];
    const lists = unique(portNeeds.map((n) => n.list));
    // A block serves the needs whose list overlaps it, so its provenance depends only on which
    // of the port's lists it overlaps: at most three cases per port, each worked out once and
    // shared (read-only) by its rules. Per rule, it was a sort of every domain on the port.
    const provenance = new Map<string, RuleProvenance>();
    for (const { cidr, served } of coverOf(catalog, lists)) {
      const key = served.join(" ");
      let shared = provenance.get(key);
      if (!shared) {
        const needs = portNeeds.filter((need) => served.includes(need.list));
        shared = { lists: served, domains: unique(needs.map((n) => n.domain)), hosts: unique(needs.map((n) => endpointText(n.endpoint))) };
        provenance.set(key, shared);
      }
      rules.push({ protocol: "tcp", port, cidr, ...shared });
    }
  }
  return rules;
}

/**
 * The minimal exact cover of some of the catalog's lists, each block with the lists it overlaps.
 * There are three combinations of lists and hundreds of (target, port) pairs asking for them, so
 * each is aggregated once per catalog.
 */
function coverOf(catalog: IpCatalog, lists: readonly HubSpotList[]): readonly { cidr: Cidr; served: HubSpotList[] }[] {
  let byLists = covers.get(catalog);
  if (!byLists) covers.set(catalog, (byLists = new Map()));
  const key = lists.join(" ");
  let cover = byLists.get(key);
  if (!cover) {
    cover = minimalCover(lists.flatMap((list) => catalog.lists[list])).map((cidr) => ({
      cidr,
      served: lists.filter((list) => catalog.lists[list].some((entry) => entry.overlaps(cidr))),
    }));
    byLists.set(key, cover);
  }
  return cover;
}

const covers = new WeakMap<IpCatalog, Map<string, readonly { cidr: Cidr; served: HubSpotList[] }[]>>();

/** `host:port`, with IPv6 literals bracketed so the port stays unambiguous (RFC 3986). */
export function endpointText({ host, port }: Endpoint): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

export function unique<T extends string>(values: readonly T[]): T[] {
  return [...new Set(values)].sort(compareText);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
