import { describe, expect, test } from "vitest";
import { Cidr } from "../../lib/model/cidr";
import type { AwsFirewallTarget, Config, CustomIpRanges, FirewallTarget } from "../../lib/model/config";
import { buildPolicy, type FirewallPolicy, type NetworkAclPolicy, type NetworkFirewallPolicy, type SecurityGroupPolicy } from "../../lib/policy/firewall-policy";
import { checkLifecycle } from "../../lib/policy/lifecycle";
import { SID_RANGE } from "../../lib/kinds/network-firewall/plan";
import { assignStableNumbers } from "../../lib/policy/numbering";
import { ingressKey, NO_PLACEMENTS, parsePlacements, placementsOf, renderPlacements, type Placements } from "../../lib/policy/placements";
import { packGroups } from "../../lib/policy/quota";
import { config, createdGroup, imapDomain, networkAcl, networkFirewall } from "../support/configs";

/** `n` public /32s two apart, so none aggregate: `n` rules per port. */
function spaced(n: number, base = "44.10.0.0"): Cidr[] {
  const first = Cidr.of(`${base}/32`).first;
  return Array.from({ length: n }, (_, i) => Cidr.fromRange(4, first + BigInt(2 * i), 32));
}
const lists = (smtp: Cidr[], imap: Cidr[] = smtp): CustomIpRanges => ({ source: "test", smtp, imap });

/** One synth after another: each builds on the placements the one before left. */
function synthAfter(previous: Placements, cfg: Config): { policy: FirewallPolicy; placements: Placements } {
  const policy = buildPolicy(cfg, previous);
  return { policy, placements: placementsOf(policy, previous) };
}

function groupsOf(policy: FirewallPolicy, target: string): Map<string, number> {
  const p = policy.targets.find((t) => t.target.name === target) as SecurityGroupPolicy;
  return new Map(p.groups.flatMap((g) => g.ingress.map((i) => [ingressKey(i), g.index] as const)));
}

describe("packGroups with the previous synth's groups", () => {
  const item = (port: number, n: number) => ({ port, family: 4 as const, weight: 1, key: `${port}/${n}` });
  const keyOf = (i: { key: string }) => i.key;

  test("GIVEN survivors and new rules WHEN packed THEN survivors stay put and new rules fill room before a new group", () => {
    const previous = [["993/1", "993/2"], ["587/1"]];
    const groups = packGroups([item(587, 1), item(587, 2), item(993, 1), item(993, 2), item(2525, 1)], 3, { groups: previous, keyOf });
    expect(groups.map((g) => g.map(keyOf))).toEqual([
      ["587/2", "993/1", "993/2"],
      ["587/1", "2525/1"],
    ]);
  });

  test("GIVEN a group whose rules are all gone WHEN packed THEN it is kept, empty (servers are attached to it)", () => {
    const groups = packGroups([item(587, 1)], 3, { groups: [["993/1"], ["587/1"]], keyOf });
    expect(groups.map((g) => g.map(keyOf))).toEqual([[], ["587/1"]]);
  });

  test("GIVEN maxRules lowered below a group's survivors WHEN packed THEN only the overflow moves", () => {
    const groups = packGroups([item(993, 1), item(993, 2), item(993, 3)], 2, { groups: [["993/1", "993/2", "993/3"]], keyOf });
    expect(groups.map((g) => g.map(keyOf))).toEqual([["993/1", "993/2"], ["993/3"]]);
  });
});

describe("assignStableNumbers with the previous synth's numbers", () => {
  test("GIVEN remembered numbers THEN each is kept exactly and new keys take free numbers only", () => {
    const previous = new Map([
      ["a", 105],
      ["b", 150],
    ]);
    const numbers = assignStableNumbers(["a", "b", ...Array.from({ length: 40 }, (_, i) => `new-${i}`)], 100, 199, previous);
    expect(numbers.get("a")).toBe(105);
    expect(numbers.get("b")).toBe(150);
    expect(new Set(numbers.values()).size).toBe(42);
    for (const n of numbers.values()) expect(n >= 100 && n <= 199).toBe(true);
  });

  test.each([
    ["below the range", 99],
    ["above the range", 200],
  ])("GIVEN a remembered number %s (the range changed) THEN the key is numbered afresh inside it", (_, kept) => {
    const n = assignStableNumbers(["a"], 100, 199, new Map([["a", kept]])).get("a") ?? 0;
    expect(n >= 100 && n <= 199).toBe(true);
  });
});

