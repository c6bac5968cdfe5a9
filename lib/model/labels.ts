import type { HubSpotList } from "./ip-catalog";

/**
 * Words the human outputs (Markdown report, diff, flowchart) share, so one list or family reads
 * the same everywhere.
 */

/** A HubSpot list as the outputs name it. */
export const LIST_LABEL: Readonly<Record<HubSpotList, string>> = { imap: "IMAP", smtp: "SMTP" };

/** `IMAP + SMTP` */
export function listsText(lists: readonly HubSpotList[]): string {
  return lists.map((l) => LIST_LABEL[l]).join(" + ");
}

/** An address family as the report names it. */
export const FAMILY_LABEL = { 4: "IPv4", 6: "IPv6" } as const;

/** `1 rule`, `2 rules` */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Inline Markdown code; backticks (never in mailgate's names, possible in a path) are dropped. */
export function code(text: string): string {
  return `\`${text.replace(/`/g, "")}\``;
}
