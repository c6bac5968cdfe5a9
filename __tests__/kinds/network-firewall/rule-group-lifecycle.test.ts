import { afterAll, describe, expect, test } from "vitest";
import { formatDiagnostic } from "../../../lib/config/format";
import { renderPlacements } from "../../../lib/policy/placements";
import { domainUsing, firewall } from "../../config/builders";
import { removeTempDirs, where } from "../../config/helpers";
import { validateFiles } from "../../support/validate-dir";

// A Network Firewall target as AWS takes it (issue 11, part 2): a rule group that admits
// something for every need, in a rule order its policy can take, which, like its capacity, is
// fixed when the group is created and so remembered in placements.json.

afterAll(removeTempDirs);

const nfw = (target: string[], name = "fw") => ({ "a.yaml": domainUsing(name), "fw.yaml": firewall({ name, type: "aws-network-firewall", target }) });

describe("rules that admit nothing", () => {
  test("GIVEN IPv6-only destinations for IPv4-only lists WHEN validated THEN refused at the firewall, word for word", () => {
    const { config, diagnostics } = validateFiles(nfw(["name: hubspot-mail", 'destinations: ["2600:1f18::25"]']));
    expect(config).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic).join("\n")).toMatchInlineSnapshot(`
      "fw.yaml:2:3: error NOTHING_ADMITTED: Firewall \`fw\` admits nothing for domain example.com from HubSpot's IMAP list (tcp/993) and HubSpot's SMTP list (tcp/587): they have only IPv4 addresses, and the firewall's \`destinations\` are all IPv6; a stateful rule pairs a source only with destinations of its own address family, so the rule group would hold no rule for them.
          2 |   fw:
            |   ^^
        hint: add the mail servers' IPv4 addresses to \`destinations\`, or remove \`fw\` from these domains' \`firewalls\`"
    `);
  });

  test("GIVEN an IPv4 and an IPv6 destination WHEN validated THEN valid: the IPv4 one serves every need", () => {
    expect(validateFiles(nfw(["name: hubspot-mail", 'destinations: [10.0.1.25, "2600:1f18::25"]'])).diagnostics).toEqual([]);
  });
});

