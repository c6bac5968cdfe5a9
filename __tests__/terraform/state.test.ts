/**
 * The helpers' own guarantees: the state stateFromPlan builds follows deletes, updates and
 * replacements as Terraform would apply them, and the no-op check sees a difference when there
 * is one (plan.test.ts shows it sees none when there is none). The pure helpers run without
 * Terraform.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { FACTS_IMAP, FACTS_SMTP } from "../model/facts";
import { PROJECT_ROOT } from "../support/run";
import {
  assertCreateOnly,
  assertDeleteOnly,
  assertNoOp,
  changeKind,
  changesByKind,
  describeChange,
  describeWithTerraform,
  minimalCover,
  planStack,
  replaced,
  synthStacks,
  updated,
  type PlanJson,
  type PlanResult,
  type TerraformState,
} from "../support/terraform";

type Stack = { resource: Record<string, Record<string, Record<string, unknown>>> };
const RULE = "aws_vpc_security_group_ingress_rule";

function attributesOf(state: TerraformState, address: string): Record<string, unknown> {
  const resource = state.resources.find((r) => `${r.type}.${r.name}` === address);
  if (!resource) throw new Error(`${address} not in the state`);
  return resource.instances[0].attributes;
}

describeWithTerraform("stateFromPlan follows every kind of change, and the no-op check has teeth", () => {
  let stack: Stack;
  let first: PlanResult;
  beforeAll(async () => {
    stack = synthStacks(path.join(PROJECT_ROOT, "config"))["mailgate-us-east-1"] as Stack;
    first = await planStack(stack);
  }, 120_000);

  /** The stack less its first rule, and the applied state with the second rule's description and the third's group changed by hand. */
  function tamperedCase() {
    const rules = Object.keys(stack.resource[RULE]).sort();
    const [removed, retitled, moved] = rules.map((name) => `${RULE}.${name}`);
    const smaller = structuredClone(stack);
    delete smaller.resource[RULE][rules[0]];
    const tampered = structuredClone(first.appliedState);
    attributesOf(tampered, retitled).description = "tampered by hand";
    attributesOf(tampered, moved).security_group_id = "sg-0fffffffffffffff0";
    return { rules, removed, retitled, moved, smaller, tampered };
  }

  test("GIVEN a rule removed from the stack and the applied state tampered with (a description, a group id) WHEN planned THEN one delete, one update, one replacement; the state that plan leaves is planned again to a no-op", async () => {
    const { rules, removed, retitled, moved, smaller, tampered } = tamperedCase();
    expect(rules.length).toBeGreaterThan(3);
    const groupId = attributesOf(first.appliedState, "aws_security_group.mail-use1_group").id;
    const original = attributesOf(first.appliedState, retitled).description;

    const { plan, appliedState } = await planStack(smaller, { state: tampered });
    const kinds = changesByKind(plan);
    expect({ delete: kinds.delete, update: kinds.update, replace: kinds.replace, create: kinds.create }).toEqual({ delete: [removed], update: [retitled], replace: [moved], create: [] });
    expect(kinds["no-op"]).toHaveLength(rules.length - 3 + 1);
    expect(replaced(plan, moved) && updated(plan, retitled)).toBe(true);
    expect(describeChange(plan, retitled)).toEqual([`description: "tampered by hand" -> ${JSON.stringify(original)}`]);

    // As if applied: the deleted rule gone, the updated one as configured, the replaced one back
    // in its group; lineage kept, serial one more.
    expect(appliedState.resources.map((r) => `${r.type}.${r.name}`)).not.toContain(removed);
    expect(appliedState.resources).toHaveLength(rules.length);
    expect(attributesOf(appliedState, retitled).description).toBe(original);
    expect(attributesOf(appliedState, moved).security_group_id).toBe(groupId);
    expect(appliedState.lineage).toBe(tampered.lineage);
    expect(appliedState.serial).toBe(tampered.serial + 1);

    const again = await planStack(smaller, { state: appliedState });
    assertNoOp(again.plan);
    expect(() => assertNoOp(plan)).toThrow(/3 resource\(s\) differ:[\s\S]*description: "tampered by hand" ->/);
  }, 120_000);

  test("GIVEN the schema proxy (each command is shown only the types of its stack and state) THEN terraform show -json prints the same plan as with the provider's whole schema: a delete, an update, a replacement and no-ops", async () => {
    const { smaller, tampered } = tamperedCase();
    const viaProxy = await planStack(smaller, { state: tampered });
    const direct = await planStack(smaller, { state: tampered, schemaProxy: false });
    const withoutTimestamp = (plan: PlanJson) => ({ ...plan, timestamp: undefined });
    expect(withoutTimestamp(viaProxy.plan)).toEqual(withoutTimestamp(direct.plan));
    expect(viaProxy.appliedState.resources).toEqual(direct.appliedState.resources);
  }, 120_000);

  test("GIVEN every rule removed WHEN planned against the applied state THEN only deletes, and the group stays", async () => {
    const groupOnly = structuredClone(stack);
    delete groupOnly.resource[RULE];
    const { plan, appliedState } = await planStack(groupOnly, { state: first.appliedState });
    assertDeleteOnly(plan);
    expect(changesByKind(plan).delete).toHaveLength(18);
    expect(appliedState.resources.map((r) => `${r.type}.${r.name}`)).toEqual(["aws_security_group.mail-use1_group"]);
    expect(Object.keys(appliedState.outputs).sort()).toEqual(["mail-use1_security_group_id", "mail-use1_security_group_ids"]);
  }, 120_000);
});

