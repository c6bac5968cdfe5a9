import { describe, expect, test } from "vitest";
import { renderFlowchart } from "../../lib/artifacts/flowchart";
import { buildReport } from "../../lib/audit/report";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain } from "../support/configs";

/** The flowchart read back as Mermaid does: declared nodes, and edges between them. */
function readFlowchart(lines: readonly string[]) {
  const body = lines.slice(2, -1);
  const nodes = new Map<string, string>();
  const edges: [string, string][] = [];
  for (const line of body) {
    const edge = /^ {2}(\w+) --> (\w+)(?:\["([^"]*)"\])?$/.exec(line);
    if (edge) {
      edges.push([edge[1], edge[2]]);
      if (edge[3] !== undefined) nodes.set(edge[2], edge[3]);
      continue;
    }
    const node = /^ +(\w+)(?:\(\["|\[")([^"]*)"\]\)?\]?$/.exec(line) ?? /^ +(\w+)\["([^"]*)"\]$/.exec(line);
    if (node) nodes.set(node[1], node[2]);
  }
  return { nodes, edges, label: (id: string) => nodes.get(id) ?? `(undeclared ${id})` };
}

describe("the flowchart at the top of firewall-rules.md", () => {
  const cfg = config(
    [
      imapDomain("a.example", ["mail"]),
      imapDomain("b.example", ["mail"], { imap: 143 }),
      exchangeDomain("c.example", ["dmz"]),
      ...Array.from({ length: 7 }, (_, i) => imapDomain(`many-${i}.example`, ["mail"], { smtp: 465 })),
    ],
    [createdGroup("mail"), existingGroup("dmz")],
  );
  const lines = renderFlowchart(buildReport(cfg, buildPolicy(cfg)));

  test("GIVEN targets WHEN drawn THEN a Mermaid block whose every edge joins declared nodes", () => {
    expect(lines[0]).toBe("```mermaid");
    expect(lines[1]).toBe("flowchart LR");
    expect(lines.at(-1)).toBe("```");
    const { edges, nodes } = readFlowchart(lines);
    for (const [from, to] of edges) expect([from, nodes.has(from), to, nodes.has(to)]).toEqual([from, true, to, true]);
  });

  test("GIVEN the config's needs WHEN drawn THEN each list reaches exactly the ports that need it, and each port its servers", () => {
    const { edges, label } = readFlowchart(lines);
    const drawn = edges.map(([from, to]) => `${label(from)} -> ${label(to)}`).sort();
    expect(drawn).toEqual(
      [
        "HubSpot IMAP list -> tcp/143",
        "HubSpot IMAP list -> tcp/993",
        "HubSpot IMAP list -> tcp/443",
        "HubSpot SMTP list -> tcp/443",
        "HubSpot SMTP list -> tcp/587",
        "HubSpot SMTP list -> tcp/465",
        "tcp/143 -> imap.b.example:143",
        "tcp/443 -> mail.c.example:443",
        "tcp/587 -> smtp.a.example:587",
        "tcp/587 -> smtp.b.example:587",
        // Eight servers on tcp/993: the first five by name, then a count.
        "tcp/993 -> imap.a.example:993",
        ...Array.from({ length: 4 }, (_, i) => `tcp/993 -> imap.many-${i}.example:993`),
        "tcp/993 -> +3 more servers",
        ...Array.from({ length: 5 }, (_, i) => `tcp/465 -> smtp.many-${i}.example:465`),
        "tcp/465 -> +2 more servers",
      ].sort(),
    );
  });

  test("GIVEN the same config in another order WHEN drawn THEN the same text", () => {
    const reversed = config([...cfg.domains].reverse(), [...cfg.firewalls].reverse());
    expect(renderFlowchart(buildReport(reversed, buildPolicy(reversed)))).toEqual(lines);
  });

  test("GIVEN two lists on one port WHEN drawn THEN the port's first five servers of both lists together, then a count", () => {
    // d.example reads mail over IMAP on 465, where the many-* domains submit theirs.
    const mixed = config([...cfg.domains, imapDomain("d.example", ["mail"], { imap: 465 })], [...cfg.firewalls]);
    const { edges, label } = readFlowchart(renderFlowchart(buildReport(mixed, buildPolicy(mixed))));
    const drawn = edges.map(([from, to]) => `${label(from)} -> ${label(to)}`).filter((edge) => edge.startsWith("tcp/465 -> "));
    expect(drawn).toEqual([
      "tcp/465 -> imap.d.example:465",
      ...Array.from({ length: 4 }, (_, i) => `tcp/465 -> smtp.many-${i}.example:465`),
      "tcp/465 -> +3 more servers",
    ]);
  });

  test("GIVEN a report whose servers are out of order (built by hand) WHEN drawn THEN the same text as in order", () => {
    const report = buildReport(cfg, buildPolicy(cfg));
    const shuffled = { ...report, targets: report.targets.map((t) => ({ ...t, needs: t.needs.map((n) => ({ ...n, hosts: [...n.hosts].reverse() })) })) };
    expect(renderFlowchart(shuffled)).toEqual(lines);
  });

  test("GIVEN no targets THEN no flowchart", () => {
    const none = config([imapDomain("a.example", [])], []);
    expect(renderFlowchart(buildReport(none, buildPolicy(none)))).toEqual([]);
  });
});
