import { z } from "zod";

/** Address lists for firewalls that fetch them (Palo Alto EDL, FortiGate threat feeds): <artifacts>/firewalls/<name>-<list>.txt. */
export const allowlistSchema = z.strictObject({
  type: z.literal("allowlist"),
  maxEntries: z
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .meta({ description: "Entries one list may have: your firewall's limit. @default 50000" }),
});
