import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { diffConfigs } from "../../lib/diff";
import { buildReport, type ArtifactReportRule } from "../../lib/audit/report";
import { renderReportCsv, renderReportMarkdown } from "../../lib/artifacts/report-files";
import { addStacks } from "../../lib/aws/stacks";
import type { Config, FirewallTarget } from "../../lib/model/config";
import { Cidr } from "../../lib/model/cidr";
import { prepare, renderArtifacts } from "../../lib/pipeline";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { withLimits } from "../../lib/validate";
import { Testing } from "cdktf";
import { load, removeTempDirs, where, yaml } from "../config/helpers";
import { config, createdGroup, exchangeDomain, imapDomain } from "../support/configs";
import { PROJECT_ROOT } from "../support/run";
import { expectedByPort, readAllowlist, readWindowsScript, spansText } from "../support/onprem-readers";
import { validateFiles } from "../support/validate-dir";
import { renderFirewallArtifacts } from "../../lib/firewalls/render";
import type { Span } from "../policy/oracle";

afterAll(removeTempDirs);

const EXAMPLE = path.join(PROJECT_ROOT, "examples", "onprem");

function prepared() {
  const p = prepare(EXAMPLE);
  if (!p.ok) throw new Error(`examples/onprem is invalid: ${p.diagnostics.map((d) => d.message).join("; ")}`);
  return p;
}

function byPortOf(entries: { port: number; spans: Span[] }[]): Map<number, string[]> {
  const map = new Map<number, Span[]>();
  for (const e of entries) map.set(e.port, [...(map.get(e.port) ?? []), ...e.spans]);
  return new Map([...map].map(([port, spans]) => [port, spansText(spans)]));
}

const expectedText = (cfg: Config, target: string) => new Map([...expectedByPort(cfg, target)].map(([port, spans]) => [port, spansText(spans)]));

