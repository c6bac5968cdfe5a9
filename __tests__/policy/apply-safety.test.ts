import { afterAll, describe, expect, test } from "vitest";
import { renderPlacements } from "../../lib/policy/placements";
import { removeTempDirs } from "../config/helpers";
import { validateFiles } from "../support/validate-dir";
import { ACL, config, CREATED, EXISTING, NFW, said, step } from "./safe-apply-steps";

// What validate says an apply of a change does (lib/policy/apply-safety.ts), read as its users
// read it: the exact problem, its counts and its words. Each change is validated against the
// placements the previous synth wrote.

afterAll(removeTempDirs);

const WIDE_IMAP = "141.193.184.0/26, 143.244.82.8/30";
const WIDE_SMTP = "141.193.184.0/26, 143.244.82.12/30";
const renameWords = (target: string, was: string, what: string) =>
  `error RENAME_UNCONFIRMED: Firewall \`${target}\` is new, and \`${was}\`, which mailgate placed last time, is gone with the same ${what}: that is a rename. Without saying so, Terraform would destroy every resource of \`${was}\` and create it again under \`${target}\`, in no particular order: HubSpot would be unadmitted meanwhile, and AWS refuses a second group or rule group of the same name.`;

describe("an unconfirmed rename names what the two targets share", () => {
  test.each([
    ["a created group", CREATED, "group name hubspot-mail in vpc-0a1b2c3d4e5f67890"],
    ["an existing group", EXISTING, "security group sg-0a1b2c3d4e5f67890"],
    ["a network ACL", ACL, "network ACL acl-0a1b2c3d4e5f67890"],
    ["a rule group", NFW, "rule group name hubspot-mail"],
  ])("GIVEN %s renamed without `renamedFrom` WHEN validated THEN RENAME_UNCONFIRMED says it is the same %s", (_kind, target, what) => {
    const first = step(config({ firewalls: { mail: target } }));
    const second = step(config({ firewalls: { other: target } }), first);
    expect(said(second).filter((s) => s.includes("RENAME_UNCONFIRMED"))).toEqual([renameWords("other", "mail", what)]);
  });

  test("GIVEN a target moved to another region under a new name WHEN validated THEN no rename is suspected: its old stack destroys the old one", () => {
    const first = step(config({ firewalls: { mail: EXISTING } }));
    const moved = [EXISTING[0] ?? "", "region: eu-west-1", EXISTING[2] ?? ""];
    const second = step(config({ firewalls: { other: moved } }), first);
    expect(second.diagnostics.map((d) => d.code)).toEqual(["EMPTY_STACK", "TARGET_REMOVED"]);
  });

  test("GIVEN a created group removed and a new target creating another group name in the same VPC WHEN validated THEN no rename is suspected: only the VPC is shared", () => {
    const first = step(config({ firewalls: { mail: CREATED } }));
    const second = step(config({ firewalls: { other: [...CREATED.slice(0, 3), "name: hubspot-mail-2"] } }), first);
    expect(second.diagnostics.map((d) => d.code)).toEqual(["TARGET_REMOVED"]);
  });

  test("GIVEN a new target with another identity beside a removed one WHEN validated THEN no rename is suspected", () => {
    const first = step(config({ firewalls: { mail: EXISTING } }));
    const other = [EXISTING[0] ?? "", EXISTING[1] ?? "", "securityGroupId: sg-0a1b2c3d4e5f67891"];
    const second = step(config({ firewalls: { other } }), first);
    expect(second.diagnostics.map((d) => d.code)).toEqual(["TARGET_REMOVED"]);
  });

  test("GIVEN a renamed target also moved to another ACL, and a new target on the old ACL WHEN validated THEN only the identity change is refused: the old name is claimed, no rename is suspected", () => {
    const first = step(config({ firewalls: { mail: ACL } }));
    const moved = [ACL[0] ?? "", ACL[1] ?? "", "networkAclId: acl-0a1b2c3d4e5f67891", ACL[3] ?? "", "renamedFrom: mail"];
    const second = step(config({ firewalls: { renamed: moved, fresh: ACL } }), first);
    expect(second.diagnostics.map((d) => d.code)).toEqual(["TARGET_IDENTITY_CHANGED"]);
  });
});

