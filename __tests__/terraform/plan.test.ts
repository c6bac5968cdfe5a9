/**
 * The Terraform tier: what the real Terraform CLI and AWS provider plan for mailgate's
 * synthesized stacks, read from `terraform show -json` with nothing of mailgate's code: the
 * expected rules come from HubSpot's lists (FACTS.md, copied in __tests__/model/facts.ts) or the
 * config's own lists, aggregated by the helper's independent minimal cover.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, expect, test } from "vitest";
import { FACTS_IMAP, FACTS_SMTP } from "../model/facts";
import { PROJECT_ROOT } from "../support/run";
import {
  assertCreateOnly,
  assertNoOp,
  describeWithTerraform,
  minimalCover,
  planStack,
  synthStacks,
  type Expression,
  type PlanJson,
  type PlanResult,
} from "../support/terraform";

type Lists = { imap: readonly string[]; smtp: readonly string[] };
type List = keyof Lists;
const PUBLISHED: Lists = { imap: FACTS_IMAP, smtp: FACTS_SMTP };

/** `${port} ${cidr}` for every block of the minimal cover of the lists that feed each port. */
function expectedAdmitted(ports: Record<number, List[]>, lists: Lists): string[] {
  return Object.entries(ports)
    .flatMap(([port, feeds]) => minimalCover(feeds.flatMap((list) => lists[list])).map((cidr) => `${port} ${cidr}`))
    .sort();
}

interface Change {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  readonly after: Record<string, unknown>;
  readonly expressions: Record<string, unknown>;
}

function changes(plan: PlanJson, type?: string): Change[] {
  const configs = new Map((plan.configuration.root_module.resources ?? []).map((r) => [r.address, r.expressions ?? {}]));
  return (plan.resource_changes ?? [])
    .filter((c) => !type || c.type === type)
    .map((c) => ({ address: c.address, type: c.type, actions: c.change.actions, after: (c.change.after ?? {}) as Record<string, unknown>, expressions: configs.get(c.address) ?? {} }));
}

/** The resource an attribute's configuration refers to (`aws_x.y`), if any. */
function referencedResource(change: Change, attribute: string): string | undefined {
  const references = (change.expressions[attribute] as Expression | undefined)?.references ?? [];
  return references.map((r) => /^(aws_[a-z0-9_]+\.[\w-]+)\.id$/.exec(r)?.[1]).find(Boolean);
}

const providerSetting = (plan: PlanJson, name: string): unknown => plan.configuration.provider_config?.aws?.expressions?.[name];

/** AWS's character set for security group (rule) descriptions, and its length limit. */
const AWS_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

/**
 * What every security group in the plan admits: group -> sorted `${port} ${cidr}` (a rule with a
 * prefix list admits the list's entries). A created group is `created:<name>`, an existing one
 * its id. Anything AWS or the design would refuse is a problem.
 */
