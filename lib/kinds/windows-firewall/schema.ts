import { z } from "zod";

/** A Windows server's firewall: mailgate writes <artifacts>/firewalls/<name>.ps1. */
export const windowsFirewallSchema = z.strictObject({
  type: z.literal("windows-firewall"),
  group: z.string().optional().meta({ description: "The rule group the script replaces on every run (-Group). @default mailgate-<firewall name>" }),
});
