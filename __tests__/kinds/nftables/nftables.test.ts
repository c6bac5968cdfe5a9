/** The nftables kind (lib/kinds/nftables/): what its checks and limits refuse. */
import { afterAll, describe, expect, test } from "vitest";
import { NFT_KEYWORDS_1_0_6, NFT_KEYWORDS_LATER } from "../../../lib/config/nft-keywords";
import { Cidr } from "../../../lib/model/cidr";
import { renderArtifacts } from "../../../lib/pipeline";
import { buildPolicy } from "../../../lib/policy/firewall-policy";
import { removeTempDirs, where, yaml } from "../../config/helpers";
import { config, imapDomain } from "../../support/configs";
import { validateFiles } from "../../support/validate-dir";

afterAll(removeTempDirs);

describe("nftables `destinations` that admit nothing", () => {
  const fw = (...lines: string[]) => yaml("firewalls:", "  fw:", "    type: nftables", ...lines.map((l) => `    ${l}`));
  const domain = yaml("domains:", "  - domain: example.com", "    imap:", "      incoming: { host: imap.example.com, port: 993 }", "      outgoing: { host: smtp.example.com, port: 587 }", "    firewalls: [fw]");

  test("GIVEN only IPv6 destinations and HubSpot's IPv4-only lists WHEN validated THEN NOTHING_ADMITTED, where the file would hold no rule", () => {
    // The premise: rendered without validation, the file has the sets but not one rule.
    const cfg = config([imapDomain("example.com", ["fw"])], [{ type: "nftables", name: "fw", table: { family: "inet", name: "filter" }, chain: "hubspot_mail", destinations: [Cidr.of("2001:db8::25")] }]);
    expect(renderArtifacts(cfg, buildPolicy(cfg)).get("firewalls/fw.nft")).not.toMatch(/^add rule /m);

    const { config: valid, diagnostics } = validateFiles({ "a.yaml": domain, "fw.yaml": fw('destinations: ["2001:db8::25"]') });
    expect(valid).toBeUndefined();
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${where(d)}`)).toEqual(["error NOTHING_ADMITTED fw.yaml:2:3"]);
    expect(diagnostics[0].message).toBe(
      "Firewall `fw` admits nothing for domain example.com from HubSpot's IMAP list (tcp/993) and HubSpot's SMTP list (tcp/587): they have only IPv4 addresses, and the firewall's `destinations` are all IPv6; a rule matches a source only with destinations of its own address family (`ip saddr` with `ip daddr`), so chain `inet filter hubspot_mail` would hold no rule for them.",
    );
    expect(diagnostics[0].hint).toBe(
      "add the mail servers' IPv4 addresses to `destinations`, leave `destinations` out (any address of the host), or remove `fw` from these domains' `firewalls`",
    );
  });

  test("GIVEN an IPv4 destination too, or no destinations, or lists with IPv6 WHEN validated THEN valid", () => {
    expect(validateFiles({ "a.yaml": domain, "fw.yaml": fw('destinations: ["2001:db8::25", 10.0.1.25]') }).diagnostics).toEqual([]);
    expect(validateFiles({ "a.yaml": domain, "fw.yaml": fw() }).diagnostics).toEqual([]);
    const v6 = yaml("hubspot:", "  ipRanges:", "    source: test", '    smtp: [141.193.185.0/27, "2600:1f18:1::/48"]', '    imap: [141.193.184.0/27, "2600:1f18:2::/48"]');
    expect(validateFiles({ "a.yaml": domain, "h.yaml": v6, "fw.yaml": fw('destinations: ["2001:db8::25"]') }).diagnostics).toEqual([]);
  });

  test("GIVEN one list with IPv6 and one without WHEN validated THEN only the list left without a rule is named", () => {
    const mixed = yaml("hubspot:", "  ipRanges:", "    source: test", "    smtp: [141.193.185.0/27]", '    imap: [141.193.184.0/27, "2600:1f18:2::/48"]');
    const { diagnostics } = validateFiles({ "a.yaml": domain, "h.yaml": mixed, "fw.yaml": fw('destinations: ["2001:db8::25"]') });
    expect(diagnostics.map((d) => d.code)).toEqual(["NOTHING_ADMITTED"]);
    expect(diagnostics[0].message).toContain("from HubSpot's SMTP list (tcp/587): it has only IPv4 addresses");
  });
});

describe("nftables table names nft cannot load", () => {
  const fw = (table: string) => yaml("firewalls:", "  fw:", "    type: nftables", `    table: ${table}`);
  const domain = yaml("domains:", "  - domain: example.com", "    imap:", "      incoming: { host: imap.example.com, port: 993 }", "      outgoing: { host: smtp.example.com, port: 587 }", "    firewalls: [fw]");

  test.each(["inet counter", "ip log", "inet ct", "inet policy", "ip6 type", "inet comment", "inet destroy", "inet auto-merge"])("GIVEN table %s WHEN validated THEN INVALID_NFT_NAME at the table", (table) => {
    const { diagnostics } = validateFiles({ "a.yaml": domain, "fw.yaml": fw(table) });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["INVALID_NFT_NAME fw.yaml:4:12"]);
    expect(diagnostics[0].message).toContain(`\`${table.split(" ")[1]}\` is one of nft's keywords`);
  });

  test.each(["inet filter", "inet saddr", "ip last", "inet Counter", "inet counters", "inet mail_filter", "inet nat"])("GIVEN table %s (a keyword only after another word, or none) WHEN validated THEN valid", (table) => {
    expect(validateFiles({ "a.yaml": domain, "fw.yaml": fw(table) }).diagnostics).toEqual([]);
  });

  test("every keyword is a name the table's shape allows (so the list, not the pattern, refuses it), and the chain check shares the list", () => {
    const keywords = [...NFT_KEYWORDS_1_0_6, ...NFT_KEYWORDS_LATER];
    expect(keywords.filter((k) => !/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(k))).toEqual([]);
    expect(new Set(keywords).size).toBe(keywords.length);
    const chainShaped = keywords.filter((k) => /^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+$/.test(k));
    expect(chainShaped).toEqual(["auto-merge", "gc-interval"]);
    for (const chain of chainShaped) {
      expect(validateFiles({ "a.yaml": domain, "fw.yaml": yaml("firewalls:", "  fw:", "    type: nftables", `    chain: ${chain}`) }).diagnostics.map((d) => d.code)).toEqual(["INVALID_NFT_NAME"]);
    }
  });
});