function securityGroups(plan: PlanJson): { admitted: Map<string, string[]>; ruleCount: Map<string, number>; problems: string[] } {
  const problems: string[] = [];
  const created = new Map(changes(plan, "aws_security_group").map((g) => [g.address, `created:${String(g.after.name)}`]));
  const prefixLists = new Map(changes(plan, "aws_ec2_managed_prefix_list").map((p) => [p.address, (p.after.entry as { cidr: string }[]).map((e) => e.cidr)]));
  const admitted = new Map<string, string[]>();
  const ruleCount = new Map<string, number>();
  for (const rule of changes(plan, "aws_vpc_security_group_ingress_rule")) {
    const a = rule.after;
    const groupRef = referencedResource(rule, "security_group_id");
    const group = groupRef ? created.get(groupRef) : (a.security_group_id as string | undefined);
    if (!group) {
      problems.push(`${rule.address}: security group ${groupRef ?? "?"} not in the plan`);
      continue;
    }
    if (a.ip_protocol !== "tcp") problems.push(`${rule.address}: ip_protocol ${String(a.ip_protocol)}`);
    if (typeof a.from_port !== "number" || a.from_port !== a.to_port) problems.push(`${rule.address}: ports ${String(a.from_port)}-${String(a.to_port)}`);
    if (a.referenced_security_group_id != null) problems.push(`${rule.address}: references a security group`);
    const listRef = referencedResource(rule, "prefix_list_id");
    const sources = [a.cidr_ipv4 != null, a.cidr_ipv6 != null, listRef !== undefined || a.prefix_list_id != null].filter(Boolean).length;
    if (sources !== 1) problems.push(`${rule.address}: ${sources} sources`);
    if (typeof a.cidr_ipv4 === "string" && a.cidr_ipv4.includes(":")) problems.push(`${rule.address}: IPv6 in cidr_ipv4`);
    if (typeof a.cidr_ipv6 === "string" && !a.cidr_ipv6.includes(":")) problems.push(`${rule.address}: IPv4 in cidr_ipv6`);
    const cidrs = listRef ? (prefixLists.get(listRef) ?? []) : [String(a.cidr_ipv4 ?? a.cidr_ipv6)];
    if (listRef && !prefixLists.has(listRef)) problems.push(`${rule.address}: prefix list ${listRef} not in the plan`);
    const entries = admitted.get(group) ?? [];
    for (const cidr of cidrs) {
      const entry = `${String(a.from_port)} ${cidr}`;
      if (entries.includes(entry)) problems.push(`${rule.address}: ${entry} admitted twice in ${group}`);
      entries.push(entry);
    }
    admitted.set(group, entries);
    ruleCount.set(groupRef ?? group, (ruleCount.get(groupRef ?? group) ?? 0) + 1);
  }
  for (const list of admitted.values()) list.sort();
  return { admitted, ruleCount, problems };
}

/** Every description in the plan (top level and nested), for AWS's limits. */
function descriptionProblems(plan: PlanJson): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, where: string, strictCharset: boolean): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`, strictCharset));
    else if (value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) {
        if (k === "description" && typeof v === "string") {
          if (v.length > 255) problems.push(`${where}.description: ${v.length} characters`);
          if (strictCharset && !AWS_DESCRIPTION.test(v)) problems.push(`${where}.description outside AWS's character set: ${JSON.stringify(v)}`);
        } else walk(v, `${where}.${k}`, strictCharset);
      }
  };
  for (const c of changes(plan)) walk(c.after, c.address, c.type === "aws_security_group" || c.type === "aws_vpc_security_group_ingress_rule");
  return problems;
}

const countOf = (plan: PlanJson, type: string) => changes(plan, type).filter((c) => c.actions.join() === "create").length;
const typesIn = (plan: PlanJson) => [...new Set(changes(plan).map((c) => c.type))].sort();

/**
 * Synthesizes `configDir`, plans every stack on an empty state (in beforeAll), and registers the
 * checks every config gets: the stacks named, only creates, AWS's description limits, and the
 * state builder's self-check (the same stack planned against its applied state: no-op).
 */
function plannedConfig(configDir: string, expectedStacks: readonly string[]): () => ReadonlyMap<string, PlanResult> {
  const planned = new Map<string, PlanResult>();
  let stacks: Record<string, unknown> = {};
  beforeAll(async () => {
    stacks = synthStacks(configDir);
    for (const [name, json] of Object.entries(stacks)) planned.set(name, await planStack(json));
  }, 240_000);

  test("every stack of manifest.json initialises, validates and plans", () => {
    expect([...planned.keys()].sort()).toEqual([...expectedStacks].sort());
  });

  test.each(expectedStacks)("%s: only creates on an empty state, descriptions within AWS's limits", (name) => {
    const { plan } = planned.get(name)!;
    assertCreateOnly(plan);
    expect(plan.errored ?? false).toBe(false);
    expect(descriptionProblems(plan)).toEqual([]);
    expect(providerSetting(plan, "region")).toEqual({ constant_value: name.replace(/^mailgate-(\d{12}-)?/, "") });
  });

  test.each(expectedStacks)("%s: planned again against the state its plan would leave, a no-op (the state builder is faithful)", async (name) => {
    const first = planned.get(name)!;
    const again = await planStack(stacks[name], { state: first.appliedState });
    assertNoOp(again.plan);
    expect(again.plan.resource_changes?.length).toBe(first.plan.resource_changes?.length);
  }, 120_000);

  return () => planned;
}