describe("placements of earlier versions", () => {
  test("GIVEN a placements.json written before identities were recorded WHEN the target's group is validated THEN no identity change is claimed: there is nothing to compare", () => {
    const first = step(config({ firewalls: { mail: EXISTING } }));
    if (!first.placements) throw new Error("invalid config");
    const old = JSON.parse(renderPlacements(first.placements)) as { targets: Record<string, Record<string, unknown>> };
    delete old.targets.mail?.securityGroupId;
    const other = [EXISTING[0] ?? "", EXISTING[1] ?? "", "securityGroupId: sg-0a1b2c3d4e5f67891"];
    const second = validateFiles(config({ firewalls: { mail: other } }), JSON.stringify(old, null, 2));
    expect(second.diagnostics.map((d) => d.code)).toEqual([]);
    const recorded = validateFiles(config({ firewalls: { mail: other } }), renderPlacements(first.placements));
    expect(recorded.diagnostics.map((d) => d.code)).toEqual(["TARGET_IDENTITY_CHANGED"]);
  });
});

describe("a removed target's warning says what it destroys", () => {
  test("GIVEN a created-group target that had grown to two groups WHEN deleted THEN TARGET_REMOVED counts both groups", () => {
    const tight = [...CREATED, "maxRules: 4"];
    const first = step(config({ firewalls: { mail: tight } }));
    const grown = step(config({ imap: WIDE_IMAP, firewalls: { mail: tight } }), first);
    expect(grown.placements?.targets.get("mail")?.groups).toHaveLength(2);
    const gone = step(config({ imap: WIDE_IMAP, firewalls: { keep: EXISTING } }), grown);
    expect(said(gone)).toEqual([
      "warning TARGET_REMOVED: Firewall `mail` is gone from the config: the contract apply of mailgate-us-east-1 (the second phase; the expand apply keeps them) destroys its 2 security groups and every rule in them. AWS refuses to delete a security group that network interfaces still use: detach it first.",
    ]);
  });

  test("GIVEN a created-group target deleted, placed by a version that recorded no groups WHEN validated THEN TARGET_REMOVED says its one group goes", () => {
    const first = step(config({ firewalls: { mail: CREATED, keep: ACL } }));
    if (!first.placements) throw new Error("invalid config");
    const old = JSON.parse(renderPlacements(first.placements)) as { targets: Record<string, Record<string, unknown>> };
    delete old.targets.mail?.groups;
    const gone = validateFiles(config({ firewalls: { keep: ACL } }), JSON.stringify(old, null, 2));
    expect(said(gone)).toEqual([
      "warning TARGET_REMOVED: Firewall `mail` is gone from the config: the contract apply of mailgate-us-east-1 (the second phase; the expand apply keeps them) destroys its security group and every rule in it. AWS refuses to delete a security group that network interfaces still use: detach it first.",
    ]);
  });

  test("GIVEN an existing-group target deleted WHEN validated THEN TARGET_REMOVED says only its rules go, with nothing to detach", () => {
    const first = step(config({ firewalls: { mail: EXISTING, keep: ACL } }));
    const gone = step(config({ firewalls: { keep: ACL } }), first);
    expect(said(gone)).toEqual([
      "warning TARGET_REMOVED: Firewall `mail` is gone from the config: the contract apply of mailgate-us-east-1 (the second phase; the expand apply keeps them) destroys its rules in the security group.",
    ]);
  });
});

