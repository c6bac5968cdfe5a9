import type { HubSpotList } from "../model/ip-catalog";
import { toAwsDescription } from "./text";

const LIST_LABEL = { imap: "IMAP", smtp: "SMTP" } as const;

/**
 * What an auditor reads in the AWS console next to the rule: which HubSpot list, which port, which
 * mailgate target. Deliberately not the domains or mail servers behind it: a description that
 * named them would change, and make Terraform update the rule in place, every time a domain is
 * added or removed on a port that stays open; a plan full of such updates hides the changes that
 * matter. The audit report (firewall-rules.md, firewall-needs.csv) says which domains need each
 * port.
 */
export function ruleDescription(rule: { readonly lists: readonly HubSpotList[]; readonly port: number; readonly target: string }): string {
  return toAwsDescription(`HubSpot ${listLabel(rule.lists)} source range to tcp/${rule.port}, mailgate target ${rule.target}`);
}

/** `IMAP+SMTP` */
export function listLabel(lists: readonly HubSpotList[]): string {
  return lists.map((list) => LIST_LABEL[list]).join("+");
}
