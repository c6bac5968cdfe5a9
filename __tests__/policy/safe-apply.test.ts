import { afterAll, describe, expect, test } from "vitest";
import { assignStableNumbers } from "../../lib/policy/numbering";
import { renderPlacements } from "../../lib/policy/placements";
import { removeTempDirs, where } from "../config/helpers";
import { ACL, config, CREATED, EXISTING, NFW, opened, step } from "./safe-apply-steps";

// Safe apply (issue 19): what an apply does while it runs. Terraform orders no delete of one
// resource before the create of another, so each edit is judged at its worst moments: every
// delete before every create (what is still admitted), every create before every delete (what
// the quota must hold). Each step is validated against the placements the previous step wrote,
// as synth chains them through placements.json.

afterAll(removeTempDirs);

const codes = (r: { diagnostics: readonly { severity: string; code: string; position: { file: string; line: number; column: number } }[] }) =>
  r.diagnostics.map((d) => `${d.severity} ${d.code} ${where(d as never)}`);

describe("numbers are never re-taken within one apply", () => {
  test("GIVEN numbers the last synth used for rules that leave WHEN new keys are numbered THEN none takes one of them", () => {
    const before = assignStableNumbers(["a", "b", "c"], 1, 10);
    const reserved = [...before.values()];
    for (const keys of [["d"], ["d", "e", "f"], ["a", "d", "e", "f", "g"]]) {
      const now = assignStableNumbers(keys, 1, 10, before, reserved);
      for (const key of keys) {
        if (before.has(key)) expect(now.get(key)).toBe(before.get(key));
        else expect(reserved).not.toContain(now.get(key));
      }
    }
  });

  test("GIVEN a range with no room beside the leaving numbers WHEN numbered THEN every key still gets a number of the range (validate refuses the peak)", () => {
    const now = assignStableNumbers(["x", "y"], 1, 3, new Map(), [1, 2]);
    expect([...now.values()].every((n) => n >= 1 && n <= 3)).toBe(true);
    expect(new Set(now.values()).size).toBe(2);
  });

  test("GIVEN an ACL rule whose block HubSpot widened WHEN planned THEN its successor takes a number free before and after the change", () => {
    const first = step(config({ firewalls: { acl: ACL } }));
    const widened = step(config({ imap: "141.193.184.0/26, 143.244.82.8/30", firewalls: { acl: ACL } }), first);
    const was = new Set([...(first.placements?.targets.get("acl")?.inbound?.values() ?? [])]);
    const now = widened.placements?.targets.get("acl")?.inbound;
    expect(now?.get("tcp/993 141.193.184.0/26")).toBeDefined();
    expect(was.has(now?.get("tcp/993 141.193.184.0/26") ?? 0)).toBe(false);
  });
});

