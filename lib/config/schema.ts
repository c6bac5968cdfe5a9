import { z } from "zod";
import { DEFAULT_AWS_PROVIDER_VERSION } from "../model/config";

/**
 * The shape of one config file (format version 1), and nothing more: value rules (domain names,
 * CIDRs, regions...) live in `values.ts` so they can be reported with our own codes and hints.
 * Keep every structural rule here: a JSON Schema for editors is generated from this module with
 * `z.toJSONSchema`, and `shape.ts` maps its issues to diagnostics.
 */

/**
 * Every numeric bound of the format, in one place: the schema below enforces them (and the JSON
 * schema for editors shows them); value checks that need a bound (a port inside an Exchange URL,
 * a quota) read it from here rather than restating it.
 */
export const BOUNDS = {
  port: { min: 1, max: 65535 },
  securityGroupMaxRules: { min: 1, max: 1000 },
  /** AWS: 20 rules per direction and family (40 at most), the default deny rule included, so 2 is the least that leaves mailgate one. */
  networkAclMaxRules: { min: 2, max: 40 },
  ruleNumber: { min: 1, max: 32766 },
  capacity: { min: 1, max: 30000 },
  /** One line of free text: `source`, `allowBroadRanges`. */
  text: { min: 1, max: 500 },
} as const;

/** AWS Network Firewall's two evaluation orders for stateful rule groups; a policy's must match its groups'. */
export const RULE_ORDERS = ["DEFAULT_ACTION_ORDER", "STRICT_ORDER"] as const;

// Every number in the format is an integer (ports, quotas, rule numbers, capacity); `shape.ts`
// relies on that when it names the expected type of a number field.
const port = z.int().min(BOUNDS.port.min).max(BOUNDS.port.max).meta({ description: "TCP port, 1-65535" });

const endpoint = z.strictObject({
  host: z.string().meta({ description: "Host name or IP address HubSpot connects to" }),
  port,
});

const imapSettings = z.strictObject({
  incoming: endpoint.meta({ description: "The IMAP server (HubSpot reads mail here)" }),
  outgoing: endpoint.meta({ description: "The SMTP server (HubSpot submits mail here)" }),
  allowNonSecureCertificate: z
    .boolean()
    .optional()
    .meta({ description: "Accept a certificate not signed by a CA. @default false" }),
});

const exchangeSettings = z.strictObject({
  url: z.string().meta({ description: "EWS URL, e.g. https://mail.example.com/EWS/Exchange.asmx" }),
});

const domainEntry = z.strictObject({
  domain: z.string().meta({ description: "Email domain, the part after @" }),
  imap: imapSettings.optional(),
  exchange: exchangeSettings.optional(),
  firewalls: z.array(z.string()).optional().meta({ description: "Names of firewall targets protecting this domain's servers" }),
});

const ipList = z.array(z.string()).min(1);

const hubspotSection = z.strictObject({
  ipRanges: z
    .strictObject({
      source: z.string().min(BOUNDS.text.min).max(BOUNDS.text.max).meta({ description: "Where these lists came from" }),
      smtp: ipList.meta({ description: "Source ranges HubSpot submits mail from (CIDR or address)" }),
      imap: ipList.meta({ description: "Source ranges HubSpot reads mail from (CIDR or address)" }),
      allowBroadRanges: z
        .string()
        .min(BOUNDS.text.min)
        .max(BOUNDS.text.max)
        .optional()
        .meta({
          description:
            "Why these lists may hold blocks broader than /16 (IPv4) or /32 (IPv6), or more than 65,536 IPv4 addresses, which HubSpot's own lists never do; shown in the audit report",
        }),
    })
    .optional()
    .meta({ description: "Your account's HubSpot IP lists; omitted = the lists HubSpot publishes" }),
});

const region = z.string().meta({ description: "AWS region, e.g. us-east-1" });

/** Which AWS account a target is in, and the role that deploys it; common to every type. */
const awsAccess = {
  account: z.string().optional().meta({ description: "AWS account id (12 digits, quoted): one stack per account and region" }),
  roleArn: z.string().optional().meta({ description: "IAM role the stack's provider assumes, arn:aws:iam::<account>:role/<name>" }),
  planRoleArn: z
    .string()
    .optional()
    .meta({ description: "Read-only IAM role assumed instead of roleArn when synthesized for a pull-request plan (MAILGATE_ASSUME=plan)" }),
  stack: z
    .string()
    .optional()
    .meta({ description: "Explicit stack name (mailgate-...): keeps the target in the state it started in when account or roleArn is added. @default mailgate-[<account>-]<region>" }),
  renamedFrom: z
    .string()
    .optional()
    .meta({ description: "The target's previous name: its resources are moved to the new name (Terraform moved blocks), never destroyed and re-created" }),
};

const awsSecurityGroup = z.strictObject({
  type: z.literal("aws-security-group"),
  region,
  ...awsAccess,
  vpcId: z.string().optional().meta({ description: "VPC of the group mailgate creates (with `name`)" }),
  name: z.string().optional().meta({ description: "Name of the group mailgate creates (with `vpcId`); split groups get -2, -3, ..." }),
  securityGroupId: z.string().optional().meta({ description: "An existing group to add rules to" }),
  sources: z
    .enum(["cidrs", "prefix-lists"])
    .optional()
    .meta({ description: "cidrs: one rule per (CIDR, port); prefix-lists: rules reference managed prefix lists mailgate creates. @default cidrs" }),
  maxRules: z
    .int()
    .min(BOUNDS.securityGroupMaxRules.min)
    .max(BOUNDS.securityGroupMaxRules.max)
    .optional()
    .meta({ description: "Inbound rules per group and address family (a prefix-list rule weighs its max_entries). @default 60" }),
});

