import type { Cidr } from "../../model/cidr";
import type { TargetBase } from "../../model/target-base";
import type { IpFamily } from "../../model/cidr";
import { FIREWALLS_DIR, SOURCE_LIST_KEYS, type SourceListKey } from "../../model/source-lists";
import type { TargetPart } from "../target-part";

/** The nftables families a table mailgate fills may have (`netdev`, `arp`, `bridge` have no `input` hook for a mail server's TCP). */
export type NftablesFamily = "inet" | "ip" | "ip6";

/**
 * A Linux host's nftables ruleset: mailgate writes `<artifacts>/firewalls/<name>.nft`, which fills
 * a regular chain of the user's table that their input chain jumps to. No region, no stack.
 */
export type NftablesTarget = TargetBase & {
  readonly type: "nftables";
  /** @default { family: "inet", name: "filter" } (the user's existing table) */
  readonly table: { readonly family: NftablesFamily; readonly name: string };
  /** The regular chain mailgate owns in that table; its sets are named after it. @default "hubspot_mail" */
  readonly chain: string;
  /** The mail servers' own addresses (`ip daddr`); absent: any address of the host. Canonical, sorted, unique. */
  readonly destinations?: readonly Cidr[];
};

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

/** A Linux host: one file for `nft -f`, which owns its chain and the chain's sets. */
export const nftablesTarget: TargetPart<NftablesTarget> = {
  aws: false,
  files: (target) => [`${FIREWALLS_DIR}/${target.name}.nft`],
  stateless: false,
  destinations: (target) => target.destinations,
};