describe("two phases when rules leave while others arrive for the same addresses", () => {
  const before = (firewalls: Record<string, string[]>) => step(config({ firewalls }));
  const widen = (firewalls: Record<string, string[]>, prior: ReturnType<typeof step>) =>
    step(config({ imap: "141.193.184.0/26, 143.244.82.8/30", smtp: "141.193.184.0/26, 143.244.82.12/30", firewalls }), prior);

  test.each([
    ["a created group", { mail: CREATED }],
    ["an existing group", { mail: EXISTING }],
    ["a network ACL", { mail: ACL }],
  ])("GIVEN HubSpot widens a /27 to a /26 on %s WHEN validated THEN TWO_PHASE_APPLY, and expand holds both blocks while contract holds the /26 alone", (_kind, firewalls) => {
    const first = before(firewalls);
    const second = widen(firewalls, first);
    expect(codes(second)).toEqual(["warning TWO_PHASE_APPLY a.yaml:13:3"]);
    expect(opened(second.policy)).toEqual(["mail tcp/587 141.193.184.0/26", "mail tcp/587 143.244.82.12/30", "mail tcp/993 141.193.184.0/26", "mail tcp/993 143.244.82.8/30"]);
    expect(opened(second.expand)).toEqual([
      "mail tcp/587 141.193.184.0/26",
      "mail tcp/587 141.193.184.0/27",
      "mail tcp/587 143.244.82.12/30",
      "mail tcp/993 141.193.184.0/26",
      "mail tcp/993 141.193.184.0/27",
      "mail tcp/993 143.244.82.8/30",
    ]);
  });

  test("GIVEN a widening synthesized WHEN the same commit is validated again THEN the same placements, leaving rules included (both phases come from one commit)", () => {
    const first = before({ mail: CREATED });
    const second = widen({ mail: CREATED }, first);
    const again = widen({ mail: CREATED }, second);
    if (!second.placements || !again.placements) throw new Error("invalid config");
    expect(renderPlacements(again.placements)).toBe(renderPlacements(second.placements));
    expect(JSON.parse(renderPlacements(second.placements)).leaving).toEqual({
      mail: { groups: [["tcp/587 141.193.184.0/27", "tcp/993 141.193.184.0/27"]], lists: { "tcp/587 141.193.184.0/27": "smtp", "tcp/993 141.193.184.0/27": "imap" } },
    });
    expect(opened(again.expand)).toEqual(opened(second.expand));
  });

  test("GIVEN a widening applied WHEN the next change comes THEN the leaving rules of the last one are forgotten", () => {
    const second = widen({ mail: CREATED }, before({ mail: CREATED }));
    const third = step(config({ imap: "141.193.184.0/26, 143.244.82.8/30", smtp: "141.193.184.0/26", firewalls: { mail: CREATED } }), second);
    expect(third.placements?.leaving).toEqual(new Map([["mail", { groups: [["tcp/587 143.244.82.12/30"]], lists: new Map([["tcp/587 143.244.82.12/30", "smtp"]]) }]]));
    expect(codes(third)).toEqual([]);
  });

  test("GIVEN a port removed while another is added WHEN validated THEN no warning: no address is needed by both configs", () => {
    const first = before({ mail: CREATED });
    const files = config({ firewalls: { mail: CREATED } });
    files["a.yaml"] = (files["a.yaml"] ?? "").replace("port: 587", "port: 465");
    const second = step(files, first);
    expect(codes(second)).toEqual([]);
    expect(second.placements?.leaving?.get("mail")?.groups?.[0]).toHaveLength(2);
  });

  test("GIVEN sources switched to prefix lists WHEN validated THEN two phases, and expand keeps the CIDR rules beside the list rules", () => {
    const first = before({ mail: CREATED });
    const second = step(config({ firewalls: { mail: [...CREATED, "sources: prefix-lists"] } }), first);
    expect(codes(second)).toEqual(["warning TWO_PHASE_APPLY a.yaml:13:3"]);
    const group = second.expand?.targets[0]?.type === "aws-security-group" ? second.expand.targets[0].groups[0] : undefined;
    expect(group?.ingress.map((i) => ("cidr" in i.content ? "cidr" : "prefix-list")).sort()).toEqual(["cidr", "cidr", "cidr", "cidr", "prefix-list", "prefix-list"]);
    expect(second.expand?.prefixLists.map((p) => p.key)).toEqual(["imap/ipv4", "smtp/ipv4"]);
  });
});

describe("the peak of an apply stays within the quota", () => {
  test("GIVEN a group at its quota WHEN a block is widened THEN APPLY_PEAK_OVER_QUOTA: the old and new rules exist together", () => {
    const tight = [...EXISTING, "maxRules: 4"];
    const first = step(config({ firewalls: { mail: tight } }));
    expect(codes(first)).toEqual([]);
    const second = step(config({ imap: "141.193.184.0/26, 143.244.82.8/30", firewalls: { mail: tight } }), first);
    expect(codes(second)).toEqual(["error APPLY_PEAK_OVER_QUOTA a.yaml:13:3", "warning TWO_PHASE_APPLY a.yaml:13:3"]);
    expect(second.diagnostics[0]?.message).toContain("holds 5 rules at once (the 4 it keeps or gains, and 1 leaving");
  });

  test("GIVEN a created group at its quota WHEN a block is widened THEN the new rule goes to a second group beside the leaving one, and a warning to attach it", () => {
    const tight = [...CREATED, "maxRules: 4"];
    const first = step(config({ firewalls: { mail: tight } }));
    const second = step(config({ imap: "141.193.184.0/26, 143.244.82.8/30", firewalls: { mail: tight } }), first);
    expect(codes(second)).toEqual(["warning NEW_SECURITY_GROUP a.yaml:13:3", "warning TWO_PHASE_APPLY a.yaml:13:3"]);
    expect(second.placements?.targets.get("mail")?.groups).toEqual([
      ["tcp/587 141.193.184.0/27", "tcp/587 143.244.82.12/30", "tcp/993 143.244.82.8/30"],
      ["tcp/993 141.193.184.0/26"],
    ]);
  });

  test("GIVEN an ACL whose range narrows WHEN rules are renumbered THEN each new number is free before and after, and the peak is counted", () => {
    const wide = step(config({ firewalls: { acl: ACL } }));
    const was = wide.placements?.targets.get("acl")?.inbound;
    const outside = [...(was?.values() ?? [])].filter((n) => n > 110).length;
    expect(outside).toBeGreaterThan(0);
    const narrow = (maxRules: number) => [...ACL.slice(0, 3), "ruleNumbers: { from: 100, to: 110 }", `maxRules: ${maxRules}`];
    const roomy = step(config({ firewalls: { acl: narrow(20) } }), wide);
    expect(codes(roomy)).toEqual([]);
    const now = roomy.placements?.targets.get("acl")?.inbound;
    const renumbered = [...(now ?? [])].filter(([key, n]) => was?.get(key) !== n);
    expect(renumbered).toHaveLength(outside);
    for (const [, n] of renumbered) expect([...(was?.values() ?? [])]).not.toContain(n);
    // 4 inbound rules, and each renumbered one still holds its old number until its successor exists.
    const tight = step(config({ firewalls: { acl: narrow(5) } }), wide);
    expect(codes(tight)).toEqual(["error APPLY_PEAK_OVER_QUOTA a.yaml:13:3"]);
    expect(tight.diagnostics[0]?.message).toContain(`holds ${4 + outside} rules at once`);
  });
});

