import type { SourceExcerpt, SourcePosition } from "./position";
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

/** Where a target is defined in the YAML (its key under `firewalls:`), with the caret excerpt. */
export type TargetPosition = SourcePosition & { readonly excerpt?: SourceExcerpt };

/** What every target has, wherever its rules go. */
interface TargetBase {
  /** The key under `firewalls:`; safe alphabet, used in Terraform names and artifact file names. */
  readonly name: string;
  /**
   * Where the target is defined, so problems found only after the policy has counted the rules
   * (quotas, rule numbers, capacity) can be reported there. Set by the loader; absent in configs
   * built in code. Never reaches any output.
   */
  readonly position?: TargetPosition;
}

/** An AWS target: its rules go into a Terraform stack of its account and region. */
interface FirewallBase extends TargetBase {
  readonly region: string;
  /**
   * The AWS account (12 digits) the target lives in: the stack is then `mailgate-<account>-<region>`
   * and its provider refuses to run against any other account. Taken from `roleArn` when only
   * that is given.
   */
  readonly account?: string;
  /** An IAM role the stack's provider assumes (cross-account deployment from one CI identity). */
  readonly roleArn?: string;
  /**
   * A read-only IAM role the provider assumes instead of `roleArn` when synthesized for a plan of
   * unmerged code (`MAILGATE_ASSUME=plan`): pull-request code never holds the deploy role.
   */
  readonly planRoleArn?: string;
  /**
   * The stack's name, given explicitly: keeps a target in the stack (the Terraform state) it was
   * first placed in when `account` or `roleArn` is added later.
   * @default `mailgate-<region>` or `mailgate-<account>-<region>` (lib/model/stack.ts)
   */
  readonly stack?: string;
  /**
   * The name this target had before: its resources are moved (Terraform `moved` blocks) to the
   * new name's addresses instead of being destroyed and created again, and it keeps its groups,
   * rule numbers and sids. Harmless once applied; remove it any time after.
   */
  readonly renamedFrom?: string;
}

/** How security group rules name HubSpot's sources. */
export type SecurityGroupSources = "cidrs" | "prefix-lists";

/** Either a group mailgate creates (`vpcId` + `groupName`) or an existing group's id. */
export type SecurityGroupTarget = FirewallBase & {
  readonly type: "aws-security-group";
  /**
   * `cidrs`: one rule per (CIDR, port). `prefix-lists`: one rule per (HubSpot list, port) that
   * references a managed prefix list mailgate creates in the stack.
   * @default "cidrs"
   */
  readonly sources?: SecurityGroupSources;
  /**
   * Inbound rules per group and address family, counted as AWS counts them (a rule that
   * references a prefix list weighs the list's `max_entries`).
   * @default 60 (AWS's default quota)
   */
  readonly maxRules?: number;
} & (
    | { readonly create: { readonly vpcId: string; readonly groupName: string }; readonly securityGroupId?: undefined }
    | { readonly create?: undefined; readonly securityGroupId: string }
  );

/** An existing network ACL that mailgate adds numbered rules to. */
export type NetworkAclTarget = FirewallBase & {
  readonly type: "aws-network-acl";
  readonly networkAclId: string;
  /** The rule numbers mailgate may use, inclusive, in each direction; `from <= to`, both 1-32766. */
  readonly ruleNumbers: { readonly from: number; readonly to: number };
  /**
   * Rules per direction and address family (AWS's one-way quota).
   * @default 20 (AWS's default quota; at most 40)
   */
  readonly maxRules?: number;
};

/** A stateful AWS Network Firewall rule group that mailgate creates. */
export type NetworkFirewallTarget = FirewallBase & {
  readonly type: "aws-network-firewall";
  /** The rule group's name (AWS: 1-128 of `a-zA-Z0-9-`). */
  readonly ruleGroupName: string;
  /** The mail servers' addresses behind the firewall: canonical, sorted, unique. */
  readonly destinations: readonly Cidr[];
  /**
   * The rule group's capacity, fixed at creation.
   * @default computed from the rule count (see lib/policy/network-firewall.ts)
   */
  readonly capacity?: number;
  /**
   * The rule group's rule order, which must match the firewall policy's stateful engine options
   * and cannot change after creation.
   * @default an existing group's own order; `DEFAULT_ACTION_ORDER` (AWS's default) for a new one
   */
  readonly ruleOrder?: RuleOrder;
  /**
   * Said for one apply: the rule group is detached from every firewall policy, so a capacity
   * change may replace it (AWS refuses to delete a referenced rule group). Otherwise refused.
   */
  readonly replaceRuleGroup?: boolean;
};

/** AWS Network Firewall's evaluation orders for a stateful rule group. */
export type RuleOrder = "DEFAULT_ACTION_ORDER" | "STRICT_ORDER";

/** The nftables families a table mailgate fills may have (`netdev`, `arp`, `bridge` have no `input` hook for a mail server's TCP). */
export type NftablesFamily = "inet" | "ip" | "ip6";

/**
 * A Linux host's nftables ruleset: mailgate writes `<artifacts>/firewalls/<name>.nft`, which fills
 * a regular chain of the user's table that their input chain jumps to. No region, no stack.
 */
export type NftablesTarget = TargetBase & {
  readonly type: "nftables";
  /** @default { family: "inet", name: "filter" } (the user's existing table) */
  readonly table: { readonly family: NftablesFamily; readonly name: string };
  /** The regular chain mailgate owns in that table; its sets are named after it. @default "hubspot_mail" */
  readonly chain: string;
  /** The mail servers' own addresses (`ip daddr`); absent: any address of the host. Canonical, sorted, unique. */
  readonly destinations?: readonly Cidr[];
};

/** A Windows server's own firewall: mailgate writes `<artifacts>/firewalls/<name>.ps1`. */
export type WindowsFirewallTarget = TargetBase & {
  readonly type: "windows-firewall";
  /** The rule group the script replaces on every run. @default `mailgate-<name>` */
  readonly group: string;
};

/**
 * A perimeter firewall that reads address lists (Palo Alto External Dynamic Lists, FortiGate
 * external threat feeds): mailgate writes `<artifacts>/firewalls/<name>-<list>.txt`.
 */
export type AllowlistTarget = TargetBase & {
  readonly type: "allowlist";
  /**
   * Entries one list may have (the firewall's limit).
   * @default 50000 (lib/policy/onprem.ts)
   */
  readonly maxEntries?: number;
};

/** Targets whose rules are Terraform resources in a stack of an AWS account and region. */
export type AwsFirewallTarget = SecurityGroupTarget | NetworkAclTarget | NetworkFirewallTarget;

/** Targets whose rules are files under `<artifacts>/firewalls/` that someone loads on the firewall: no region, no stack. */
export type OnPremFirewallTarget = NftablesTarget | WindowsFirewallTarget | AllowlistTarget;

export type FirewallTarget = AwsFirewallTarget | OnPremFirewallTarget;

export type FirewallType = FirewallTarget["type"];
export type AwsFirewallType = AwsFirewallTarget["type"];
export type OnPremFirewallType = OnPremFirewallTarget["type"];

export const ON_PREM_FIREWALL_TYPES: readonly OnPremFirewallType[] = ["nftables", "windows-firewall", "allowlist"];

/** Whether a target lives in AWS (and so in a Terraform stack); the others write artifacts. */
export function isAwsTarget(target: FirewallTarget): target is AwsFirewallTarget {
  return !(ON_PREM_FIREWALL_TYPES as readonly string[]).includes(target.type);
}