describeWithTerraform("config/ (the shipped example) planned by Terraform", () => {
  const planned = plannedConfig(path.join(PROJECT_ROOT, "config"), ["mailgate-eu-central-1", "mailgate-us-east-1"]);

  test("mail-use1: one created group and 18 rules, exactly HubSpot's IMAP list on 993 and SMTP list on 587 and 465", () => {
    const { plan } = planned().get("mailgate-us-east-1")!;
    expect(typesIn(plan)).toEqual(["aws_security_group", "aws_vpc_security_group_ingress_rule"]);
    expect(countOf(plan, "aws_vpc_security_group_ingress_rule")).toBe(18);
    const [group] = changes(plan, "aws_security_group");
    expect(group.after).toMatchObject({ name: "hubspot-mail-ingress", vpc_id: "vpc-0a1b2c3d4e5f67890" });
    const sg = securityGroups(plan);
    expect(sg.problems).toEqual([]);
    expect(Object.fromEntries(sg.admitted)).toEqual({ "created:hubspot-mail-ingress": expectedAdmitted({ 993: ["imap"], 587: ["smtp"], 465: ["smtp"] }, PUBLISHED) });
  });

  test("exchange-dmz: 6 rules on the existing group, both lists aggregated on 443", () => {
    const { plan } = planned().get("mailgate-eu-central-1")!;
    expect(typesIn(plan)).toEqual(["aws_vpc_security_group_ingress_rule"]);
    expect(countOf(plan, "aws_vpc_security_group_ingress_rule")).toBe(6);
    const sg = securityGroups(plan);
    expect(sg.problems).toEqual([]);
    expect(Object.fromEntries(sg.admitted)).toEqual({ "sg-0a1b2c3d4e5f67890": expectedAdmitted({ 443: ["imap", "smtp"] }, PUBLISHED) });
  });

  test("no stack is pinned to an account or assumes a role", () => {
    for (const { plan } of planned().values()) {
      expect(providerSetting(plan, "allowed_account_ids")).toBeUndefined();
      expect(providerSetting(plan, "assume_role")).toBeUndefined();
    }
  });

  test("in the applied state, every rule's security_group_id is its created group's made-up id", () => {
    const { appliedState } = planned().get("mailgate-us-east-1")!;
    const groups = appliedState.resources.filter((r) => r.type === "aws_security_group");
    const rules = appliedState.resources.filter((r) => r.type === "aws_vpc_security_group_ingress_rule");
    expect(groups).toHaveLength(1);
    const groupId = groups[0].instances[0].attributes.id;
    expect(groupId).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(rules).toHaveLength(18);
    for (const rule of rules) expect(rule.instances[0].attributes.security_group_id).toBe(groupId);
    expect(appliedState.outputs["mail-use1_security_group_id"]).toEqual({ value: groupId, type: "string" });
  });
});