describe("examples/onprem: one target of each type outside AWS", () => {
  test("GIVEN the example WHEN prepared THEN it is valid and writes the firewall files, and no Terraform stack", () => {
    const p = prepared();
    expect(p.diagnostics).toEqual([]);
    expect([...p.artifacts.keys()].filter((k) => k.startsWith("firewalls/")).sort()).toEqual([
      "firewalls/exchange-win.ps1",
      "firewalls/mail-linux.nft",
      "firewalls/perimeter-imap-smtp.txt",
      "firewalls/perimeter-imap.txt",
      "firewalls/perimeter-smtp.txt",
    ]);
    expect(addStacks(Testing.app(), p.policy, { placements: p.placements })).toEqual([]);
    expect(p.placements.stacks.size).toBe(0);
    expect(p.placements.targets.size).toBe(0);
  });

  test("GIVEN the Windows script WHEN read back by an independent reader THEN each rule admits exactly its port's HubSpot ranges, in its own group", () => {
    const p = prepared();
    const script = p.artifacts.get("firewalls/exchange-win.ps1") ?? "";
    const read = readWindowsScript(script);
    expect(read.variables.get("$group")).toBe("mailgate-exchange");
    // Only the group's own rules are removed, before any is created.
    const removes = read.statements.filter((s) => s.some((t) => /Remove-NetFirewallRule/.test(t)));
    expect(removes).toEqual([["Get-NetFirewallRule", "-Group", "$group", "-ErrorAction", "SilentlyContinue", "|", "Remove-NetFirewallRule"]]);
    expect(read.statements.findIndex((s) => s === removes[0])).toBeLessThan(read.statements.findIndex((s) => s[0] === "New-NetFirewallRule"));
    for (const rule of read.rules) {
      expect(rule.params).toMatchObject({ Group: "mailgate-exchange", Direction: "Inbound", Protocol: "TCP", Action: "Allow", LocalPort: String(rule.port) });
    }
    expect(byPortOf(read.rules)).toEqual(expectedText(p.config, "exchange-win"));
    expect(script).toMatch(/^[\x20-\x7e\n]*$/); // ASCII: Windows PowerShell 5.1 reads BOM-less files as ANSI
  });

  test("GIVEN the allowlists WHEN read back THEN each is exactly the HubSpot ranges of the ports it serves, with a header naming the catalog", () => {
    const p = prepared();
    const files = [...p.artifacts].filter(([name]) => name.startsWith("firewalls/perimeter-"));
    const read = files.map(([name, text]) => ({ name, ...readAllowlist(text) }));
    expect(byPortOf(read.flatMap((f) => f.ports.map((port) => ({ port, spans: f.spans }))))).toEqual(expectedText(p.config, "perimeter"));
    for (const f of read) {
      expect(f.comments[1]).toContain("(published 2024-04-04)");
      expect(f.comments[1]).toContain("HubSpot");
      // One entry per line, in a form both vendors read: IP/mask.
      for (const line of f.lines.filter((l) => !l.startsWith("#"))) expect(line).toMatch(/^[0-9a-f.:]+\/\d+$/);
    }
    expect(read.map((f) => [f.name, f.ports]).sort()).toEqual([
      ["firewalls/perimeter-imap-smtp.txt", [443]],
      ["firewalls/perimeter-imap.txt", [993]],
      ["firewalls/perimeter-smtp.txt", [587]],
    ]);
  });

  test("GIVEN the .nft file WHEN read as text THEN it flushes only mailgate's own chain and sets and never deletes", () => {
    const text = prepared().artifacts.get("firewalls/mail-linux.nft") ?? "";
    const commands = text.split("\n").filter((l) => /^(add|flush|delete|destroy|create|insert|replace|reset|table|chain)\b/.test(l));
    for (const c of commands.filter((l) => l.startsWith("flush"))) expect(c).toMatch(/^flush (chain inet filter hubspot_mail|set inet filter hubspot_mail_[a-z_]+_v[46])$/);
    expect(commands.filter((l) => /^(delete|destroy|create|insert|replace|reset|table|chain)\b/.test(l))).toEqual([]);
    expect(commands.filter((l) => l.startsWith("add rule")).every((l) => l.startsWith("add rule inet filter hubspot_mail tcp dport "))).toBe(true);
    expect(text).toContain("add rule inet filter hubspot_mail tcp dport 993 ip daddr { 203.0.113.25/32 } ip saddr @hubspot_mail_imap_v4 accept");
  });

  test("GIVEN the domains in another order WHEN rendered THEN every file has the same bytes", () => {
    const p = prepared();
    const reversed: Config = { ...p.config, domains: [...p.config.domains].reverse(), firewalls: [...p.config.firewalls].reverse() };
    const again = renderArtifacts(reversed, buildPolicy(reversed));
    for (const [name, text] of p.artifacts) if (name.startsWith("firewalls/")) expect(again.get(name), name).toBe(text);
  });
});

describe("the audit report covers targets outside AWS", () => {
  test("GIVEN the example WHEN reported THEN rows name their file (no region, stack or Terraform address) and every port is proven exact", () => {
    const p = prepared();
    const report = buildReport(p.config, p.policy, p.placements);
    const rows = report.rules as ArtifactReportRule[];
    expect(rows.every((r) => "artifact" in r && !("region" in r) && !("stack" in r) && !("terraformAddress" in r))).toBe(true);
    expect(rows.find((r) => r.target === "mail-linux" && r.fromPort === 993)).toMatchObject({ type: "nftables", artifact: "firewalls/mail-linux.nft", nftSet: "hubspot_mail_imap_v4" });
    expect(rows.find((r) => r.target === "exchange-win")).toMatchObject({ windowsRule: "mailgate-exchange tcp/443 (HubSpot IMAP+SMTP)" });
    expect(report.coverage.length).toBe(6); // mail-linux 587, 993; exchange-win 443; perimeter 443, 587, 993
    expect(report.coverage.every((c) => c.exact)).toBe(true);
    expect(report.coverage.find((c) => c.target === "mail-linux" && c.port === 993)).toMatchObject({ destination: "203.0.113.25/32", exact: true });
    expect(report.stacks).toEqual([]);
    const md = renderReportMarkdown(report);
    expect(md).toContain("- Written to: `firewalls/perimeter-imap.txt`, `firewalls/perimeter-imap-smtp.txt`, `firewalls/perimeter-smtp.txt`");
    expect(md).toContain("| tcp/993 | 143.244.87.0/25 | IMAP | `hubspot_mail_imap_v4` |");
    expect(md).toContain("- tcp/443: 272 addresses required, 272 opened, exact (6 rules, minimal)");
    expect(renderReportCsv(report).split("\n")[1]).toMatch(/^exchange-win,windows-firewall,,,tcp,443,443,54\.174\.62\.128\/26,imap smtp,,ingress,,,,,,firewalls\/exchange-win\.ps1,,mailgate-exchange tcp\/443 \(HubSpot IMAP\+SMTP\)$/);
  });

  test("GIVEN an nftables target added next to an AWS one WHEN diffed THEN the new rules are listed with what to run, and no stack changes", () => {
    const base = config([imapDomain("example.com", ["mail"])], [createdGroup("mail")]);
    const linux: FirewallTarget = { type: "nftables", name: "linux", table: { family: "inet", name: "filter" }, chain: "hubspot_mail" };
    const head = config([imapDomain("example.com", ["mail", "linux"])], [createdGroup("mail"), linux]);
    const md = diffConfigs({ label: "base", config: base }, { label: "head", config: head });
    expect(md).toContain("### linux (nftables)");
    expect(md).toContain("New target: mailgate starts managing HubSpot's ingress here.");
    expect(md).toContain("Not Terraform: after merge, load `firewalls/linux.nft` on the host with `nft -f`");
    expect(md).toContain("Firewall rules: 12 added, 0 removed, 0 changed on 1 target.");
    expect(md).not.toContain("### Stacks");
    const removed = diffConfigs({ label: "head", config: head }, { label: "base", config: base });
    expect(removed).toContain("remove mailgate's rules from the firewall by hand");
  });
});

