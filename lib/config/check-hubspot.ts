import { Cidr, isCidr } from "../model/cidr";
import { FileContext, isPlainMap } from "./context";
import type { HubspotFact } from "./facts";
import { checkCidrList } from "./check-cidr-list";
import { messages } from "./messages";
import type { Located, Path } from "./source";

const MAX_SOURCE_LENGTH = 500;

/** Checks the `hubspot` section of one file (its shape is checked by the schema). */
export function checkHubspot(ctx: FileContext, section: unknown): HubspotFact {
  const at = ctx.key(["hubspot"]);
  const ipRanges = isPlainMap(section) ? section.ipRanges : undefined;
  if (!isPlainMap(ipRanges)) return { at, hasIpRanges: ipRanges !== undefined };
  const base: Path = ["hubspot", "ipRanges"];
  const source = checkSourceText(ctx, ipRanges.source, [...base, "source"]);
  const smtp = checkIpList(ctx, ipRanges.smtp, [...base, "smtp"]);
  const imap = checkIpList(ctx, ipRanges.imap, [...base, "imap"]);
  if (source === undefined || !smtp || !imap) return { at, hasIpRanges: true };
  return { at, hasIpRanges: true, ipRanges: { source, smtp, imap } };
}

/**
 * The provenance text ends up in artifacts and rule descriptions, so it must be one readable
 * line. Emptiness and length are schema rules; here only what the schema cannot say.
 */
function checkSourceText(ctx: FileContext, value: unknown, path: Path): string | undefined {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_SOURCE_LENGTH) return undefined;
  if (value.trim() === "") return ctx.report(messages.invalidSourceText({ kind: "whitespace-only" }), ctx.value(path));
  if (/\p{Cc}/u.test(value)) {
    return ctx.report(messages.invalidSourceText({ kind: "control-character" }), ctx.value(path));
  }
  return value.trim();
}

/** A HubSpot source list: every entry a public, canonical CIDR. Undefined when any entry is bad. */
function checkIpList(ctx: FileContext, list: unknown, path: Path): Cidr[] | undefined {
  return checkCidrList(ctx, list, path, (text, listName, at) => checkCidr(ctx, text, listName, at));
}

function checkCidr(ctx: FileContext, text: string, listName: string, at: Located): Cidr | undefined {
  const parsed = Cidr.parse(text);
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
  }
}
