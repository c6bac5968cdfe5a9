/**
 * How a rule's HubSpot lists are named wherever a firewall's own files name them (file names,
 * nftables sets, rule comments): one list, or both (Exchange, or a port serving IMAP and SMTP).
 */
export type SourceListKey = "imap" | "smtp" | "imap-smtp";

/** Every key, in the order files and sets are listed. */
export const SOURCE_LIST_KEYS: readonly SourceListKey[] = ["imap", "imap-smtp", "smtp"];

/** Where the artifacts of targets outside AWS go, inside the artifacts directory. */
export const FIREWALLS_DIR = "firewalls";

/** How a file's comments and rule names call a key's lists. */
export const SOURCE_LIST_LABEL: Readonly<Record<SourceListKey, string>> = { imap: "HubSpot IMAP", smtp: "HubSpot SMTP", "imap-smtp": "HubSpot IMAP+SMTP" };
