import { Cidr, distinctAddresses, ipv4MappedAddress, isCidr } from "../model/cidr";
import { PLAUSIBLE_HUBSPOT_LIST } from "../model/ip-catalog";
import { FileContext, isPlainMap } from "./context";
import type { HubspotFact } from "./facts";
import { checkCidrList } from "./check-cidr-list";
import { messages, type Problem, type SourceTextProblem } from "./messages";
import { BOUNDS } from "../kinds/schema-bounds";
import type { Located, Path } from "./source";

/** Checks the `hubspot` section of one file (its shape is checked by the schema). */
export function checkHubspot(ctx: FileContext, section: unknown): HubspotFact {
  const at = ctx.key(["hubspot"]);
  const ipRanges = isPlainMap(section) ? section.ipRanges : undefined;
  if (!isPlainMap(ipRanges)) return { at, hasIpRanges: ipRanges !== undefined };
  const base: Path = ["hubspot", "ipRanges"];
  const source = checkOneLine(ctx, ipRanges.source, [...base, "source"], messages.invalidSourceText);
  const smtp = checkIpList(ctx, ipRanges.smtp, [...base, "smtp"]);
  const imap = checkIpList(ctx, ipRanges.imap, [...base, "imap"]);
  const allowPath: Path = [...base, "allowBroadRanges"];
  const allow = checkOneLine(ctx, ipRanges.allowBroadRanges, allowPath, messages.invalidReasonText);
  // Any text there states the intent: a badly written reason is reported on its own, not with
  // every broad block as well.
  const intent = ipRanges.allowBroadRanges !== undefined;
  const broadSmtp = checkBroad(ctx, smtp, [...base, "smtp"], intent);
  const broadImap = checkBroad(ctx, imap, [...base, "imap"], intent);
  const broad = broadSmtp || broadImap;
  if (allow !== undefined && smtp && imap && !broad) ctx.report(messages.broadRangesNotNeeded(), ctx.value(allowPath));
  if (source === undefined || !smtp || !imap || (intent ? allow === undefined : broad)) return { at, hasIpRanges: true };
  return { at, hasIpRanges: true, ipRanges: { source, smtp, imap, ...(allow !== undefined ? { allowBroadRanges: allow } : {}) } };
}

/**
 * Free text that ends up in artifacts (and, for `source`, rule descriptions), so it must be one
 * readable line. Emptiness and length are schema rules; here only what the schema cannot say.
 */
function checkOneLine(ctx: FileContext, value: unknown, path: Path, problem: (p: SourceTextProblem) => Problem): string | undefined {
  if (typeof value !== "string" || value.length < BOUNDS.text.min || value.length > BOUNDS.text.max) return undefined;
  if (value.trim() === "") return ctx.report(problem({ kind: "whitespace-only" }), ctx.value(path));
  if (/\p{Cc}/u.test(value)) return ctx.report(problem({ kind: "control-character" }), ctx.value(path));
  return value.trim();
}

/** A HubSpot source list: every entry a public, canonical CIDR. Undefined when any entry is bad. */
function checkIpList(ctx: FileContext, list: unknown, path: Path): Cidr[] | undefined {
  return checkCidrList(ctx, list, path, (text, listName, at) => checkCidr(ctx, text, listName, at));
}

function checkCidr(ctx: FileContext, text: string, listName: string, at: Located): Cidr | undefined {
  const parsed = Cidr.parse(text);
  // Else reported as non-public (ipaddr.js's `ipv4Mapped` range), which hides the fix.
  const mapped = isCidr(parsed) || parsed.kind !== "invalid" ? ipv4MappedAddress(text) : undefined;
  if (mapped !== undefined) return ctx.report(messages.ipv4MappedAddress(text, mapped, listName), at);
  const problem = isCidr(parsed) ? parsed.publicProblem() : parsed;
  if (!problem) return parsed as Cidr;
  switch (problem.kind) {
    case "invalid":
      return ctx.report(messages.invalidCidr(text, listName), at);
    case "host-bits":
      return ctx.report(messages.cidrHostBits(text, problem.canonical), at);
    case "everything":
      return ctx.report(messages.cidrTooBroad(text), at);
    case "non-public":
      return ctx.report(messages.nonPublicCidr(text, problem.range), at);
    case "ipv4-compatible":
      return ctx.report(messages.ipv4CompatibleAddress(text, problem.ipv4, listName), at);
  }
}

/**
 * HubSpot's lists are 264 addresses in /25 and smaller: a block broader than /16 (or /32 for
 * IPv6), or a list of more than 65,536 IPv4 addresses, is not one of HubSpot's, whatever
 * `source` says. Each broad block is reported at its entry; a list broad only in total, at its
 * key. True when the list is broad (reported unless `allowed`).
 */
function checkBroad(ctx: FileContext, cidrs: readonly Cidr[] | undefined, path: Path, allowed: boolean): boolean {
  if (!cidrs) return false;
  const { maxIpv4Addresses, minPrefixLength } = PLAUSIBLE_HUBSPOT_LIST;
  const listName = path.join(".");
  let broad = false;
  cidrs.forEach((cidr, i) => {
    const min = minPrefixLength[cidr.family];
    if (cidr.prefixLength >= min) return;
    broad = true;
    if (!allowed) ctx.report(messages.broadBlock(cidr.toString(), listName, min, cidr.size), ctx.value([...path, i]));
  });
  if (broad) return true;
  const total = distinctAddresses(cidrs, 4);
  if (total <= BigInt(maxIpv4Addresses)) return false;
  if (!allowed) ctx.report(messages.broadList(listName, total, maxIpv4Addresses), ctx.key(path));
  return true;
}