describe("the plan helpers, on hand-made plans (no Terraform needed)", () => {
  const plan = (actions: Record<string, string[]>): PlanJson =>
    ({
      format_version: "1.2",
      terraform_version: "1.11.4",
      planned_values: { root_module: {} },
      configuration: { root_module: {} },
      resource_changes: Object.entries(actions).map(([address, a]) => ({
        address,
        mode: "managed",
        type: address.split(".")[0],
        name: address.split(".")[1],
        provider_name: "registry.terraform.io/hashicorp/aws",
        change: { actions: a, before: a.includes("create") ? null : { from_port: 1 }, after: { from_port: 2 }, after_unknown: {} },
      })),
    }) as PlanJson;

  test.each([
    [["no-op"], "no-op"],
    [["create"], "create"],
    [["delete"], "delete"],
    [["update"], "update"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
  ] as const)("actions %j are %s", (actions, kind) => expect(changeKind(actions)).toBe(kind));

  test("each assertion names the offending address, its actions and what changes", () => {
    const p = plan({ "aws_x.a": ["create"], "aws_x.b": ["update"], "aws_x.c": ["no-op"] });
    expect(() => assertNoOp(p)).toThrow(/2 resource\(s\) differ:\n  aws_x\.a: create\n  aws_x\.b: update\n      from_port: 1 -> 2$/);
    expect(() => assertCreateOnly(p)).toThrow(/aws_x\.b: update/);
    expect(() => assertDeleteOnly(plan({ "aws_x.c": ["no-op"] }))).toThrow(/deletes nothing/);
    expect(() => assertCreateOnly(plan({}))).toThrow(/no resources/);
    expect(() => assertNoOp(plan({ "aws_x.c": ["no-op"] }))).not.toThrow();
  });

  test("minimalCover: FACTS.md's lists are 6 blocks each (264 addresses), their union 6 blocks", () => {
    const size = (cidr: string) => 2 ** (32 - Number(cidr.split("/")[1]));
    for (const list of [FACTS_SMTP, FACTS_IMAP]) {
      expect(minimalCover(list)).toHaveLength(6);
      expect(minimalCover(list).reduce((n, c) => n + size(c), 0)).toBe(264);
    }
    expect(minimalCover([...FACTS_SMTP, ...FACTS_IMAP])).toEqual(["54.174.62.128/26", "54.174.62.192/29", "141.193.184.0/27", "141.193.185.0/27", "143.244.82.8/29", "143.244.87.0/25"]);
    expect(minimalCover(["2600:1f18:4a3:6901::1", "10.0.0.1", "10.0.0.0/31", "2600:1f18:4a3:6901::/127"])).toEqual(["10.0.0.0/31", "2600:1f18:4a3:6901::/127"]);
    expect(minimalCover(["10.0.0.1/24"])).toEqual(["10.0.0.0/24"]);
  });
});