describe("validation of targets outside AWS", () => {
  const domain = yaml("domains:", "  - domain: example.com", "    imap:", "      incoming: { host: imap.example.com, port: 993 }", "      outgoing: { host: smtp.example.com, port: 587 }", "    firewalls: [fw]");
  const fw = (...lines: string[]) => yaml("firewalls:", "  fw:", ...lines.map((l) => `    ${l}`));
  const cases: [string, string, string, string][] = [
    ["a table without a family", fw("type: nftables", "table: filter"), "INVALID_NFT_NAME", "fw.yaml:4:12"],
    ["a chain that is an nft keyword", fw("type: nftables", "chain: accept"), "INVALID_NFT_NAME", "fw.yaml:4:12"],
    ["a chain nft reserves though it has a hyphen", fw("type: nftables", "chain: auto-merge"), "INVALID_NFT_NAME", "fw.yaml:4:12"],
    ["a Windows group with a quote", fw("type: windows-firewall", "group: \"it's\""), "INVALID_WINDOWS_GROUP", "fw.yaml:4:12"],
    ["a region on a target outside AWS", fw("type: allowlist", "region: us-east-1"), "UNKNOWN_KEY", "fw.yaml:4:5"],
    ["maxEntries zero", fw("type: allowlist", "maxEntries: 0"), "WRONG_TYPE", "fw.yaml:4:17"],
  ];
  test.each(cases)("%s", (_, firewalls, code, at) => {
    const { diagnostics } = load({ "a.yaml": domain, "fw.yaml": firewalls });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toContain(`${code} ${at}`);
  });

  test("GIVEN valid fields WHEN loaded THEN the defaults are applied", () => {
    const { config: cfg, diagnostics } = load({ "a.yaml": domain, "fw.yaml": fw("type: nftables") });
    expect(diagnostics).toEqual([]);
    expect(cfg?.firewalls[0]).toMatchObject({ type: "nftables", table: { family: "inet", name: "filter" }, chain: "hubspot_mail" });
    expect(load({ "a.yaml": domain, "fw.yaml": fw("type: windows-firewall") }).config?.firewalls[0]).toMatchObject({ group: "mailgate-fw" });
  });

  test("GIVEN more entries than maxEntries WHEN validated THEN ALLOWLIST_TOO_LARGE names the file and the figures", () => {
    const cfg = config([imapDomain("example.com", ["edl"])], [{ type: "allowlist", name: "edl", maxEntries: 5 }]);
    const result = withLimits(cfg);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["ALLOWLIST_TOO_LARGE", "ALLOWLIST_TOO_LARGE"]);
    expect(result.diagnostics[0].message).toBe(
      "Firewall `edl` needs 6 entries in firewalls/edl-imap.txt, but `maxEntries` allows 5; the firewall would skip the entries past its limit and refuse HubSpot from them.",
    );
  });

  test("GIVEN an ip table and IPv6 HubSpot ranges WHEN validated THEN NFT_FAMILY_MISMATCH", () => {
    const ipRanges = { source: "test", imap: [Cidr.of("2001:db8:1::/48"), Cidr.of("141.193.184.0/27")], smtp: [Cidr.of("141.193.185.0/27")] };
    const cfg = config([exchangeDomain("corp.example.org", ["linux"])], [{ type: "nftables", name: "linux", table: { family: "ip", name: "filter" }, chain: "hubspot_mail" }], ipRanges);
    expect(withLimits(cfg).diagnostics.map((d) => d.code)).toEqual(["NFT_FAMILY_MISMATCH"]);
    const inet = config(cfg.domains as Config["domains"][number][], [{ type: "nftables", name: "linux", table: { family: "inet", name: "filter" }, chain: "hubspot_mail" }], ipRanges);
    const artifacts = renderArtifacts(inet, buildPolicy(inet));
    expect(artifacts.get("firewalls/linux.nft")).toContain("add rule inet filter hubspot_mail tcp dport 443 ip6 saddr @hubspot_mail_imap_smtp_v6 accept");
  });
});

