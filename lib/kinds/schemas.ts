import { z } from "zod";
import { allowlistSchema } from "./allowlist/schema";
import { networkAclSchema } from "./network-acl/schema";
import { networkFirewallSchema } from "./network-firewall/schema";
import { nftablesSchema } from "./nftables/schema";
import { securityGroupSchema } from "./security-group/schema";
import type { FirewallType } from "./targets";
import { windowsFirewallSchema } from "./windows-firewall/schema";

/**
 * The schema of every kind's entry under `firewalls:` (lib/kinds/targets.ts says what a kind is
 * made of); each is an object whose `type` is the kind's literal.
 */
export const SCHEMAS = {
  "aws-security-group": securityGroupSchema,
  "aws-network-acl": networkAclSchema,
  "aws-network-firewall": networkFirewallSchema,
  nftables: nftablesSchema,
  "windows-firewall": windowsFirewallSchema,
  allowlist: allowlistSchema,
} as const satisfies { readonly [K in FirewallType]: z.ZodObject<{ type: z.ZodLiteral<K> }> };

/** One member per kind, in the table's order (the JSON schema for editors lists them so). */
export const firewallTarget = z.discriminatedUnion("type", [
  SCHEMAS["aws-security-group"],
  SCHEMAS["aws-network-acl"],
  SCHEMAS["aws-network-firewall"],
  SCHEMAS.nftables,
  SCHEMAS["windows-firewall"],
  SCHEMAS.allowlist,
]);
