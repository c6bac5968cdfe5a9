import type { RuleProvenance } from "../policy/firewall-policy";
import { AWS_DESCRIPTION_MAX, toAwsDescription } from "./terraform-text";

const LIST_LABEL = { imap: "IMAP", smtp: "SMTP" } as const;

/**
 * What an auditor reads in the AWS console next to the rule: which HubSpot list, which mail
 * servers, which domains. Long lists are cut with a count so the text stays within AWS's 255
 * characters; the audit report carries the full lists.
 */
export function ruleDescription(rule: RuleProvenance): string {
  const lists = listLabel(rule.lists);
  const servers = fitList(`HubSpot ${lists} to `, rule.hosts, 160);
  return toAwsDescription(fitList(`${servers} for `, rule.domains, AWS_DESCRIPTION_MAX));
}

/** `IMAP+SMTP` */
export function listLabel(lists: RuleProvenance["lists"]): string {
  return lists.map((list) => LIST_LABEL[list]).join("+");
}

/** `prefix a b c` cut to `limit` characters as `prefix a b (+1 more)`. */
function fitList(prefix: string, items: readonly string[], limit: number): string {
  for (let shown = items.length; shown > 0; shown--) {
    const more = items.length - shown;
    const text = `${prefix}${items.slice(0, shown).join(" ")}${more > 0 ? ` (+${more} more)` : ""}`;
    if (text.length <= limit) return text;
  }
  return `${prefix}(${items.length})`;
}
