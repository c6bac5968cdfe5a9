import type { IpFamily } from "./cidr";
import type { NftablesTarget, OnPremFirewallTarget } from "./config";
import type { HubSpotList } from "./ip-catalog";

/**
 * What a target outside AWS owns where it lands: the files it writes under `<artifacts>/firewalls/`
 * and, for nftables, the chain and sets in the host's table. The policy (lib/policy/onprem.ts)
 * names them with these functions, and validation (lib/config/cross-file.ts) refuses two targets
 * that would own the same one, so both read the names from here.
 */

/** Which HubSpot lists a port needs, as named in files and set names: one list, or both (Exchange, or a port serving IMAP and SMTP). */
export type SourceListKey = "imap" | "smtp" | "imap-smtp";

/** Every key, in the order files and sets are listed. */
export const SOURCE_LIST_KEYS: readonly SourceListKey[] = ["imap", "imap-smtp", "smtp"];

export function sourceListKey(lists: readonly HubSpotList[]): SourceListKey {
  return [...new Set(lists)].sort().join("-") as SourceListKey;
}

/** Where the artifacts of targets outside AWS go, inside the artifacts directory. */
export const FIREWALLS_DIR = "firewalls";

const FAMILY_SUFFIX: Record<IpFamily, string> = { 4: "v4", 6: "v6" };

/**
 * `<chain>_imap_v4`, `<chain>_imap_smtp_v6`: the sets belong to the chain. Two chains of one
 * table can still make the same name (`hub_mail` + `imap_smtp`, `hub_mail_imap` + `smtp`):
 * validation refuses such a pair (`DUPLICATE_NFT_SET`).
 */
export function nftSetName(chain: string, key: SourceListKey, family: IpFamily): string {
  return `${chain}_${key.replace("-", "_")}_${FAMILY_SUFFIX[family]}`;
}

/** The address families a table of this family can match (`ip saddr` in an `ip6` table matches nothing). */
export function nftFamilies(target: Pick<NftablesTarget, "table">): IpFamily[] {
  return target.table.family === "ip" ? [4] : target.table.family === "ip6" ? [6] : [4, 6];
}

/**
 * Every set name the target's file declares and flushes in its table, used or not (a set the
 * config no longer needs is emptied on the next load): per family the table matches, one per key.
 */
export function nftOwnedSets(target: Pick<NftablesTarget, "table" | "chain">): { readonly name: string; readonly family: IpFamily }[] {
  return nftFamilies(target).flatMap((family) => SOURCE_LIST_KEYS.map((key) => ({ name: nftSetName(target.chain, key, family), family })));
}

/** `firewalls/<target>-<key>.txt` */
export function allowlistFile(target: string, key: SourceListKey): string {
  return `${FIREWALLS_DIR}/${target}-${key}.txt`;
}

/**
 * Every file the target can write, relative to the artifacts directory: the one file of an
 * nftables or Windows target; all three lists an allowlist may write (which it writes depends on
 * the domains that use it, so validation compares them all and a domain added later never makes
 * two targets write one file).
 */
export function onPremFiles(target: Pick<OnPremFirewallTarget, "type" | "name">): string[] {
  switch (target.type) {
    case "nftables":
      return [`${FIREWALLS_DIR}/${target.name}.nft`];
    case "windows-firewall":
      return [`${FIREWALLS_DIR}/${target.name}.ps1`];
    case "allowlist":
      return SOURCE_LIST_KEYS.map((key) => allowlistFile(target.name, key));
  }
}