describe("two phases: how many rules leave and arrive for the same addresses", () => {
  test("GIVEN both lists' /27 widened to a /26 WHEN validated THEN TWO_PHASE_APPLY counts the 2 leaving and the 2 overlapping arrivals, not the rules that stay", () => {
    const first = step(config({ firewalls: { mail: EXISTING } }));
    const second = step(config({ imap: WIDE_IMAP, smtp: WIDE_SMTP, firewalls: { mail: EXISTING } }), first);
    expect(said(second)).toEqual([
      "warning TWO_PHASE_APPLY: Firewall `mail`: 2 rules leave while 2 are created in their place. Applied at once, Terraform may delete the old ones before the new ones exist, and HubSpot would be unadmitted meanwhile.",
    ]);
  });

  test("GIVEN one list's /27 widened while the other port keeps that /27 WHEN validated THEN 1 leaves while 1 arrives: a rule on another port admitting the same addresses is no replacement", () => {
    const first = step(config({ firewalls: { mail: EXISTING } }));
    const second = step(config({ imap: WIDE_IMAP, firewalls: { mail: EXISTING } }), first);
    expect(said(second)).toEqual([
      "warning TWO_PHASE_APPLY: Firewall `mail`: 1 rule leaves while 1 is created in their place. Applied at once, Terraform may delete the old ones before the new ones exist, and HubSpot would be unadmitted meanwhile.",
    ]);
  });

  test("GIVEN imap's /27 widened while smtp's port holds two blocks inside that /27 WHEN validated THEN 1 rule leaves while 1 arrives: the smtp rules are not counted", () => {
    const smtp = "141.193.184.0/28, 141.193.184.20/30";
    const first = step(config({ smtp, firewalls: { mail: EXISTING } }));
    const second = step(config({ smtp, imap: WIDE_IMAP, firewalls: { mail: EXISTING } }), first);
    expect(said(second)).toEqual([
      "warning TWO_PHASE_APPLY: Firewall `mail`: 1 rule leaves while 1 is created in their place. Applied at once, Terraform may delete the old ones before the new ones exist, and HubSpot would be unadmitted meanwhile.",
    ]);
  });

  test("GIVEN an ACL's /27 widened on both ports WHEN validated THEN TWO_PHASE_APPLY counts its leaving rule numbers", () => {
    const first = step(config({ firewalls: { acl: ACL } }));
    const second = step(config({ imap: WIDE_IMAP, smtp: WIDE_SMTP, firewalls: { acl: ACL } }), first);
    expect(said(second)).toEqual([
      "warning TWO_PHASE_APPLY: Firewall `acl`: 2 rules leave while 2 are created in their place. Applied at once, Terraform may delete the old ones before the new ones exist, and HubSpot would be unadmitted meanwhile.",
    ]);
  });

  test("GIVEN sources switched from prefix lists back to CIDR rules WHEN validated THEN two phases: the list rules leave while CIDR rules admitting their entries arrive", () => {
    const first = step(config({ firewalls: { mail: [...EXISTING, "sources: prefix-lists"] } }));
    const second = step(config({ firewalls: { mail: EXISTING } }), first);
    expect(said(second)).toEqual([
      "warning TWO_PHASE_APPLY: Firewall `mail`: 2 rules leave while 4 are created in their place. Applied at once, Terraform may delete the old ones before the new ones exist, and HubSpot would be unadmitted meanwhile.",
    ]);
    expect(second.expand?.prefixLists.map((p) => p.key)).toEqual(["imap/ipv4", "smtp/ipv4"]);
  });

  test("GIVEN a rule group's /27 widened WHEN validated THEN no two phases: a rule group changes in place, in one request", () => {
    const first = step(config({ firewalls: { nfw: NFW } }));
    const second = step(config({ imap: WIDE_IMAP, smtp: WIDE_SMTP, firewalls: { nfw: NFW } }), first);
    expect(said(second)).toEqual([]);
  });
});