describeWithTerraform("the valid fixture (own IPv4 and IPv6 lists, a custom Exchange port) planned by Terraform", () => {
  const planned = plannedConfig(path.join(PROJECT_ROOT, "__tests__", "fixtures", "config", "valid"), ["mailgate-eu-central-1", "mailgate-us-east-1"]);
  // __tests__/fixtures/config/valid/hubspot.yaml
  const lists: Lists = { smtp: ["143.244.82.13", "141.193.184.0/27", "2600:1f18:4a3:6901::/64", "143.244.82.12"], imap: ["143.244.82.8", "141.193.184.0/27"] };

  test("mail-use1 (created): the config's IMAP list on 993, its SMTP list on 587, IPv6 in cidr_ipv6", () => {
    const { plan } = planned().get("mailgate-us-east-1")!;
    const sg = securityGroups(plan);
    expect(sg.problems).toEqual([]);
    expect(Object.fromEntries(sg.admitted)).toEqual({ "created:hubspot-mail-ingress": expectedAdmitted({ 993: ["imap"], 587: ["smtp"] }, lists) });
    expect(changes(plan, "aws_vpc_security_group_ingress_rule").filter((r) => r.after.cidr_ipv6 != null).map((r) => r.after.cidr_ipv6)).toEqual(["2600:1f18:4a3:6901::/64"]);
  });

  test("exchange-dmz (existing): both domains' ports, the Exchange URL's port 8443 with both lists", () => {
    const { plan } = planned().get("mailgate-eu-central-1")!;
    const sg = securityGroups(plan);
    expect(sg.problems).toEqual([]);
    expect(Object.fromEntries(sg.admitted)).toEqual({ "sg-0a1b2c3d4e5f67890": expectedAdmitted({ 993: ["imap"], 587: ["smtp"], 8443: ["imap", "smtp"] }, lists) });
  });
});

