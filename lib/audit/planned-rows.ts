import type { Cidr } from "../model/cidr";
import { EPHEMERAL_PORTS } from "../model/ports";
import type { PlannedRule } from "../policy/planned-rule";
import type { FirewallRule } from "../policy/rule";
import { opened } from "./coverage";
import type { ReportRule, Row } from "./report-rows";

/** What a row says of the rule itself, whatever holds it, in the report's key order. */
export type RuleColumns = Pick<ReportRule, "direction" | "fromPort" | "toPort" | "cidr" | "lists">;

/**
 * A planned rule's rows in the report, with what the proof opens for each: one row per rule as
 * written, except a rule from a file's sources, which is a row per block the file lists (the
 * report's rows are (port, CIDR) there). `row` adds where the rule is (its kind's columns) to
 * the rule's own columns; `destinations` limit what a sources rule opens (nftables with
 * destinations), as a stateful rule's `destination` limits its own.
 */
export function plannedRows(
  target: string,
  rule: PlannedRule<unknown>,
  row: (columns: RuleColumns) => ReportRule,
  destinations?: readonly Cidr[],
): Row[] {
  const content = rule.content;
  if ("returnTo" in content) {
    // The ACL is stateless: the replies to the ephemeral ports need rules of their own; they open nothing in.
    const columns = { direction: "egress", fromPort: EPHEMERAL_PORTS.from, toPort: EPHEMERAL_PORTS.to, cidr: content.returnTo.toString(), lists: rule.lists } as const;
    return [{ admits: [], returns: content.returnTo, sortSource: content.returnTo, row: row(columns) }];
  }
  const port = content.port;
  const ingress = (cidr: string | null, lists: RuleColumns["lists"]): RuleColumns => ({ direction: "ingress", fromPort: port, toPort: port, cidr, lists });
  if ("cidr" in content) {
    const destination = rule.destination;
    const admits = [opened(target, content, destination)];
    const columns = row(ingress(content.cidr.toString(), rule.lists));
    // Two literals, not a spread of `{ sortDestination }`: a spread takes V8's slow path per row.
    return [destination ? { admits, sortSource: content.cidr, sortDestination: destination, row: columns } : { admits, sortSource: content.cidr, row: columns }];
  }
  if ("prefixList" in content) {
    const pl = content.prefixList;
    // The proof expands the list as referenced, not the rules the policy meant it to hold.
    return [{ admits: pl.entries.map((cidr) => opened(target, { port, cidr })), sortSource: `${pl.family} ${pl.key}`, row: row(ingress(null, rule.lists)) }];
  }
  return rule.admits.map((admitted: FirewallRule) => ({
    admits: destinations === undefined ? [opened(target, admitted)] : destinations.map((destination) => opened(target, admitted, destination)),
    sortSource: admitted.cidr,
    row: row(ingress(admitted.cidr.toString(), admitted.lists)),
  }));
}
