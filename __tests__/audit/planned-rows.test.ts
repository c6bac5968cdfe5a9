import { describe, expect, test } from "vitest";
import { plannedRows } from "../../lib/audit/planned-rows";
import type { ReportRule } from "../../lib/audit/report-rows";
import { Cidr } from "../../lib/model/cidr";
import { cidrRule, returnRule, sourcesRule } from "../../lib/policy/planned-rule";
import type { FirewallRule } from "../../lib/policy/rule";

const rule = (cidr: string): FirewallRule => ({ protocol: "tcp", port: 993, cidr: Cidr.of(cidr), lists: ["imap"], domains: [], hosts: [] });
const a = rule("143.244.87.0/25");
const b = rule("54.174.62.128/26");
const row = (columns: Pick<ReportRule, "direction" | "fromPort" | "toPort" | "cidr" | "lists">): ReportRule => ({ target: "t", type: "nftables", protocol: "tcp", ...columns, artifact: "f" });
const opened = (rows: ReturnType<typeof plannedRows>) => rows.map((r) => r.admits.map((o) => `${o.port} ${o.cidr}${o.destination ? ` -> ${o.destination}` : ""}`));

describe("a planned rule's report rows and what the proof opens for them", () => {
  test("GIVEN a rule from one block, towards a destination WHEN rowed THEN one row opening the block as written, to the destination", () => {
    const rows = plannedRows("t", cidrRule(a, {}, Cidr.of("10.0.1.25/32")), row);
    expect(opened(rows)).toEqual([["993 143.244.87.0/25 -> 10.0.1.25/32"]]);
    expect(rows[0].row).toMatchObject({ direction: "ingress", fromPort: 993, toPort: 993, cidr: "143.244.87.0/25" });
    expect(rows[0].sortDestination?.toString()).toBe("10.0.1.25/32");
  });

  test("GIVEN a rule from a file's sources WHEN rowed THEN a row per block, each opening it per destination", () => {
    const rows = plannedRows("t", sourcesRule(993, "imap", [a, b], {}), row, [Cidr.of("10.0.0.1/32"), Cidr.of("10.0.0.2/32")]);
    expect(rows.map((r) => r.row.cidr)).toEqual(["143.244.87.0/25", "54.174.62.128/26"]);
    expect(opened(rows)).toEqual([
      ["993 143.244.87.0/25 -> 10.0.0.1/32", "993 143.244.87.0/25 -> 10.0.0.2/32"],
      ["993 54.174.62.128/26 -> 10.0.0.1/32", "993 54.174.62.128/26 -> 10.0.0.2/32"],
    ]);
  });

  test("GIVEN a rule referencing a prefix list WHEN rowed THEN one row without a CIDR, opening the list's entries as referenced", () => {
    const prefixList = { key: "imap/ipv4", lists: ["imap" as const], family: 4 as const, entries: [b.cidr], maxEntries: 10 };
    const rows = plannedRows("t", { content: { port: 993, prefixList }, admits: [a], lists: ["imap"], domains: [], hosts: [], place: {} }, row);
    expect(opened(rows)).toEqual([["993 54.174.62.128/26"]]);
    expect([rows[0].row.cidr, rows[0].sortSource]).toEqual([null, "4 imap/ipv4"]);
  });

  test("GIVEN a return rule WHEN rowed THEN one egress row to the ephemeral ports that opens nothing in and returns to its block", () => {
    const rows = plannedRows("t", returnRule(a.cidr, { lists: ["imap"], domains: [], hosts: [] }, {}), row);
    expect(opened(rows)).toEqual([[]]);
    expect(rows[0].row).toMatchObject({ direction: "egress", fromPort: 1024, toPort: 65535, cidr: "143.244.87.0/25", lists: ["imap"] });
    expect(rows[0].returns?.toString()).toBe("143.244.87.0/25");
  });
});