describe("the peak counts a prefix-list rule as its list's entries", () => {
  test("GIVEN an existing group on prefix lists switched to CIDR rules WHEN validated THEN the peak counts each leaving list rule at its max_entries (5), in IPv4 only", () => {
    const first = step(config({ firewalls: { mail: [...EXISTING, "sources: prefix-lists"] } }));
    expect(first.placements?.prefixLists).toEqual(new Map([["imap/ipv4", 5], ["smtp/ipv4", 5]]));
    const second = step(config({ firewalls: { mail: [...EXISTING, "maxRules: 4"] } }), first);
    expect(said(second).filter((s) => s.includes("APPLY_PEAK"))).toEqual([
      "error APPLY_PEAK_OVER_QUOTA: Firewall `mail`: while the change is applied, security group sg-0a1b2c3d4e5f67890 (IPv4) holds 14 rules at once (the 4 it keeps or gains, and 2 leaving that are removed only after the new ones exist), but only 4 fit. AWS would refuse a create halfway through the apply.",
    ]);
  });

  test("GIVEN lists with IPv6 blocks on prefix lists switched to CIDR rules WHEN validated THEN each family's peak counts only that family's leaving list rules, each at its list's max_entries", () => {
    const imap = "141.193.184.0/27, 143.244.82.8/30, 2600:1f18:1::/48";
    const smtp = "141.193.184.0/27, 143.244.82.12/30, 2600:1f18:2::/48";
    const first = step(config({ imap, smtp, firewalls: { mail: [...EXISTING, "sources: prefix-lists"] } }));
    expect(said(first)).toEqual([]);
    expect(first.placements?.prefixLists).toEqual(new Map([["imap/ipv4", 5], ["imap/ipv6", 5], ["smtp/ipv4", 5], ["smtp/ipv6", 5]]));
    const second = step(config({ imap, smtp, firewalls: { mail: [...EXISTING, "maxRules: 4"] } }), first);
    // IPv4: the 4 CIDR rules it gains and 2 leaving list rules of 5 each; IPv6: 2 and 2 x 5.
    const peak = (family: string, total: number, kept: number) =>
      `error APPLY_PEAK_OVER_QUOTA: Firewall \`mail\`: while the change is applied, security group sg-0a1b2c3d4e5f67890 (${family}) holds ${total} rules at once (the ${kept} it keeps or gains, and 2 leaving that are removed only after the new ones exist), but only 4 fit. AWS would refuse a create halfway through the apply.`;
    expect(said(second).filter((s) => s.includes("APPLY_PEAK"))).toEqual([peak("IPv4", 14, 4), peak("IPv6", 12, 2)]);
  });

  test("GIVEN an existing group on prefix lists whose smtp port changes while the smtp list grows WHEN validated THEN the leaving rule weighs its list's max_entries as this change sizes it", () => {
    const first = step(config({ firewalls: { mail: [...EXISTING, "sources: prefix-lists", "maxRules: 30"] } }));
    const smtp = "141.193.184.0/27, 143.244.82.12/30, 54.1.0.0/24, 54.2.0.0/24, 54.3.0.0/24, 54.4.0.0/24";
    const files = config({ smtp, firewalls: { mail: [...EXISTING, "sources: prefix-lists", "maxRules: 20"] } });
    files["a.yaml"] = (files["a.yaml"] ?? "").replace("port: 587", "port: 465");
    const second = step(files, first);
    // The smtp list is resized in place to 10 entries before the 587 rule goes: it weighs 10, not the 5 it had.
    expect(said(second)).toEqual([
      "error APPLY_PEAK_OVER_QUOTA: Firewall `mail`: while the change is applied, security group sg-0a1b2c3d4e5f67890 (IPv4) holds 25 rules at once (the 15 it keeps or gains, and 1 leaving that are removed only after the new ones exist), but only 20 fit. AWS would refuse a create halfway through the apply.",
    ]);
  });
});
