import type { FirewallTarget, NftablesFamily } from "../../model/config";
import { checkDestinations } from "../../config/check-destinations";
import type { FileContext, PlainMap } from "../../config/context";
import type { FirewallFact } from "../../config/facts";
import { messages } from "../../config/messages";
import { NFT_KEYWORDS } from "../../config/nft-keywords";
import type { Diagnostic } from "../../config/diagnostic";
import { comparePositions, diagnosticAt, type Path } from "../../config/source";
import { laterDuplicates, type Owner } from "../check-clashes";
import type { CheckPart, NameAt } from "../check-part";
import { nftOwnedSets, type NftablesTarget } from "./target";

/**
 * A Linux host's nftables: no region, account or stack. Its names end up in a file someone loads
 * with `nft -f`, so each is held to nft's own alphabet and keywords.
 */
function checkNftables(ctx: FileContext, { name, at }: NameAt, target: PlainMap, path: Path): FirewallFact {
  const table = target.table === undefined ? DEFAULT_TABLE : typeof target.table === "string" ? checkTable(ctx, target.table, [...path, "table"]) : undefined;
  const chain = target.chain === undefined ? DEFAULT_CHAIN : typeof target.chain === "string" ? checkChain(ctx, target.chain, [...path, "chain"]) : undefined;
  const destinations = target.destinations === undefined ? undefined : checkDestinations(ctx, target.destinations, [...path, "destinations"]);
  if (table === undefined || chain === undefined || (target.destinations !== undefined && destinations === undefined)) return { name, at };
  return {
    name,
    at,
    // The chain (and its sets) is what two targets must not share: point at it, else at the table.
    ownsAt: target.chain !== undefined ? ctx.value([...path, "chain"]) : target.table !== undefined ? ctx.value([...path, "table"]) : at,
    target: { type: "nftables", name, table, chain, ...(destinations !== undefined ? { destinations } : {}) } satisfies FirewallTarget,
  };
}

/**
 * On one host, a file flushes its chain and the chain's sets before adding its own rules: two
 * targets sharing a chain, or a set, would each remove the other's rules.
 */
export const nftablesCheck: CheckPart<NftablesTarget> = {
  check: (ctx, nameAt, entry, path) => checkNftables(ctx, nameAt, entry, path),
  clashes: (owners) => [
    ...laterDuplicates(
      owners.map((o) => ({ ...o, key: JSON.stringify([o.target.table.family, o.target.table.name, o.target.chain]) })),
      (o, first) => messages.duplicateNftChain(tableOf(o.target), o.target.chain, o.name, first.name, first.at.position),
    ),
    ...checkSharedNftSets(owners),
  ],
};

/** `inet filter`, as the messages name a table. */
function tableOf(t: NftablesTarget): string {
  return `${t.table.family} ${t.table.name}`;
}

/**
 * nftables targets of one table whose chains differ but make the same set name (`hub_mail` and
 * `hub_mail_imap` both make `hub_mail_imap_smtp_v4`). Same chains are DUPLICATE_NFT_CHAIN's.
 * One diagnostic per pair, at the later target.
 */
function checkSharedNftSets(owners: readonly Owner<NftablesTarget>[]): Diagnostic[] {
  const bySet = new Map<string, Set<Owner<NftablesTarget>>>();
  for (const o of owners) {
    for (const set of nftOwnedSets(o.target)) {
      const key = JSON.stringify([tableOf(o.target), set.name]);
      bySet.set(key, (bySet.get(key) ?? new Set()).add(o));
    }
  }
  // Only owners that share some set are put in position order (see laterDuplicates).
  const sharing = new Set([...bySet.values()].filter((s) => s.size > 1).flatMap((s) => [...s]));
  const ordered = [...sharing].sort((a, b) => comparePositions(a.at.position, b.at.position));
  const diagnostics: Diagnostic[] = [];
  ordered.forEach((later, i) => {
    const laterSets = new Set(nftOwnedSets(later.target).map((s) => s.name));
    for (const first of ordered.slice(0, i)) {
      if (first.name === later.name || tableOf(first.target) !== tableOf(later.target) || first.target.chain === later.target.chain) continue;
      const shared = nftOwnedSets(first.target).map((s) => s.name).filter((name) => laterSets.has(name));
      if (shared.length === 0) continue;
      diagnostics.push(
        diagnosticAt(
          messages.duplicateNftSet(tableOf(later.target), shared, later.name, later.target.chain, first.name, first.target.chain, first.at.position),
          later.at,
          [first.at],
        ),
      );
    }
  });
  return diagnostics;
}

const DEFAULT_TABLE = { family: "inet", name: "filter" } as const;
const DEFAULT_CHAIN = "hubspot_mail";

/**
 * `inet filter`: nft's own table names (letters, digits, `_`, `-`); the table must already exist
 * to hold the user's input chain. A name that is one of nft's keywords (`counter`, `policy`,
 * `type`: lib/config/nft-keywords.ts) cannot be loaded, quoted or not.
 */
const TABLE = /^(inet|ip|ip6) ([A-Za-z_][A-Za-z0-9_-]{0,63})$/;

/**
 * Two or more words joined by `_` or `-`: a single word may be a keyword (`accept`, `counter`,
 * `meta`), which nft 1.0.6 refuses as a chain name and cannot quote. The keywords that have the
 * form themselves (`auto-merge`, `gc-interval`) are refused by the table's list. At most 40
 * characters, so `<chain>_imap_smtp_v4` stays short.
 */
const CHAIN = /^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+$/;
const MAX_CHAIN_LENGTH = 40;

function checkTable(ctx: FileContext, text: string, path: Path): { family: NftablesFamily; name: string } | undefined {
  const match = TABLE.exec(text);
  if (!match) return ctx.report(messages.invalidNftTable(text), ctx.value(path));
  if (NFT_KEYWORDS.has(match[2])) return ctx.report(messages.nftTableKeyword(text, match[2]), ctx.value(path));
  return { family: match[1] as NftablesFamily, name: match[2] };
}

function checkChain(ctx: FileContext, text: string, path: Path): string | undefined {
  const reason =
    text.length > MAX_CHAIN_LENGTH
      ? `it is ${text.length} characters long; the limit is ${MAX_CHAIN_LENGTH}`
      : NFT_KEYWORDS.has(text)
        ? "it is one of nft's keywords"
        : !CHAIN.test(text)
          ? "it is not lower-case words joined by _ or -"
          : undefined;
  if (reason) return ctx.report(messages.invalidNftChain(text, reason), ctx.value(path));
  return text;
}
