import { z } from "zod";

/** A Linux host's nftables: mailgate writes <artifacts>/firewalls/<name>.nft for `nft -f`. */
export const nftablesSchema = z.strictObject({
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