describeWithTerraform("examples/advanced (prefix lists, a split group, a network ACL, a Network Firewall rule group) planned by Terraform", () => {
  const planned = plannedConfig(path.join(PROJECT_ROOT, "examples", "advanced"), ["mailgate-eu-west-1", "mailgate-us-east-1"]);
  const cover = (...feeds: List[]) => minimalCover(feeds.flatMap((list) => PUBLISHED[list]));

  test("mail-prefix-lists: one rule per port, each referencing a prefix list of exactly that port's cover", () => {
    const { plan } = planned().get("mailgate-us-east-1")!;
    const lists = changes(plan, "aws_ec2_managed_prefix_list");
    for (const list of lists) {
      const entries = list.after.entry as { cidr: string }[];
      expect(list.after.address_family).toBe("IPv4");
      expect(entries.length).toBeLessThanOrEqual(list.after.max_entries as number);
    }
    const sg = securityGroups(plan);
    expect(sg.problems).toEqual([]);
    expect(sg.admitted.get("created:hubspot-mail-ingress")).toEqual(expectedAdmitted({ 993: ["imap"], 587: ["smtp"], 443: ["imap", "smtp"] }, PUBLISHED));
    expect(sg.ruleCount.get("aws_security_group.mail-prefix-lists_group")).toBe(3);
    expect(lists.map((l) => (l.after.entry as { cidr: string }[]).map((e) => e.cidr).sort()).sort()).toEqual(
      [cover("imap"), cover("smtp"), cover("imap", "smtp")].map((c) => [...c].sort()).sort(),
    );
  });

  test("mail-split (maxRules 20): 30 rules over two created groups of at most 20, together exactly the five ports' covers", () => {
    const { plan } = planned().get("mailgate-us-east-1")!;
    const sg = securityGroups(plan);
    const split = ["created:hubspot-mail-split", "created:hubspot-mail-split-2"];
    expect(split.every((g) => sg.admitted.has(g))).toBe(true);
    const together = split.flatMap((g) => sg.admitted.get(g) ?? []).sort();
    expect(together).toEqual(expectedAdmitted({ 993: ["imap"], 465: ["smtp"], 143: ["imap"], 587: ["smtp"], 8443: ["imap", "smtp"] }, PUBLISHED));
    for (const g of split) expect((sg.admitted.get(g) ?? []).length).toBeLessThanOrEqual(20);
    expect(together).toHaveLength(30);
  });

  test("mail-acl: inbound rules (egress false) on the ports, outbound (egress true) to 1024-65535, numbered inside 100-199", () => {
    const { plan } = planned().get("mailgate-eu-west-1")!;
    const rules = changes(plan, "aws_network_acl_rule").map((r) => r.after);
    for (const r of rules) {
      expect(r).toMatchObject({ network_acl_id: "acl-0a1b2c3d4e5f67890", protocol: "6", rule_action: "allow" });
      expect(r.rule_number).toBeGreaterThanOrEqual(100);
      expect(r.rule_number).toBeLessThanOrEqual(199);
    }
    const inbound = rules.filter((r) => r.egress === false);
    const outbound = rules.filter((r) => r.egress === true);
    expect(inbound.length + outbound.length).toBe(rules.length);
    for (const direction of [inbound, outbound]) expect(new Set(direction.map((r) => r.rule_number)).size).toBe(direction.length);
    expect(inbound.every((r) => r.from_port === r.to_port)).toBe(true);
    expect(inbound.map((r) => `${String(r.from_port)} ${String(r.cidr_block)}`).sort()).toEqual(expectedAdmitted({ 993: ["imap"], 587: ["smtp"] }, PUBLISHED));
    expect(outbound.every((r) => r.from_port === 1024 && r.to_port === 65535)).toBe(true);
    expect(outbound.map((r) => String(r.cidr_block)).sort()).toEqual([...cover("imap", "smtp")].sort());
    // AWS's default quota: 20 rules per direction, the default deny rule included.
    expect(inbound.length).toBeLessThanOrEqual(19);
    expect(outbound.length).toBeLessThanOrEqual(19);
  });

  test("mail-nfw: a stateful group of PASS TCP rules with unique sids, every destination x port x block, within capacity, in the rule order asked", () => {
    const { plan } = planned().get("mailgate-eu-west-1")!;
    const [group] = changes(plan, "aws_networkfirewall_rule_group");
    expect(group.after).toMatchObject({ type: "STATEFUL", name: "hubspot-mail-ingress" });
    type Rule = { action: string; header: Record<string, string>[]; rule_option: { keyword: string; settings: string[] }[] };
    const ruleGroup = (group.after.rule_group as { rules_source: { stateful_rule: Rule[] }[]; stateful_rule_options: { rule_order: string }[] }[])[0];
    // The order the config names, else one AWS accepts (which one is mailgate's default to choose).
    const asked = (parseYaml(fs.readFileSync(path.join(PROJECT_ROOT, "examples", "advanced", "firewalls.yaml"), "utf8")) as { firewalls: Record<string, { ruleOrder?: string }> }).firewalls["mail-nfw"].ruleOrder;
    if (asked) expect(ruleGroup.stateful_rule_options[0].rule_order).toBe(asked);
    else expect(["DEFAULT_ACTION_ORDER", "STRICT_ORDER"]).toContain(ruleGroup.stateful_rule_options[0].rule_order);
    const rules = ruleGroup.rules_source[0].stateful_rule;
    const sids = rules.map((r) => r.rule_option.find((o) => o.keyword === "sid")?.settings[0]);
    expect(sids.every((sid) => sid !== undefined && /^\d+$/.test(sid))).toBe(true);
    expect(new Set(sids).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.action).toBe("PASS");
      expect(r.header[0]).toMatchObject({ protocol: "TCP", direction: "FORWARD", source_port: "ANY" });
    }
    const admitted = rules.map((r) => `${r.header[0].destination} ${r.header[0].destination_port} ${r.header[0].source}`).sort();
    const expected = ["10.0.1.25/32", "10.0.2.0/28"].flatMap((destination) => expectedAdmitted({ 993: ["imap"], 587: ["smtp"], 443: ["imap", "smtp"] }, PUBLISHED).map((e) => `${destination} ${e}`)).sort();
    expect(admitted).toEqual(expected);
    expect(rules.length).toBeLessThanOrEqual(group.after.capacity as number);
  });
});