describe("renames keep resources", () => {
  test("GIVEN a target renamed without a word WHEN validated THEN RENAME_UNCONFIRMED names the old target and the fix", () => {
    const first = step(config({ firewalls: { mail: CREATED } }));
    const second = step(config({ firewalls: { "mail-new": CREATED } }), first);
    expect(codes(second)).toContain("error RENAME_UNCONFIRMED a.yaml:13:3");
    expect(second.diagnostics.find((d) => d.code === "RENAME_UNCONFIRMED")?.hint).toBe(
      "add `renamedFrom: mail` to firewall `mail-new`: its resources are then moved (Terraform moved blocks), not re-created",
    );
  });

  test("GIVEN `renamedFrom` WHEN validated THEN valid, nothing leaves, and the groups keep the name they were created under", () => {
    const first = step(config({ firewalls: { mail: CREATED } }));
    const second = step(config({ firewalls: { "mail-new": [...CREATED, "renamedFrom: mail"] } }), first);
    expect(codes(second)).toEqual([]);
    expect(second.placements?.leaving).toBeUndefined();
    expect(second.placements?.targets.get("mail-new")).toMatchObject({ createdAs: "mail", groups: first.placements?.targets.get("mail")?.groups });
    const again = step(config({ firewalls: { "mail-new": CREATED } }), second);
    expect(again.placements?.targets.get("mail-new")?.createdAs).toBe("mail");
  });

  test("GIVEN `renamedFrom` naming a firewall still defined, or claimed twice WHEN validated THEN RENAME_CONFLICT", () => {
    const still = step(config({ firewalls: { mail: CREATED, other: [...ACL, "renamedFrom: mail"] } }));
    expect(codes(still)).toContain("error RENAME_CONFLICT a.yaml:18:3");
    const twice = step(config({ firewalls: { a1: [...ACL, "renamedFrom: old"], a2: [...EXISTING, "renamedFrom: old"] } }));
    expect(codes(twice)).toEqual(["error RENAME_CONFLICT a.yaml:19:3"]);
  });

  test("GIVEN `renamedFrom` that is not a firewall name, or the firewall's own WHEN validated THEN INVALID_RENAMED_FROM at the value", () => {
    expect(codes(step(config({ firewalls: { mail: [...CREATED, "renamedFrom: Mail_Old"] } })))).toEqual(["error INVALID_RENAMED_FROM a.yaml:18:18"]);
    expect(codes(step(config({ firewalls: { mail: [...CREATED, "renamedFrom: mail"] } })))).toEqual(["error INVALID_RENAMED_FROM a.yaml:18:18"]);
  });
});

