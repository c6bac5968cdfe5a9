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

/**
 * `prefix a b c` cut to `limit` characters as `prefix a b (+1 more)`: as many items as fit with
 * the count of the rest. One pass with running lengths: a rule shared by thousands of domains
 * must not join thousands of candidate strings.
 */
function fitList(prefix: string, items: readonly string[], limit: number): string {
  let best = 0;
  let length = prefix.length;
  for (let shown = 1; shown <= items.length; shown++) {
    length += (shown > 1 ? 1 : 0) + items[shown - 1].length;
    // Past the limit even without the "(+n more)" suffix: no longer prefix can fit either.
    if (length > limit) break;
    const more = items.length - shown;
    if (length + (more > 0 ? ` (+${more} more)`.length : 0) <= limit) best = shown;
  }
  if (best === 0) return `${prefix}(${items.length})`;
  const more = items.length - best;
  return `${prefix}${items.slice(0, best).join(" ")}${more > 0 ? ` (+${more} more)` : ""}`;
}