describe("successive synths keep what survives where it is", () => {
  const split = (maxRules: number): FirewallTarget => createdGroup("mail", "us-east-1", "hubspot-mail", { maxRules });

  test("GIVEN a split group WHEN a lower port is added THEN no surviving rule changes group, and the new group is announced", () => {
    const ipRanges = lists(spaced(8), spaced(8, "44.20.0.0"));
    const first = synthAfter(NO_PLACEMENTS, config([imapDomain("a.example", ["mail"])], [split(10)], ipRanges));
    const before = groupsOf(first.policy, "mail");
    const second = synthAfter(first.placements, config([imapDomain("a.example", ["mail"]), imapDomain("b.example", ["mail"], { imap: 143 })], [split(10)], ipRanges));
    const after = groupsOf(second.policy, "mail");
    for (const [key, group] of before) expect([key, after.get(key)]).toEqual([key, group]);
    expect(after.size).toBe(before.size + 8);
    const problems = checkLifecycle(second.policy, first.placements, []);
    expect(problems.map((p) => p.kind)).toEqual(["new-group"]);
    // Without the placements, packing whole ports in ascending order would have moved rules:
    const fresh = groupsOf(buildPolicy(config([imapDomain("a.example", ["mail"]), imapDomain("b.example", ["mail"], { imap: 143 })], [split(10)], ipRanges)), "mail");
    expect([...before].some(([key, group]) => fresh.get(key) !== group)).toBe(true);
  });

  test("GIVEN network ACL and Network Firewall rules WHEN a CIDR is added THEN every surviving number and sid is unchanged", () => {
    const targets = [networkAcl("acl", { from: 100, to: 139 }), networkFirewall("nfw")];
    const cfg = (n: number) => config([imapDomain("a.example", ["acl", "nfw"])], targets, lists(spaced(n)));
    const numbersOf = (policy: FirewallPolicy) => {
      const acl = policy.targets.find((t) => t.type === "aws-network-acl") as NetworkAclPolicy;
      const nfw = policy.targets.find((t) => t.type === "aws-network-firewall") as NetworkFirewallPolicy;
      return new Map<string, number>([
        ...acl.inbound.map((r) => [`in ${r.content.port} ${r.content.cidr}`, r.place.ruleNumber] as const),
        ...acl.outbound.map((r) => [`out ${r.content.returnTo}`, r.place.ruleNumber] as const),
        ...nfw.plannedRules.map((r) => [`sid ${r.content.port} ${r.content.cidr}`, r.place.sid] as const),
      ]);
    };
    let placements = NO_PLACEMENTS;
    let previous = new Map<string, number>();
    for (let n = 4; n <= 9; n++) {
      const next = synthAfter(placements, cfg(n));
      const now = numbersOf(next.policy);
      for (const [key, number] of previous) expect([key, now.get(key)]).toEqual([key, number]);
      previous = now;
      placements = next.placements;
    }
  });

  test("GIVEN a target given an account WHEN validated against its placements THEN the move is refused naming both stacks", () => {
    const first = synthAfter(NO_PLACEMENTS, config([imapDomain("a.example", ["mail"])], [createdGroup("mail", "ca-central-1")]));
    const moved: AwsFirewallTarget = { ...createdGroup("mail", "ca-central-1"), account: "123456789012" };
    const second = buildPolicy(config([imapDomain("a.example", ["mail"])], [moved]), first.placements);
    expect(checkLifecycle(second, first.placements, [])).toMatchObject([{ kind: "stack-move", from: "mailgate-ca-central-1", to: "mailgate-123456789012-ca-central-1" }]);
    const kept = buildPolicy(config([imapDomain("a.example", ["mail"])], [{ ...moved, stack: "mailgate-ca-central-1" }]), first.placements);
    expect(checkLifecycle(kept, first.placements, [])).toEqual([]);
  });

  test("GIVEN an explicit stack whose region changes WHEN validated THEN refused: the state describes another region", () => {
    const first = synthAfter(NO_PLACEMENTS, config([imapDomain("a.example", ["mail"])], [{ ...createdGroup("mail", "ca-central-1"), stack: "mailgate-main" }]));
    const second = buildPolicy(config([imapDomain("a.example", ["mail"])], [{ ...createdGroup("mail", "eu-west-1"), stack: "mailgate-main" }]), first.placements);
    expect(checkLifecycle(second, first.placements, [])).toMatchObject([{ kind: "stack-changed", field: "region", was: "ca-central-1", now: "eu-west-1" }]);
  });

  test("GIVEN the last domain of a stack removed WHEN synthesized THEN the stack stays in the placements, with no targets", () => {
    const first = synthAfter(NO_PLACEMENTS, config([imapDomain("a.example", ["mail"])], [createdGroup("mail", "ca-central-1")]));
    const second = synthAfter(first.placements, config([imapDomain("a.example", [])], []));
    expect([...second.placements.stacks]).toEqual([["mailgate-ca-central-1", { region: "ca-central-1", targets: [] }]]);
    expect(second.placements.targets.size).toBe(0);
  });

  test("GIVEN prefix-list rules in full groups WHEN HubSpot's list outgrows max_entries THEN refused with the figures, since AWS would refuse the modify", () => {
    const target = createdGroup("mail", "us-east-1", "hubspot-mail", { sources: "prefix-lists", maxRules: 20 });
    // 6 entries get max_entries 10: ports 993 and 587 (IMAP, SMTP lists) fill group 1 (10 + 10).
    const first = synthAfter(NO_PLACEMENTS, config([imapDomain("a.example", ["mail"])], [target], lists(spaced(6), spaced(6, "44.20.0.0"))));
    expect((first.policy.targets[0] as SecurityGroupPolicy).groups).toHaveLength(1);
    const grown = buildPolicy(config([imapDomain("a.example", ["mail"])], [target], lists(spaced(11), spaced(6, "44.20.0.0"))), first.placements);
    expect(grown.prefixLists.find((pl) => pl.key === "smtp/ipv4")).toMatchObject({ maxEntries: 15, grownFrom: 10 });
    expect(checkLifecycle(grown, first.placements, [])).toMatchObject([{ kind: "new-group" }, { kind: "prefix-list-growth", was: 10, allowed: 20 }]);
  });

  test("GIVEN fewer prefix-list entries than before WHEN synthesized THEN max_entries (every referencing rule's weight) stays", () => {
    const target = createdGroup("mail", "us-east-1", "hubspot-mail", { sources: "prefix-lists" });
    const first = synthAfter(NO_PLACEMENTS, config([imapDomain("a.example", ["mail"])], [target], lists(spaced(20))));
    const smaller = buildPolicy(config([imapDomain("a.example", ["mail"])], [target], lists(spaced(3))), first.placements);
    expect(smaller.prefixLists.map((pl) => pl.maxEntries)).toEqual(first.policy.prefixLists.map((pl) => pl.maxEntries));
  });
});

