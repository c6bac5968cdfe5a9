import type { Cidr } from "./cidr";
import type { FirewallTarget } from "../kinds/targets";

/**
 * The validated configuration: what the rest of mailgate works from. Everything here is
 * normalised (lower-case punycode domains and hosts, canonical CIDRs) and sorted by name, so
 * nothing downstream depends on file, key or entry order in the YAML.
 */
export interface Config {
  /** The user's own HubSpot IP lists; undefined means the shipped catalog. */
  readonly ipRanges?: CustomIpRanges;
  /** Sorted by `name`. */
  readonly domains: readonly DomainSettings[];
  /** Sorted by `name`. Only targets that at least one domain references. */
  readonly firewalls: readonly FirewallTarget[];
  /**
   * Sorted by `name`: targets defined but referenced by no domain (UNUSED_FIREWALL). They make no
   * rules, but they still exist: a created security group stays while its target is defined
   * (servers are attached to it), and a target here has not been removed.
   * @default none (configs built in code)
   */
  readonly idleFirewalls?: readonly FirewallTarget[];
  /** Where Terraform keeps state; undefined means local state files. */
  readonly terraform?: TerraformSettings;
}

/** The `terraform:` section: one state per stack, in the backend given here. */
export interface TerraformSettings {
  /** Local state files when the section has no `backend`. */
  readonly backend: TerraformBackendSettings;
  /**
   * The version constraint every stack's `required_providers.aws.version` gets (`"5.100.0"`,
   * `"~> 6.25"`): organisations that mirror providers pin the one they mirror.
   * @default DEFAULT_AWS_PROVIDER_VERSION
   */
  readonly awsProviderVersion?: string;
}

/**
 * The hashicorp/aws version mailgate is built against: the one @cdktf/provider-aws pins
 * (a test keeps the two equal), so a stack without `awsProviderVersion` is what cdktf writes.
 */
export const DEFAULT_AWS_PROVIDER_VERSION = "6.25.0";

export type TerraformBackendSettings =
  | { readonly kind: "local" }
  | {
      readonly kind: "s3";
      readonly bucket: string;
      /** Prepended to `<stack>.tfstate`; empty or ending in `/`. */
      readonly keyPrefix: string;
      readonly region: string;
      /** S3-native state locking (Terraform 1.10+). @default false */
      readonly useLockfile: boolean;
    };

export interface CustomIpRanges {
  /** Free text naming where the lists came from (e.g. HubSpot's "View connection IPs"). */
  readonly source: string;
  readonly smtp: readonly Cidr[];
  readonly imap: readonly Cidr[];
  /**
   * Why these lists may be broader than HubSpot's own (a block broader than /16 or /32, or more
   * than 65,536 IPv4 addresses in a list); shown in the audit report. Absent: such lists are refused.
   */
  readonly allowBroadRanges?: string;
}

/** A mail server HubSpot connects to. */
export interface Endpoint {
  /** Lower-case host name (punycode) or IP literal. */
  readonly host: string;
  readonly port: number;
}

interface DomainBase {
  /** Normalised domain: lower case, no trailing dot, IDN as punycode. */
  readonly name: string;
  /** Names of the firewall targets protecting this domain's servers, sorted, unique. */
  readonly firewalls: readonly string[];
}

export interface ImapDomain extends DomainBase {
  readonly kind: "imap";
  readonly incoming: Endpoint;
  readonly outgoing: Endpoint;
  readonly allowNonSecureCertificate: boolean;
}

export interface ExchangeDomain extends DomainBase {
  readonly kind: "exchange";
  /** The EWS URL as HubSpot should receive it (WHATWG-normalised). */
  readonly url: string;
  /** The URL's host and port (443 unless the URL names one). */
  readonly endpoint: Endpoint;
}

export type DomainSettings = ImapDomain | ExchangeDomain;

export type { TargetPosition } from "./target-base";
export type { SecurityGroupSources, SecurityGroupTarget } from "../kinds/security-group/target";
export type { NetworkAclTarget } from "../kinds/network-acl/target";
export type { NetworkFirewallTarget, RuleOrder } from "../kinds/network-firewall/target";
export type { NftablesFamily, NftablesTarget } from "../kinds/nftables/target";
export type { WindowsFirewallTarget } from "../kinds/windows-firewall/target";
export type { AllowlistTarget } from "../kinds/allowlist/target";
export type { AwsFirewallTarget, AwsFirewallType, FirewallTarget, FirewallType, OnPremFirewallTarget, OnPremFirewallType } from "../kinds/targets";
export { isAwsTarget } from "../kinds/targets";
