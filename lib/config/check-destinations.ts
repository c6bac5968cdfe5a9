import { Cidr, ipv4MappedAddress, isCidr } from "../model/cidr";
import { checkCidrList } from "./check-cidr-list";
import type { FileContext } from "./context";
import { messages } from "./messages";
import type { Path } from "./source";

const BROAD_DESTINATION_PREFIX = { 4: 16, 6: 56 } as const;

/**
 * The mail servers' addresses: any valid CIDR or address (private ones are expected: the servers
 * live in the VPC), but not every address. Canonical, sorted, unique; undefined if any is bad.
 * `warnBroad`: a destination broader than a VPC's own block is a warning (Network Firewall, whose
 * destinations are in a VPC).
 */
export function checkDestinations(ctx: FileContext, list: unknown, path: Path, { warnBroad = false } = {}): Cidr[] | undefined {
  const cidrs = checkCidrList(ctx, list, path, (text, listName, at) => {
    const parsed = Cidr.parse(text);
    // `::ffff:10.0.1.25` would get an IPv6 rule no packet matches, and 10.0.1.25 none.
    const mapped = isCidr(parsed) || parsed.kind !== "invalid" ? ipv4MappedAddress(text) : undefined;
    if (mapped !== undefined) return ctx.report(messages.ipv4MappedAddress(text, mapped, listName), at);
    if (!isCidr(parsed)) {
      if (parsed.kind === "host-bits") return ctx.report(messages.cidrHostBits(text, parsed.canonical), at);
      if (parsed.kind === "ipv4-compatible") return ctx.report(messages.ipv4CompatibleAddress(text, parsed.ipv4, listName), at);
      return ctx.report(messages.invalidCidr(text, listName), at);
    }
    if (parsed.prefixLength === 0) return ctx.report(messages.destinationTooBroad(text), at);
    const broadest = BROAD_DESTINATION_PREFIX[parsed.family];
    if (warnBroad && parsed.prefixLength < broadest) ctx.report(messages.broadDestination(text, parsed.family, broadest), at);
    return parsed;
  });
  if (!cidrs) return undefined;
  const unique = new Map(cidrs.map((cidr) => [cidr.toString(), cidr]));
  return [...unique.values()].sort(Cidr.compare);
}
