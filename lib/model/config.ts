import type { Cidr } from "./cidr";

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
}

export interface CustomIpRanges {
  /** Free text naming where the lists came from (e.g. HubSpot's "View connection IPs"). */
  readonly source: string;
  readonly smtp: readonly Cidr[];
  readonly imap: readonly Cidr[];
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

interface FirewallBase {
  /** The key under `firewalls:`; safe alphabet, used in Terraform names. */
  readonly name: string;
  readonly region: string;
}

/** Either a group mailgate creates (`vpcId` + `groupName`) or an existing group's id. */
export type SecurityGroupTarget = FirewallBase & {
  readonly type: "aws-security-group";
} & (
    | { readonly create: { readonly vpcId: string; readonly groupName: string }; readonly securityGroupId?: undefined }
    | { readonly create?: undefined; readonly securityGroupId: string }
  );

export type FirewallTarget = SecurityGroupTarget;