describe("placements.json", () => {
  test("GIVEN placements WHEN rendered and parsed back THEN the same placements, and the same bytes for any order", () => {
    const cfg = config(
      [imapDomain("a.example", ["mail", "acl", "nfw"])],
      [createdGroup("mail", "us-east-1", "hubspot-mail", { maxRules: 4 }), networkAcl("acl"), networkFirewall("nfw")],
    );
    const placements = placementsOf(buildPolicy(cfg), NO_PLACEMENTS);
    const text = renderPlacements(placements);
    const parsed = parsePlacements(text);
    expect("error" in parsed).toBe(false);
    expect(renderPlacements(parsed as Placements)).toBe(text);
    const reversed: Placements = {
      stacks: new Map([...placements.stacks].reverse()),
      targets: new Map([...placements.targets].reverse()),
      prefixLists: placements.prefixLists,
    };
    expect(renderPlacements(reversed)).toBe(text);
    expect(text).not.toMatch(/\/tmp|\d{4}-\d\d-\d\dT/);
  });

  test.each([
    ["not JSON", "{", /^not JSON/],
    ["another schema", '{"schemaVersion": 2}', /schemaVersion 2 is not 1/],
    ["a stack without a region", '{"schemaVersion":1,"stacks":{"s":{"targets":[]}},"targets":{},"prefixLists":{}}', /stack s: region is not a string/],
    ["a rule number that is not one", '{"schemaVersion":1,"stacks":{},"targets":{"a":{"stack":"s","inbound":{"k":0}}},"prefixLists":{}}', /inbound: "k" is not a positive integer/],
  ])("GIVEN %s THEN a reason, never a half-read file", (_, text, reason) => {
    const parsed = parsePlacements(text);
    expect("error" in parsed && parsed.error).toMatch(reason);
  });
});

/**
 * placements.json as the last synth wrote it for one target of each AWS type, all in one stack:
 * `mail` split over two groups, `acl` with inbound and outbound numbers, `nfw` with sids.
 */
