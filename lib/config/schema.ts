import { z } from "zod";
import { DEFAULT_AWS_PROVIDER_VERSION } from "../model/config";
import { BOUNDS } from "../kinds/schema-bounds";
import { firewallTarget } from "../kinds/schemas";

/**
 * The shape of one config file (format version 1), and nothing more: value rules (domain names,
 * CIDRs, regions...) live in `values.ts` so they can be reported with our own codes and hints.
 * Keep every structural rule here: a JSON Schema for editors is generated from this module with
 * `z.toJSONSchema`, and `shape.ts` maps its issues to diagnostics.
 */

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