describe("what identifies a target in AWS does not change under it", () => {
  test.each([
    ["a created group's name", CREATED, [...CREATED.slice(0, 3), "name: hubspot-mail-2"], "group name"],
    ["a created group's VPC", CREATED, [...CREATED.slice(0, 2), "vpcId: vpc-0a1b2c3d4e5f67891", "name: hubspot-mail"], "VPC"],
    ["an existing group for a created one", EXISTING, CREATED, "security group"],
    ["a created group for an existing one", CREATED, EXISTING, "security group"],
    ["the existing group", EXISTING, [...EXISTING.slice(0, 2), "securityGroupId: sg-0a1b2c3d4e5f67891"], "security group"],
    ["the network ACL", ACL, [ACL[0], ACL[1], "networkAclId: acl-0a1b2c3d4e5f67891", ACL[3]], "network ACL"],
    ["the rule group's name", NFW, [NFW[0], NFW[1], "name: hubspot-mail-2", NFW[3]], "rule group name"],
  ])("GIVEN %s changed WHEN validated THEN TARGET_IDENTITY_CHANGED, with the way through a new firewall", (_what, was, now, words) => {
    const first = step(config({ firewalls: { mail: was } }));
    const second = step(config({ firewalls: { mail: now } }), first);
    expect(codes(second)).toContain("error TARGET_IDENTITY_CHANGED a.yaml:13:3");
    const d = second.diagnostics.find((x) => x.code === "TARGET_IDENTITY_CHANGED");
    expect(d?.message).toContain(`changed its ${words} from`);
    expect(d?.hint).toContain("add the new one as another firewall (a new name)");
  });
});

describe("created groups live as long as their target", () => {
  test("GIVEN a created-group target left without domains WHEN validated THEN its group stays, empty, and the stack keeps it", () => {
    const first = step(config({ firewalls: { mail: CREATED, acl: ACL } }));
    const files = config({ firewalls: { mail: CREATED, acl: ACL } });
    files["a.yaml"] = (files["a.yaml"] ?? "").replace("firewalls: [mail, acl]", "firewalls: [acl]");
    const second = step(files, first);
    expect(codes(second)).toEqual(["warning UNUSED_FIREWALL a.yaml:13:3"]);
    expect(second.placements?.targets.get("mail")?.groups).toEqual([[]]);
    const mail = second.policy?.targets.find((t) => t.target.name === "mail");
    expect(mail?.type === "aws-security-group" && mail.groups.map((g) => [g.groupName, g.ingress.length])).toEqual([["hubspot-mail", 0]]);
  });

  test("GIVEN a rule group's target left without domains WHEN validated THEN TARGET_REMOVED at the firewall: its rule group goes", () => {
    const first = step(config({ firewalls: { mail: NFW, acl: ACL } }));
    const files = config({ firewalls: { mail: NFW, acl: ACL } });
    files["a.yaml"] = (files["a.yaml"] ?? "").replace("firewalls: [mail, acl]", "firewalls: [acl]");
    const second = step(files, first);
    expect(codes(second)).toEqual(["warning TARGET_REMOVED a.yaml:13:3", "warning UNUSED_FIREWALL a.yaml:13:3"]);
    expect(second.diagnostics[0]?.message).toContain("is used by no domain any more: the next apply of mailgate-us-east-1 destroys its rule group");
  });

  test.each([
    ["a created group", CREATED, "its security group and every rule in it. AWS refuses to delete a security group that network interfaces still use"],
    ["a rule group", NFW, "its rule group. AWS refuses to delete a rule group that a firewall policy references"],
    ["an ACL's rules", ACL, "its network ACL rules."],
  ])("GIVEN a target holding %s deleted WHEN validated THEN TARGET_REMOVED at its entry in placements.json, saying what goes", (_kind, target, says) => {
    const first = step(config({ firewalls: { mail: target, keep: EXISTING } }));
    const second = step(config({ firewalls: { keep: EXISTING } }), first);
    expect(codes(second)).toEqual([expect.stringMatching(/^warning TARGET_REMOVED \.out\/placements\.json:\d+:5$/)]);
    expect(second.diagnostics[0]?.message).toContain(says);
  });
});

describe("a commit synthesized again still says what its apply needs", () => {
  test("GIVEN a widening's placements committed WHEN the same config is validated again (as CI does) THEN still TWO_PHASE_APPLY, and the same expand phase", () => {
    const first = step(config({ firewalls: { mail: [...EXISTING, "maxRules: 5"] } }));
    const widened = config({ imap: "141.193.184.0/26, 143.244.82.8/30", firewalls: { mail: [...EXISTING, "maxRules: 5"] } });
    const second = step(widened, first);
    expect(codes(second)).toEqual(["warning TWO_PHASE_APPLY a.yaml:13:3"]);
    const again = step(widened, second);
    expect(codes(again)).toEqual(["warning TWO_PHASE_APPLY a.yaml:13:3"]);
    expect(opened(again.expand)).toEqual(opened(second.expand));
  });
});

