import type { Cidr } from "../model/cidr";
import type { FileContext } from "./context";
import { messages } from "./messages";
import type { Located, Path } from "./source";

/**
 * Walks a list of CIDR texts (HubSpot's source lists, a firewall's destinations): each string
 * entry goes through `checkEntry`, which reports its own problems (surrounding whitespace is
 * refused before it, with the trimmed text as the hint); an exact repeat is a warning
 * pointing at the first. Returns every entry in order, or undefined when any entry is bad (or
 * not a string: the schema reported that). Empty lists are the schema's to report.
 */
export function checkCidrList(
  ctx: FileContext,
  list: unknown,
  path: Path,
  checkEntry: (text: string, listName: string, at: Located) => Cidr | undefined,
): Cidr[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const listName = path.join(".");
  const cidrs: Cidr[] = [];
  const seen = new Map<string, Located>();
  let ok = true;
  list.forEach((entry, i) => {
    if (typeof entry !== "string") {
      ok = false;
      return;
    }
    const at = ctx.value([...path, i]);
    // Domains and hosts refuse surrounding whitespace rather than trim it; so do list entries.
    if (entry.trim() !== entry) {
      ctx.report(messages.entryWhitespace(entry, listName), at);
      ok = false;
      return;
    }
    const cidr = checkEntry(entry, listName, at);
    if (!cidr) {
      ok = false;
      return;
    }
    const first = seen.get(cidr.toString());
    if (first) ctx.report(messages.duplicateCidr(entry, listName, first.position), at, [first]);
    else seen.set(cidr.toString(), at);
    cidrs.push(cidr);
  });
  return ok ? cidrs : undefined;
}
