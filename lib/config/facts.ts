import type { Cidr } from "../model/cidr";
import type { Endpoint, FirewallTarget, TerraformSettings } from "../model/config";
import type { Located } from "./source";

/**
 * What one file declares, with positions, as the per-file checks found it. Cross-file checks
 * and the final `Config` are built from these. A value field is present only when every check
 * on it passed, so anything missing here has already been reported as an error.
 */
export interface FileFacts {
  readonly hubspot?: HubspotFact;
  readonly terraform?: TerraformFact;
  readonly domains: readonly DomainFact[];
  readonly firewalls: readonly FirewallFact[];
}

export interface HubspotFact {
  /** The `hubspot` key. */
  readonly at: Located;
  /** True when the section has `ipRanges`. */
  readonly hasIpRanges: boolean;
  readonly ipRanges?: { readonly source: string; readonly smtp: readonly Cidr[]; readonly imap: readonly Cidr[]; readonly allowBroadRanges?: string };
}

export interface TerraformFact {
  /** The `terraform` key. */
  readonly at: Located;
  /** Present when the section is valid. */
  readonly settings?: TerraformSettings;
}

export type SettingsKind = "imap" | "exchange";

export interface DomainFact {
  /** The `domain` value. */
  readonly domainAt: Located;
  /** Normalised name, when valid. */
  readonly name?: string;
  /** The settings keys the entry has, in source order. */
  readonly settings: readonly { readonly kind: SettingsKind; readonly at: Located }[];
  readonly value?: ImapValue | ExchangeValue;
  readonly firewallRefs: readonly { readonly name: string; readonly at: Located }[];
}

export interface ImapValue {
  readonly kind: "imap";
  readonly incoming: Endpoint;
  readonly outgoing: Endpoint;
  readonly allowNonSecureCertificate: boolean;
}

export interface ExchangeValue {
  readonly kind: "exchange";
  readonly url: string;
  readonly endpoint: Endpoint;
}

export interface FirewallFact {
  readonly name: string;
  /** The name, as a key under `firewalls:`. */
  readonly at: Located;
  readonly target?: FirewallTarget;
  /** For duplicate checks: the existing group it adds rules to, when valid. */
  readonly securityGroupId?: { readonly id: string; readonly at: Located };
  /** For duplicate checks: the group it creates, when valid. */
  readonly createdGroup?: { readonly region: string; readonly vpcId: string; readonly groupName: string; readonly at: Located };
  /** For duplicate checks: the network ACL it adds rules to, when valid. */
  readonly networkAclId?: { readonly id: string; readonly at: Located };
  /** For duplicate checks: the Network Firewall rule group it creates, when valid. */
  readonly ruleGroup?: { readonly region: string; readonly name: string; readonly at: Located };
  /**
   * For collision checks of a valid nftables or Windows target: the key naming what it owns on
   * its host (`chain`, else `table`; `group`), or the firewall's name when that is defaulted.
   */
  readonly ownsAt?: Located;
}
