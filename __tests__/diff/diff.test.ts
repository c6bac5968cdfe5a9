import { describe, expect, test } from "vitest";
import { diffConfigs } from "../../lib/diff";
import { Cidr } from "../../lib/model/cidr";
import type { Config } from "../../lib/model/config";
import type { Placements } from "../../lib/policy/placements";
import { withLimits } from "../../lib/validate";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain, networkFirewall } from "../support/configs";

const base = config(
  [imapDomain("example.com", ["mail"]), exchangeDomain("corp.example.org", ["dmz"]), imapDomain("example.io", [])],
  [createdGroup("mail"), existingGroup("dmz")],
);
const diff = (head: Config, from: Config = base) => diffConfigs({ label: "base", config: from }, { label: "head", config: head });

/** The lines of one `### heading` section. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`### ${heading}`);
  expect(start, `section ${heading} in:\n${markdown}`).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf("\n### ", start + 4);
  return markdown.slice(start, next < 0 ? undefined : next);
}

describe("diff between two configs", () => {
  test("GIVEN the same config WHEN diffed THEN it says no changes", () => {
    expect(diff(base)).toBe("## mailgate: firewall changes\n\nBase: `base`, head: `head`.\n\nNo changes.\n");
  });

  test("GIVEN head adds a domain on a new port WHEN diffed THEN the target lists the new port's rules and the domain under Needed by", () => {
    const head = config([...base.domains, imapDomain("example.org", ["mail"], { smtp: 2525 })], [...base.firewalls]);
    const md = diff(head);
    const mail = section(md, "mail (us-east-1)");
    expect(mail).toContain("**Added** (6 rules)");
    for (const cidr of ["54.174.62.128/26", "54.174.62.192/30", "141.193.184.0/27", "141.193.185.0/27", "143.244.82.12/30", "143.244.87.0/25"]) {
      expect(mail).toContain(`| tcp/2525 | ${cidr} | SMTP |`);
    }
    expect(mail).toContain("- Addresses HubSpot may connect from: tcp/2525 0 → 264.");
    // The shared IMAP port gains a domain: same rules, one more domain needing them.
    expect(mail).toContain("**Needed by**\n\n- tcp/993 IMAP: domains added example.org; servers added imap.example.org:993\n- tcp/2525 SMTP: domains added example.org; servers added smtp.example.org:2525\n");
    expect(mail).not.toContain("**Changed**");
    expect(mail).not.toContain("**Removed**");
    expect(md).toContain("Firewall rules: 6 added, 0 removed, 0 changed on 1 target.");
    expect(section(md, "HubSpot prefill settings")).toContain("| example.org | added | Settings: IMAP; Incoming Mail (IMAP) server: imap.example.org;");
    expect(md).not.toContain("### dmz");
    expect(md).not.toContain("### HubSpot IP ranges");
  });

  test("GIVEN a port change WHEN diffed THEN old rules are removed, new added, and the prefill field shows before -> after", () => {
    const head = config([imapDomain("example.com", ["mail"], { smtp: 465 }), ...base.domains.filter((d) => d.name !== "example.com")], [...base.firewalls]);
    const md = diff(head);
    const mail = section(md, "mail (us-east-1)");
    expect(mail).toContain("**Added** (6 rules)");
    expect(mail).toContain("**Removed** (6 rules)");
    expect(mail).toContain("| tcp/587 | 143.244.87.0/25 | SMTP |");
    expect(mail).toContain("- tcp/465 SMTP: domains added example.com; servers added smtp.example.com:465\n- tcp/587 SMTP: domains removed example.com; servers removed smtp.example.com:587");
    expect(mail).toContain("tcp/465 0 → 264, tcp/587 264 → 0");
    expect(section(md, "HubSpot prefill settings")).toContain("| example.com | changed | Outgoing Mail (SMTP) port: 587 → 465 |");
  });

  test("GIVEN a domain switched from IMAP to Exchange and one removed WHEN diffed THEN prefill shows the kind change and the removal", () => {
    const head = config([exchangeDomain("example.com", ["mail"]), exchangeDomain("corp.example.org", ["dmz"])], [...base.firewalls]);
    const prefill = section(diff(head), "HubSpot prefill settings");
    expect(prefill).toContain(
      "| example.com | changed | Settings: IMAP → Exchange; Exchange URL: (none) → https://mail.example.com/EWS/Exchange.asmx; Incoming Mail (IMAP) server: imap.example.com → (none);",
    );
    expect(prefill).toContain("| example.io | removed | Settings: IMAP;");
  });

  test("GIVEN a target moved to another region and another group WHEN diffed THEN the heading and notes say so", () => {
    const head = config([...base.domains], [createdGroup("mail", "eu-west-1", "renamed"), existingGroup("dmz")]);
    const mail = section(diff(head), "mail (us-east-1 → eu-west-1)");
    expect(mail).toContain("Region: us-east-1 → eu-west-1: the rules move to another stack");
    expect(mail).toContain("Security group: created by mailgate, `hubspot-mail` in `vpc-0a1b2c3d4e5f67890` → created by mailgate, `renamed` in `vpc-0a1b2c3d4e5f67890`.");
    expect(mail).toContain("**Added** (12 rules)");
    expect(mail).toContain("**Removed** (12 rules)");
  });

  test("GIVEN a target no domain uses any more WHEN diffed THEN all its rules are removed", () => {
    const head = config([imapDomain("example.com", ["mail"]), exchangeDomain("corp.example.org", []), imapDomain("example.io", [])], [createdGroup("mail")]);
    const dmz = section(diff(head), "dmz (eu-central-1)");
    expect(dmz).toContain("Target no longer used by any domain");
    expect(dmz).toContain("**Removed** (6 rules)");
    expect(dmz).toContain("| tcp/443 | 54.174.62.192/29 | IMAP + SMTP |");
    expect(dmz).toContain("- tcp/443 IMAP: domains removed corp.example.org; servers removed mail.corp.example.org:443");
  });

  test("GIVEN the user's own IP lists WHEN diffed THEN the catalog section shows source, date and entries; rules follow", () => {
    const ipRanges = { source: "HubSpot View connection IPs | acct 1", smtp: [Cidr.of("141.193.184.0/27"), Cidr.of("198.51.100.0/24")], imap: [Cidr.of("141.193.184.0/27")] };
    const md = diff(config([...base.domains], [...base.firewalls], ipRanges));
    const catalog = section(md, "HubSpot IP ranges");
    expect(catalog).toMatch(/- Source: HubSpot Knowledge Base: .* → HubSpot View connection IPs \\\| acct 1/);
    expect(catalog).toContain("- Published: 2024-04-04 → (not stated)");
    expect(catalog).toContain("- SMTP list: added 198.51.100.0/24");
    expect(catalog).toContain("- IMAP list: removed 54.174.62.128/26, 54.174.62.196/32");
    expect(section(md, "mail (us-east-1)")).toContain("| tcp/587 | 198.51.100.0/24 | SMTP |");
  });

  test("GIVEN only a mail server renamed WHEN diffed THEN no rule changes and Needed by shows the servers", () => {
    const renamed = { ...imapDomain("example.com", ["mail"]), incoming: { host: "imap2.example.com", port: 993 } };
    const md = diff(config([renamed, ...base.domains.filter((d) => d.name !== "example.com")], [...base.firewalls]));
    expect(md).toContain("Firewall rules: 0 added, 0 removed, 0 changed on 1 target.");
    const mail = section(md, "mail (us-east-1)");
    expect(mail).toContain("- tcp/993 IMAP: servers added imap2.example.com:993, removed imap.example.com:993");
    expect(mail).not.toContain("| tcp/");
  });
});

describe("rules matched across the two reports", () => {
  test("GIVEN a Network Firewall target gains a destination WHEN diffed THEN its rules (all at the rule group's one address) are told apart by what they admit: the new destination's are added, none removed or changed", () => {
    const from = config([imapDomain("example.com", ["inspect"])], [networkFirewall("inspect")]);
    const head = config([imapDomain("example.com", ["inspect"])], [networkFirewall("inspect", { destinations: ["10.0.1.25/32", "10.0.1.26/32"] })]);
    const md = diff(head, from);
    expect(md).toContain("Firewall rules: 12 added, 0 removed, 0 changed on 1 target.");
    expect(section(md, "inspect (us-east-1)")).toContain("| tcp/993 | 143.244.87.0/25 to 10.0.1.26/32 (sid 1018368) | IMAP |");
  });
});

describe("a change applied in two phases", () => {
  test("GIVEN HubSpot widened a block WHEN diffed with the placements synth wrote THEN each target it reaches says two applies, in which order; a change that only adds does not", () => {
    const narrow = withLists("141.193.184.0/27");
    const wide = withLists("141.193.184.0/26");
    const before = validateConfigOf(narrow);
    const after = validateConfigOf(wide, before.placements);
    const md = diffConfigs({ label: "base", config: narrow, placements: before.placements }, { label: "head", config: wide, placements: after.placements });
    expect(section(md, "mail (us-east-1)")).toContain("Two applies: rules leave this target while others arrive");
    expect(section(md, "mail (us-east-1)")).toContain("Apply `MAILGATE_PHASE=expand` first");
    expect(section(md, "dmz (eu-central-1)")).toContain("Two applies");
    const added = config([...wide.domains, imapDomain("example.org", ["mail"], { smtp: 2525 })], [...wide.firewalls]);
    const onlyAdds = validateConfigOf({ ...added, ipRanges: wide.ipRanges }, after.placements);
    const md2 = diffConfigs({ label: "base", config: wide, placements: after.placements }, { label: "head", config: { ...added, ipRanges: wide.ipRanges }, placements: onlyAdds.placements });
    expect(section(md2, "mail (us-east-1)")).toContain("**Added**");
    expect(md2).not.toContain("Two applies");
  });
});

describe("a head whose placements do not start from the base", () => {
  test("GIVEN a change synthesized on top of an unapplied synth WHEN diffed against the base THEN it says to restore the base's placements and synthesize again; synthesized from the base, it does not", () => {
    const base = withLists("141.193.184.0/27");
    const intermediate = withLists("141.193.184.0/26");
    const amended = withLists("141.193.184.0/25");
    const p0 = validateConfigOf(base).placements;
    const p1 = validateConfigOf(intermediate, p0).placements;
    const onTop = validateConfigOf(amended, p1).placements;
    const fromBase = validateConfigOf(amended, p0).placements;
    const diffWith = (placements: Placements) =>
      diffConfigs({ label: "base", config: base, placements: p0 }, { label: "head", config: amended, placements });
    expect(diffWith(onTop)).toContain("### Two-phase apply: placements.json does not start from the base");
    expect(diffWith(fromBase)).not.toContain("does not start from the base");
    expect(diffWith(fromBase)).toContain("Two applies");
  });
});

function withLists(imap: string): Config {
  return { ...base, ipRanges: { source: "test", smtp: [Cidr.of("141.193.185.0/27")], imap: [Cidr.of(imap)] } };
}

function validateConfigOf(cfg: Config, previous?: Placements) {
  const result = withLimits(cfg, [], previous ? { previous } : {});
  if (!result.placements) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  return { placements: result.placements };
}