const ruleNumber = z.int().min(BOUNDS.ruleNumber.min).max(BOUNDS.ruleNumber.max);

const awsNetworkAcl = z.strictObject({
  type: z.literal("aws-network-acl"),
  region,
  ...awsAccess,
  networkAclId: z.string().meta({ description: "The existing network ACL to add rules to (acl-...)" }),
  ruleNumbers: z
    .strictObject({
      from: ruleNumber.meta({ description: "Lowest rule number mailgate may use (1-32766)" }),
      to: ruleNumber.meta({ description: "Highest rule number mailgate may use (1-32766)" }),
    })
    .meta({ description: "The rule numbers mailgate may use in each direction; keep other rules out of this range" }),
  maxRules: z
    .int()
    .min(BOUNDS.networkAclMaxRules.min)
    .max(BOUNDS.networkAclMaxRules.max)
    .optional()
    .meta({
      description:
        "The ACL's quota of rules per direction and address family (AWS: 20, at most 40), less your own rules in it; the default deny rule counts, so mailgate uses at most maxRules - 1. @default 20",
    }),
});

const awsNetworkFirewall = z.strictObject({
  type: z.literal("aws-network-firewall"),
  region,
  ...awsAccess,
  name: z.string().meta({ description: "Name of the stateful rule group mailgate creates" }),
  destinations: z.array(z.string()).min(1).meta({ description: "The mail servers' addresses behind the firewall (CIDRs or addresses)" }),
  capacity: z
    .int()
    .min(BOUNDS.capacity.min)
    .max(BOUNDS.capacity.max)
    .optional()
    .meta({ description: "Rule group capacity, fixed at creation (changing it replaces the group). @default computed: rules + 25% (at least 10), kept while the rules fit" }),
  replaceRuleGroup: z
    .boolean()
    .optional()
    .meta({
      description:
        "Once, for one apply: the rule group is detached from every firewall policy, so Terraform may replace it (a capacity change). Remove it after the apply. @default false",
    }),
  ruleOrder: z
    .enum(RULE_ORDERS)
    .optional()
    .meta({
      description:
        "The rule group's rule order; it must match the firewall policy's stateful engine options and cannot change after creation. @default DEFAULT_ACTION_ORDER (AWS's default) for a new group; an existing group keeps its order",
    }),
});

/** A Linux host's nftables: mailgate writes <artifacts>/firewalls/<name>.nft for `nft -f`. */
const nftables = z.strictObject({
  type: z.literal("nftables"),
  table: z
    .string()
    .optional()
    .meta({ description: 'Your table that holds the input chain, "<family> <name>" (family inet, ip or ip6). @default "inet filter"' }),
  chain: z
    .string()
    .optional()
    .meta({ description: "The regular chain mailgate owns and fills (its sets are named after it); your input chain jumps to it. @default hubspot_mail" }),
  destinations: z
    .array(z.string())
    .min(1)
    .optional()
    .meta({ description: "The mail servers' own addresses (ip daddr); omitted: any address of the host" }),
});

/** A Windows server's firewall: mailgate writes <artifacts>/firewalls/<name>.ps1. */
const windowsFirewall = z.strictObject({
  type: z.literal("windows-firewall"),
  group: z.string().optional().meta({ description: "The rule group the script replaces on every run (-Group). @default mailgate-<firewall name>" }),
});

/** Address lists for firewalls that fetch them (Palo Alto EDL, FortiGate threat feeds): <artifacts>/firewalls/<name>-<list>.txt. */
const allowlist = z.strictObject({
  type: z.literal("allowlist"),
  maxEntries: z
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .meta({ description: "Entries one list may have: your firewall's limit. @default 50000" }),
});

/** One member per firewall kind; a new kind is a new member. */
const firewallTarget = z.discriminatedUnion("type", [awsSecurityGroup, awsNetworkAcl, awsNetworkFirewall, nftables, windowsFirewall, allowlist]);

/** The values `type` may take, for messages. */
export const FIREWALL_TYPES: readonly string[] = firewallTarget.options.map((o) => o.shape.type.value);

const terraformSection = z.strictObject({
  backend: z
    .strictObject({
      local: z.strictObject({}).optional().meta({ description: "Local state files beside cdktf.out (the default)" }),
      s3: z
        .strictObject({
          bucket: z.string().meta({ description: "S3 bucket holding the state" }),
          keyPrefix: z.string().optional().meta({ description: "Prefix of each stack's key, <keyPrefix><stack>.tfstate. @default \"mailgate/\"" }),
          region: z.string().meta({ description: "Region of the bucket" }),
          useLockfile: z.boolean().optional().meta({ description: "S3-native state locking (Terraform 1.10+). @default false" }),
        })
        .optional(),
    })
    .optional()
    .meta({ description: "Exactly one of `local` or `s3`. @default local state files" }),
  awsProviderVersion: z
    .string()
    .optional()
    .meta({
      description:
        `Version constraint for the hashicorp/aws provider in every stack, e.g. "5.100.0" or "~> 6.25": pin the version your provider mirror holds. @default "${DEFAULT_AWS_PROVIDER_VERSION}" (the version mailgate is built against)`,
    }),
});

export const configFileSchema = z.strictObject({
  hubspot: hubspotSection.optional(),
  terraform: terraformSection.optional().meta({ description: "Where Terraform keeps state, and the AWS provider version (at most one file may define it)" }),
  domains: z.array(domainEntry).optional(),
  firewalls: z.record(z.string(), firewallTarget).optional(),
});

export type ConfigFileShape = z.infer<typeof configFileSchema>;