// Issue 18: two targets outside AWS that would own the same thing where they land (a chain, a set,
// a Windows rule group, a file) remove or overwrite each other's rules; each is refused at the
// later target, naming the first. The premise is checked on the files themselves: rendered
// without validation, the two targets' files really do name the same set or file.
describe("targets outside AWS that would own the same chain, set, group or file", () => {
  /** An Exchange domain (tcp/443, both lists) and an IMAP domain (993 IMAP, 587 SMTP), each through its own firewall. */
  const domains = (exchangeFw: string, imapFw: string) =>
    yaml(
      "domains:",
      "  - domain: corp.example.org",
      "    exchange: { url: https://mail.corp.example.org/EWS/Exchange.asmx }",
      `    firewalls: [${exchangeFw}]`,
      "  - domain: example.com",
      "    imap:",
      "      incoming: { host: imap.example.com, port: 993 }",
      "      outgoing: { host: smtp.example.com, port: 587 }",
      `    firewalls: [${imapFw}]`,
    );
  /** `firewalls:` with one entry per [name, ...lines] (lines indented under the name). */
  const firewalls = (...entries: [string, ...string[]][]) => yaml("firewalls:", ...entries.flatMap(([name, ...lines]) => [`  ${name}:`, ...lines.map((l) => `    ${l}`)]));
  const codes = (files: Record<string, string>) => validateFiles(files).diagnostics.map((d) => `${d.severity} ${d.code} ${where(d)}`);

  /** The `add set` names of each rendered .nft file, read from its text: `<family> <table> <set>`. */
  const declaredSets = (cfg: Config): Map<string, string[]> => {
    const files = [...renderArtifacts(cfg, buildPolicy(cfg))].filter(([name]) => name.endsWith(".nft"));
    return new Map(files.map(([name, text]) => [name, [...text.matchAll(/^add set (\S+ \S+ \S+) \{/gm)].map((m) => m[1])]));
  };
  const nft = (name: string, chain: string, table = "inet filter"): FirewallTarget => {
    const [family, tableName] = table.split(" ");
    return { type: "nftables", name, table: { family: family as "inet" | "ip" | "ip6", name: tableName }, chain };
  };

  test("GIVEN `hub_mail` (Exchange) and `hub_mail_imap` (IMAP) in one table WHEN validated THEN DUPLICATE_NFT_SET at the second chain, naming the first and the set", () => {
    // The premise, read from the files: both declare (and flush) hub_mail_imap_smtp_v4 and _v6.
    const cfg = config([exchangeDomain("corp.example.org", ["hub"]), imapDomain("example.com", ["hub-imap"])], [nft("hub", "hub_mail"), nft("hub-imap", "hub_mail_imap")]);
    const sets = declaredSets(cfg);
    const shared = (sets.get("firewalls/hub.nft") ?? []).filter((s) => (sets.get("firewalls/hub-imap.nft") ?? []).includes(s));
    expect(shared).toEqual(["inet filter hub_mail_imap_smtp_v4", "inet filter hub_mail_imap_smtp_v6"]);

    const { diagnostics, config: valid } = validateFiles({
      "a.yaml": domains("hub", "hub-imap"),
      "fw.yaml": firewalls(["hub", "type: nftables", "chain: hub_mail"], ["hub-imap", "type: nftables", "chain: hub_mail_imap"]),
    });
    expect(valid).toBeUndefined();
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${where(d)}`)).toEqual(["error DUPLICATE_NFT_SET fw.yaml:7:12"]);
    expect(diagnostics[0].message).toBe(
      "Firewall `hub-imap` (chain hub_mail_imap) and firewall `hub` at fw.yaml:4:12 (chain hub_mail) both declare sets hub_mail_imap_smtp_v4 and hub_mail_imap_smtp_v6 in table inet filter: sets are named <chain>_<lists>_<family>, and these chains make the same names. Each file flushes and refills its sets, so on a host that loads both files the last one loaded decides what the sets hold: one chain's rules would admit the other's list, or lose their own.",
    );
    expect(diagnostics[0].related?.map((r) => `${r.line}:${r.column}`)).toEqual(["4:12"]);
  });

  test.each([
    // [first chain, second chain, first table, second table]
    ["hub_mail", "hub_mail_imap", "inet filter", "inet filter"],
    ["hub-mail", "hub-mail_imap", "inet filter", "inet filter"],
    ["hub_mail", "hub_mail_imap", "ip filter", "ip filter"],
    ["hub_mail", "hub_mail_smtp", "inet filter", "inet filter"],
    ["hub_mail", "hub_imap", "inet filter", "inet filter"],
    ["hub_mail", "hub_mail_imap", "inet filter", "ip filter"],
    ["hub_mail", "hub_mail_imap", "inet filter", "inet mail"],
    ["mail_imap", "mail_imap_imap", "ip filter", "ip filter"],
  ])("GIVEN chains %s and %s (tables %s, %s) WHEN validated THEN refused exactly when their files declare a set of the same name in one table", (first, second, firstTable, secondTable) => {
    const cfg = config([exchangeDomain("corp.example.org", ["one"]), imapDomain("example.com", ["two"])], [nft("one", first, firstTable), nft("two", second, secondTable)]);
    const sets = declaredSets(cfg);
    const collide = (sets.get("firewalls/one.nft") ?? []).some((s) => (sets.get("firewalls/two.nft") ?? []).includes(s));
    const found = codes({
      "a.yaml": domains("one", "two"),
      "fw.yaml": firewalls(["one", "type: nftables", `table: ${firstTable}`, `chain: ${first}`], ["two", "type: nftables", `table: ${secondTable}`, `chain: ${second}`]),
    });
    expect(found).toEqual(collide ? ["error DUPLICATE_NFT_SET fw.yaml:9:12"] : []);
  });

  test("GIVEN two nftables targets with one table and chain WHEN validated THEN DUPLICATE_NFT_CHAIN at the second, whether written or defaulted", () => {
    const written = validateFiles({
      "a.yaml": domains("one", "two"),
      "fw.yaml": firewalls(["one", "type: nftables", "table: inet filter", "chain: mail_in"], ["two", "type: nftables", "table: inet filter", "chain: mail_in"]),
    }).diagnostics;
    expect(written.map((d) => `${d.code} ${where(d)}`)).toEqual(["DUPLICATE_NFT_CHAIN fw.yaml:9:12"]);
    expect(written[0].message).toBe(
      "Firewall `two` fills chain mail_in of table inet filter, as firewall `one` at fw.yaml:5:12 does: each file flushes the chain and its sets before adding its own rules, so on a host that loads both files the last one loaded removes the other's rules.",
    );
    // Both defaulted (inet filter, hubspot_mail): at the later firewall's name, in another file.
    const defaulted = codes({ "a.yaml": domains("one", "two"), "fw.yaml": firewalls(["one", "type: nftables"]), "fw2.yaml": firewalls(["two", "type: nftables"]) });
    expect(defaulted).toEqual(["error DUPLICATE_NFT_CHAIN fw2.yaml:2:3"]);
    // The same chain in another table is another chain.
    expect(codes({ "a.yaml": domains("one", "two"), "fw.yaml": firewalls(["one", "type: nftables"], ["two", "type: nftables", "table: ip filter"]) })).toEqual([]);
  });

  test("GIVEN two Windows targets whose groups differ only in case WHEN validated THEN DUPLICATE_WINDOWS_GROUP at the second, naming the first", () => {
    const { diagnostics } = validateFiles({
      "a.yaml": domains("one", "two"),
      "fw.yaml": firewalls(["one", "type: windows-firewall", "group: HubSpot Mail"], ["two", "type: windows-firewall", "group: hubspot mail"]),
    });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["DUPLICATE_WINDOWS_GROUP fw.yaml:7:12"]);
    expect(diagnostics[0].message).toBe(
      "Firewall `two` fills Windows Firewall rule group \"hubspot mail\", as firewall `one` at fw.yaml:4:12 does with \"HubSpot Mail\" (Windows compares group names without regard to case): each script removes every rule of its group before creating its own, so on a server that runs both scripts the last one run removes the other's rules.",
    );
    // A written group that is another target's default: at the later one, its name when defaulted.
    expect(codes({ "a.yaml": domains("one", "two"), "fw.yaml": firewalls(["one", "type: windows-firewall", "group: Mailgate-Two"], ["two", "type: windows-firewall"]) })).toEqual([
      "error DUPLICATE_WINDOWS_GROUP fw.yaml:5:3",
    ]);
    // And the premise: each script removes its whole group first.
    const cfg = config([exchangeDomain("corp.example.org", ["one"]), imapDomain("example.com", ["two"])], [
      { type: "windows-firewall", name: "one", group: "HubSpot Mail" },
      { type: "windows-firewall", name: "two", group: "hubspot mail" },
    ]);
    const scripts = [...renderArtifacts(cfg, buildPolicy(cfg))].filter(([name]) => name.endsWith(".ps1")).map(([, text]) => readWindowsScript(text));
    expect(scripts.map((s) => s.variables.get("$group")?.toLowerCase())).toEqual(["hubspot mail", "hubspot mail"]);
  });

  test("GIVEN allowlists `edge` (Exchange) and `edge-imap` (IMAP) WHEN validated THEN DUPLICATE_ARTIFACT_FILE at `edge-imap`, naming `edge` and the file", () => {
    // The premise: rendered without validation, both write firewalls/edge-imap-smtp.txt, with
    // different lists (read back: `edge`'s is the source of tcp/443, `edge-imap`'s of tcp/587).
    const cfg = config([exchangeDomain("corp.example.org", ["edge"]), imapDomain("example.com", ["edge-imap"])], [
      { type: "allowlist", name: "edge" },
      { type: "allowlist", name: "edge-imap" },
    ]);
    const sameName = renderFirewallArtifacts(buildPolicy(cfg)).filter(([name]) => name === "firewalls/edge-imap-smtp.txt");
    expect(sameName.map(([, text]) => readAllowlist(text).ports)).toEqual([[443], [587]]);

    const { diagnostics } = validateFiles({ "a.yaml": domains("edge", "edge-imap"), "fw.yaml": firewalls(["edge", "type: allowlist"], ["edge-imap", "type: allowlist"]) });
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${where(d)}`)).toEqual(["error DUPLICATE_ARTIFACT_FILE fw.yaml:4:3"]);
    expect(diagnostics[0].message).toContain("Firewall `edge-imap` can write firewalls/edge-imap-smtp.txt, which firewall `edge` at fw.yaml:2:3 can write too");
    // Refused whatever the domains: the file `edge` writes for Exchange is one a domain added later would need.
    expect(codes({ "a.yaml": domains("edge-imap", "edge-imap") + yaml("  - domain: other.example.com", "    exchange: { url: https://mail.other.example.com/EWS/Exchange.asmx }"), "fw.yaml": firewalls(["edge", "type: allowlist"], ["edge-imap", "type: allowlist"]) })).toEqual([
      "warning UNUSED_FIREWALL fw.yaml:2:3",
      "error DUPLICATE_ARTIFACT_FILE fw.yaml:4:3",
    ]);
    // Other names, and files of different types, never collide.
    expect(codes({ "a.yaml": domains("edge", "edge-imap"), "fw.yaml": firewalls(["edge", "type: allowlist"], ["edge-imap", "type: nftables"]) })).toEqual([]);
  });
});