function writtenPlacements(): { text: string; json: PlacementsJson } {
  const cfg = config(
    [imapDomain("a.example", ["mail", "acl", "nfw"])],
    [createdGroup("mail", "us-east-1", "hubspot-mail", { maxRules: 4 }), networkAcl("acl"), networkFirewall("nfw")],
  );
  const text = renderPlacements(placementsOf(buildPolicy(cfg), NO_PLACEMENTS));
  return { text, json: JSON.parse(text) as PlacementsJson };
}

interface PlacementsJson {
  stacks: Record<string, { region: string; targets: string[] }>;
  targets: Record<string, { stack: string; groups?: string[][]; inbound?: Record<string, number>; outbound?: Record<string, number>; sids?: Record<string, number> }>;
  [key: string]: unknown;
}

const STACK = "mailgate-us-east-1";

/** The reason parsePlacements gives for the written placements after `edit`, or "accepted". */
function refusalAfter(edit: (json: PlacementsJson) => void): string {
  const { json } = writtenPlacements();
  edit(json);
  const parsed = parsePlacements(JSON.stringify(json, null, 2));
  return "error" in parsed ? parsed.error : "accepted";
}

/** The first and second keys of a numbers map, to make two of them collide. */
const twoKeys = (map: Record<string, number> | undefined): [string, string] => {
  const keys = Object.keys(map ?? {});
  return [keys[0], keys[1]];
};

describe("placements.json that contradicts itself is refused, naming the entry", () => {
  test("GIVEN the written placements THEN they are consistent (the baseline every row below edits)", () => {
    expect(refusalAfter(() => undefined)).toBe("accepted");
    const { json } = writtenPlacements();
    expect(json.targets.mail.groups?.length).toBeGreaterThan(1);
  });

  test.each<[string, (json: PlacementsJson) => void, RegExp]>([
    ["a target whose stack the file does not have", (j) => (j.targets.mail.stack = "mailgate-nowhere"), /target mail: its stack mailgate-nowhere is not among the stacks/],
    ["a stack listing a target the file does not have", (j) => j.stacks[STACK].targets.push("ghost"), /stack mailgate-us-east-1 lists target ghost, which is not among the targets/],
    [
      "a stack listing a target whose stack is another",
      (j) => (j.stacks["mailgate-eu-west-1"] = { region: "eu-west-1", targets: ["mail"] }),
      /stack mailgate-eu-west-1 lists target mail, whose stack is mailgate-us-east-1/,
    ],
    ["a target its stack does not list", (j) => (j.stacks[STACK].targets = j.stacks[STACK].targets.filter((t) => t !== "mail")), /target mail: its stack mailgate-us-east-1 does not list it/],
    ["a stack listing a target twice", (j) => j.stacks[STACK].targets.push("mail"), /stack mailgate-us-east-1 lists target mail twice/],
    ["a rule key in two groups", (j) => j.targets.mail.groups?.[1].push(j.targets.mail.groups[0][0]), /target mail: rule key "tcp\/\d+ [^"]+" is in groups 1 and 2/],
    ["a rule key twice in one group", (j) => j.targets.mail.groups?.[0].push(j.targets.mail.groups[0][0]), /target mail: rule key "tcp\/\d+ [^"]+" is twice in group 1/],
    ["a network ACL rule number above 32766", (j) => (j.targets.acl.inbound![twoKeys(j.targets.acl.inbound)[0]] = 32767), /target acl: inbound: "[^"]+" 32767 is outside 1-32766/],
    ["a network ACL outbound number above 32766", (j) => (j.targets.acl.outbound![Object.keys(j.targets.acl.outbound!)[0]] = 40000), /target acl: outbound: "[^"]+" 40000 is outside 1-32766/],
    [
      "two inbound rules with one number",
      (j) => {
        const [a, b] = twoKeys(j.targets.acl.inbound);
        j.targets.acl.inbound![b] = j.targets.acl.inbound![a];
      },
      /target acl: inbound rule number \d+ is given to both "[^"]+" and "[^"]+"/,
    ],
    ["a sid below the sid range", (j) => (j.targets.nfw.sids![twoKeys(j.targets.nfw.sids)[0]] = 999_999), /target nfw: sids: "[^"]+" 999999 is outside 1000000-1999999/],
    ["a sid above the sid range", (j) => (j.targets.nfw.sids![twoKeys(j.targets.nfw.sids)[0]] = 2_000_000), /target nfw: sids: "[^"]+" 2000000 is outside 1000000-1999999/],
    [
      "two rules with one sid",
      (j) => {
        const [a, b] = twoKeys(j.targets.nfw.sids);
        j.targets.nfw.sids![b] = j.targets.nfw.sids![a];
      },
      /target nfw: sid \d+ is given to both "[^"]+" and "[^"]+"/,
    ],
    ["a config directory that is not a path", (j) => (j.config = 7), /config is not a string/],
    ["an empty config directory", (j) => (j.config = ""), /config is empty/],
  ])("GIVEN %s THEN refused with a reason naming it", (_, edit, reason) => {
    expect(refusalAfter(edit)).toMatch(reason);
  });

  test("GIVEN sids at both ends of the sid range the planner numbers from THEN accepted, and one past either end refused", () => {
    const withSid = (sid: number) =>
      refusalAfter((j) => {
        j.targets.nfw.sids![twoKeys(j.targets.nfw.sids)[0]] = sid;
      });
    expect([withSid(SID_RANGE.from), withSid(SID_RANGE.to)]).toEqual(["accepted", "accepted"]);
    expect(withSid(SID_RANGE.from - 1)).toMatch(/is outside/);
    expect(withSid(SID_RANGE.to + 1)).toMatch(/is outside/);
  });

  test("GIVEN the same inbound and outbound number (two directions) THEN accepted: each direction numbers its own rules", () => {
    expect(
      refusalAfter((j) => {
        const out = Object.keys(j.targets.acl.outbound!)[0];
        j.targets.acl.outbound![out] = Object.values(j.targets.acl.inbound!)[0];
      }),
    ).toBe("accepted");
  });
});

