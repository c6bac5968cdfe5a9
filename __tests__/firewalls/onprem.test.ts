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