describe("a Network Firewall rule group keeps the rule order and capacity it was created with (placements.json)", () => {
  const NFW = ["name: hubspot-mail", "destinations: [10.0.1.25]"];
  /** The placements a first synth of `files` writes; `older` drops what versions before rule order was a field did not write. */
  function placementsAfter(files: Record<string, string>, older = false): string {
    const { placements } = validateFiles(files);
    if (!placements) throw new Error("invalid config");
    const json = JSON.parse(renderPlacements(placements)) as { targets: Record<string, Record<string, unknown>> };
    if (older) for (const t of Object.values(json.targets)) delete t.ruleOrder, delete t.capacity;
    return JSON.stringify(json);
  }

  test("GIVEN a new rule group WHEN synthesized THEN AWS's default order and the computed capacity, both remembered", () => {
    const { policy, placements } = validateFiles(nfw(NFW));
    const p = policy?.targets[0];
    expect(p?.type === "aws-network-firewall" && [p.ruleOrder, p.capacity, p.capacitySource]).toEqual(["DEFAULT_ACTION_ORDER", 30, "computed"]);
    expect(placements?.targets.get("fw")).toMatchObject({ ruleOrder: "DEFAULT_ACTION_ORDER", capacity: 30 });
  });

  test("GIVEN a group an older version created WHEN synthesized again THEN it stays STRICT_ORDER with the old capacity, without a word", () => {
    const { policy, diagnostics } = validateFiles(nfw(NFW), placementsAfter(nfw(NFW), true));
    expect(diagnostics).toEqual([]);
    const p = policy?.targets[0];
    expect(p?.type === "aws-network-firewall" && [p.ruleOrder, p.capacity, p.capacitySource]).toEqual(["STRICT_ORDER", 100, "kept"]);
  });

  test("GIVEN a group an older version created WHEN `ruleOrder` asks for the other order THEN refused, naming the way to move", () => {
    const { diagnostics } = validateFiles(nfw([...NFW, "ruleOrder: DEFAULT_ACTION_ORDER"]), placementsAfter(nfw(NFW), true));
    expect(diagnostics.map(formatDiagnostic).join("\n")).toMatchInlineSnapshot(`
      "fw.yaml:2:3: error RULE_ORDER_CHANGED: Firewall \`fw\`'s rule group was created with rule order STRICT_ORDER (mailgate created every rule group with STRICT_ORDER before rule order was a field), but \`ruleOrder\` says DEFAULT_ACTION_ORDER; AWS cannot change a rule group's rule order after creation.
          2 |   fw:
            |   ^^
        hint: remove \`ruleOrder\` (or write ruleOrder: STRICT_ORDER) to keep the rule group; to move to DEFAULT_ACTION_ORDER, add a new firewall (another name and another rule group \`name\`) with ruleOrder: DEFAULT_ACTION_ORDER, attach its rule group to a firewall policy of the same rule order, then remove this firewall"
    `);
  });

  test("GIVEN a group created DEFAULT_ACTION_ORDER WHEN `ruleOrder: STRICT_ORDER` is added THEN refused", () => {
    const { diagnostics } = validateFiles(nfw([...NFW, "ruleOrder: STRICT_ORDER"]), placementsAfter(nfw(NFW)));
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${where(d)}`)).toEqual(["error RULE_ORDER_CHANGED fw.yaml:2:3"]);
    expect(diagnostics[0].hint).toContain("remove `ruleOrder` (or write ruleOrder: DEFAULT_ACTION_ORDER) to keep the rule group");
  });

  test("GIVEN a group WHEN its rules grow within the headroom THEN its capacity is kept; past it, refused: the replacement would fail while a policy references it", () => {
    const before = placementsAfter(nfw(NFW));
    const within = validateFiles(nfw(["name: hubspot-mail", "destinations: [10.0.1.25, 10.0.1.26]"]), before);
    expect(within.diagnostics).toEqual([]);
    const kept = within.policy?.targets[0];
    expect(kept?.type === "aws-network-firewall" && [kept.plannedRules.length, kept.capacity, kept.capacitySource]).toEqual([24, 30, "kept"]);

    const past = validateFiles(nfw(["name: hubspot-mail", "destinations: [10.0.1.25, 10.0.1.26, 10.0.1.27]"]), before);
    expect(past.config).toBeUndefined();
    expect(past.diagnostics.map(formatDiagnostic).join("\n")).toMatchInlineSnapshot(`
      "fw.yaml:2:3: error RULE_GROUP_REPLACED: Firewall \`fw\`'s rule group "hubspot-mail" would change capacity from 30 to 80 (its 36 rules no longer fit). Capacity is fixed at creation: Terraform would destroy the rule group first, and AWS refuses that while a firewall policy references it, so the apply would stop with its rules gone.
          2 |   fw:
            |   ^^
        hint: give some domains another firewall (a new name and rule group name) and attach its rule group; or detach this rule group from every firewall policy, add \`replaceRuleGroup: true\` for that one apply, then attach the new group (output fw_rule_group_arn)"
    `);
  });

  test("GIVEN a group past its capacity WHEN `replaceRuleGroup: true` says it is detached THEN a warning to attach the new one; once it is replaced, the flag is a warning of its own", () => {
    const before = placementsAfter(nfw(NFW));
    const three = ["name: hubspot-mail", "destinations: [10.0.1.25, 10.0.1.26, 10.0.1.27]"];
    const replaced = validateFiles(nfw([...three, "replaceRuleGroup: true"]), before);
    expect(replaced.diagnostics.map((d) => `${d.severity} ${d.code} ${where(d)}`)).toEqual(["warning RULE_GROUP_REPLACED fw.yaml:2:3"]);
    const p = replaced.policy?.targets[0];
    expect(p?.type === "aws-network-firewall" && [p.plannedRules.length, p.capacity]).toEqual([36, 80]);
    if (!replaced.placements) throw new Error("invalid config");
    const after = validateFiles(nfw([...three, "replaceRuleGroup: true"]), renderPlacements(replaced.placements));
    expect(after.diagnostics.map((d) => `${d.severity} ${d.code} ${where(d)}`)).toEqual(["warning REPLACEMENT_NOT_NEEDED fw.yaml:2:3"]);
  });

  test("GIVEN a group WHEN `capacity` is changed by hand THEN refused, and how to keep it", () => {
    const { diagnostics } = validateFiles(nfw([...NFW, "capacity: 200"]), placementsAfter(nfw(NFW)));
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${where(d)}`)).toEqual(["error RULE_GROUP_REPLACED fw.yaml:2:3"]);
    expect(diagnostics[0].hint).toContain("keep it with capacity: 30; or");
  });
});