describe("placements.json with a key written twice is refused at the second one (JSON.parse would keep the last)", () => {
  /** The written text with `line` inserted after the first line that matches `after`. */
  function withLineAfter(after: RegExp, line: string): { text: string; inserted: number } {
    const lines = writtenPlacements().text.split("\n");
    const at = lines.findIndex((l) => after.test(l)) + 1;
    lines.splice(at, 0, line);
    return { text: lines.join("\n"), inserted: at + 1 };
  }

  test("GIVEN a target written twice, the stale copy last THEN refused at the stale copy's line, naming the key", () => {
    const lines = writtenPlacements().text.split("\n");
    // After the real `targets` entries, a stale `mail` in another stack: JSON.parse would keep it.
    const targetsEnd = lines.findIndex((l, i) => i > lines.indexOf('  "targets": {') && l === "  },");
    lines.splice(targetsEnd, 0, '    ,"mail": { "stack": "mailgate-us-east-1" }');
    const parsed = parsePlacements(lines.join("\n"));
    expect(parsed).toEqual({ error: expect.stringMatching(/^key "mail" is written twice in targets \(lines \d+ and \d+\)/), line: targetsEnd + 1, column: 6 });
  });

  test.each<[string, RegExp, string, RegExp]>([
    ["a top-level key", /"schemaVersion"/, '  "schemaVersion": 1,', /^key "schemaVersion" is written twice at the top level/],
    ["a stack field", /"region": "us-east-1"/, '      "region": "us-east-1",', /^key "region" is written twice in stacks\.mailgate-us-east-1/],
    ["a rule number", /"inbound": \{/, '        "tcp/993 54.174.62.128/26": 150,', /^key "tcp\/993 54\.174\.62\.128\/26" is written twice in targets\.acl\.inbound/],
    ["a key spelled with an escape", /"targets": \{$/, '    "m\\u0061il": { "stack": "mailgate-us-east-1" },', /^key "mail" is written twice in targets/],
  ])("GIVEN %s written twice THEN refused at its line", (_, after, line, reason) => {
    const { text } = withLineAfter(after, line);
    const parsed = parsePlacements(text);
    expect("error" in parsed && parsed.error).toMatch(reason);
    expect("line" in parsed && parsed.line).toBeGreaterThan(1);
  });
});

describe("placements.json records its config directory", () => {
  test("GIVEN placements with a config directory WHEN rendered THEN it follows schemaVersion and parses back the same", () => {
    const { json } = writtenPlacements();
    const parsed = parsePlacements(JSON.stringify({ ...json, config: "../config" }));
    expect("error" in parsed).toBe(false);
    const text = renderPlacements(parsed as Placements);
    expect(text.split("\n").slice(2, 4)).toEqual(['  "schemaVersion": 1,', '  "config": "../config",']);
    expect(renderPlacements(parsePlacements(text) as Placements)).toBe(text);
  });

  test("GIVEN placements written before the field existed THEN accepted, with no config directory", () => {
    const parsed = parsePlacements(writtenPlacements().text);
    expect("error" in parsed).toBe(false);
    expect((parsed as Placements).config).toBeUndefined();
  });
});