describe("leaving rules belong to one change", () => {
  test("GIVEN a widening applied WHEN a later change moves no rule (a domain added on open ports) THEN nothing leaves: the departed rules are not created again", () => {
    const first = step(config({ firewalls: { mail: CREATED, acl: ACL } }));
    const lists = { imap: "141.193.184.0/26, 143.244.82.8/30", smtp: "141.193.184.0/26, 143.244.82.12/30" };
    const widened = step(config({ ...lists, firewalls: { mail: CREATED, acl: ACL } }), first);
    expect(widened.placements?.leaving?.size).toBe(2);
    const files = config({ ...lists, firewalls: { mail: CREATED, acl: ACL } });
    files["b.yaml"] = ["domains:", "  - domain: example.net", "    imap:", "      incoming: { host: imap.example.net, port: 993 }", "      outgoing: { host: smtp.example.net, port: 587 }", "    firewalls: [mail, acl]", ""].join("\n");
    const later = step(files, widened);
    expect(codes(later)).toEqual([]);
    expect(later.placements?.leaving).toBeUndefined();
    expect(opened(later.expand)).toEqual(opened(later.policy));
  });

  test("GIVEN an existing group's and an ACL's domains all unlisted WHEN validated THEN their rules leave in the contract phase: expand keeps them", () => {
    const first = step(config({ firewalls: { mail: EXISTING, acl: ACL, keep: CREATED } }));
    const files = config({ firewalls: { mail: EXISTING, acl: ACL, keep: CREATED } });
    files["a.yaml"] = (files["a.yaml"] ?? "").replace("firewalls: [mail, acl, keep]", "firewalls: [keep]");
    const second = step(files, first);
    expect(opened(second.policy).filter((r) => !r.startsWith("keep"))).toEqual([]);
    expect(opened(second.expand).filter((r) => r.startsWith("mail"))).toEqual(opened(first.policy).filter((r) => r.startsWith("mail")));
    expect(opened(second.expand).filter((r) => r.startsWith("acl"))).toEqual(opened(first.policy).filter((r) => r.startsWith("acl")));
  });
});

describe("a removed target leaves in the contract phase", () => {
  test("GIVEN a created-group target and an ACL target deleted while another firewall stays WHEN validated THEN TARGET_REMOVED, the expand phase still holds their groups and rules (recorded in placements.json), and the contract phase does not", () => {
    const first = step(config({ firewalls: { mail: CREATED, acl: ACL, keep: EXISTING } }));
    const second = step(config({ firewalls: { keep: EXISTING } }), first);
    expect(codes(second).map((c) => c.split(" ").slice(0, 2).join(" "))).toEqual(["warning TARGET_REMOVED", "warning TARGET_REMOVED"]);
    expect(second.diagnostics[0]?.message).toContain("the contract apply of mailgate-us-east-1 (the second phase; the expand apply keeps them) destroys");
    expect(opened(second.policy).filter((r) => !r.startsWith("keep"))).toEqual([]);
    expect(opened(second.expand).filter((r) => !r.startsWith("keep"))).toEqual(opened(first.policy).filter((r) => !r.startsWith("keep")));
    const mail = second.expand?.targets.find((t) => t.target.name === "mail");
    expect(mail?.type === "aws-security-group" && mail.groups.map((g) => g.groupName)).toEqual(["hubspot-mail"]);
    expect(second.placements?.leaving?.get("mail")).toMatchObject({ stack: "mailgate-us-east-1", vpcId: "vpc-0a1b2c3d4e5f67890", name: "hubspot-mail" });
    // The same commit again: the record is all that remains of them, and it stays.
    const again = step(config({ firewalls: { keep: EXISTING } }), second);
    expect(opened(again.expand)).toEqual(opened(second.expand));
  });
});

describe("an emptied created group removed", () => {
  test("GIVEN a created-group target left without domains, then deleted WHEN validated THEN the expand phase still holds its empty group: only the contract deletes it", () => {
    const first = step(config({ firewalls: { mail: CREATED, keep: EXISTING } }));
    const files = config({ firewalls: { mail: CREATED, keep: EXISTING } });
    files["a.yaml"] = (files["a.yaml"] ?? "").replace("firewalls: [mail, keep]", "firewalls: [keep]");
    const emptied = step(files, first);
    const gone = step(config({ firewalls: { keep: EXISTING } }), emptied);
    const mail = gone.expand?.targets.find((t) => t.target.name === "mail");
    expect(mail?.type === "aws-security-group" && mail.groups.map((g) => [g.groupName, g.ingress.length])).toEqual([["hubspot-mail", 0]]);
    expect(gone.policy?.targets.map((t) => t.target.name)).toEqual(["keep"]);
  });
});
