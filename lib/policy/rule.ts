import type { Cidr } from "../model/cidr";
import type { Endpoint } from "../model/config";
import type { HubSpotList } from "../model/ip-catalog";

/**
 * The one rule shape every target type is planned from: TCP from one HubSpot source block to one
 * mail-server port, with why it exists. Planners group and number these; the audit proves them;
 * renderers write them. Nothing here depends on a target type.
 */

/** Why a rule exists: which HubSpot lists it serves, for which domains and mail servers. */
export interface RuleProvenance {
  /** Sorted: `["imap"]`, `["smtp"]` or `["imap", "smtp"]`. */
  readonly lists: readonly HubSpotList[];
  /** Sorted, unique normalised domain names. */
  readonly domains: readonly string[];
  /** Sorted, unique `host:port` of the mail servers behind this rule. */
  readonly hosts: readonly string[];
}

/**
 * A domain's list that cannot reach its port through a target: a Network Firewall or nftables
 * target whose `destinations` share no address family with any of the list's addresses.
 */
export interface UnservedNeed {
  readonly domain: string;
  readonly list: HubSpotList;
  readonly port: number;
}

/** One ingress permission: TCP from `cidr` to `port`. */
export interface FirewallRule extends RuleProvenance {
  readonly protocol: "tcp";
  readonly port: number;
  readonly cidr: Cidr;
}

/** One thing a domain needs from a target: a HubSpot list allowed to reach one server port. */
export interface Need {
  readonly list: HubSpotList;
  readonly domain: string;
  readonly endpoint: Endpoint;
}

/** What every kind's plan holds, whatever else it lays out: the rules HubSpot requires, which the kind plans as `PlannedRule`s. */
export interface RequiredRules {
  /**
   * The exact (port, source CIDR) pairs HubSpot needs, whatever renders them. Sorted by port,
   * then `Cidr.compare`. Unique per (port, cidr).
   */
  readonly rules: readonly FirewallRule[];
}
