/**
 * Safe change, proven by real plans: one config directory and its artifacts directory edited the
 * way teams edit them, each edit synthesized by the cdktf app (so placements.json carries over,
 * as it does in git), and each stack planned by the real Terraform CLI and AWS provider against
 * the state the previous step's plan leaves (its planned values, made-up ids for what AWS would
 * compute: see stateFromPlan). The assertions read only the plans and the Terraform JSON.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { PROJECT_ROOT } from "../support/run";
import {
  assertCreateOnly,
  assertDeleteOnly,
  assertNoOp,
  changesByKind,
  describeWithTerraform,
  planStack,
  readStacks,
  synthProcessSync,
  type PlanJson,
  type TerraformState,
} from "../support/terraform";
import { ConfigWorkspace } from "../support/config-workspace";

interface Synth {
  readonly status: number | null;
  readonly stderr: string;
  /** Stack name -> cdk.tf.json text, exactly as written. */
  readonly stacks: Map<string, string>;
}

/** A config and artifacts directory across the steps of one scenario (support/config-workspace.ts), every stack planned step by step. */
class Workspace extends ConfigWorkspace {
  /** Stack name -> the state its last plan would leave. */
  private readonly states = new Map<string, TerraformState>();

  constructor(files: Record<string, string>) {
    super("mailgate-change-", files);
  }

  /** The cdktf app (main.ts, as `npm run synth` runs it), Terraform into a fresh directory each time. */
  synth(): Synth {
    const terraformOut = fs.mkdtempSync(path.join(this.root, "cdktf.out-"));
    try {
      const run = synthProcessSync({ config: this.config, out: this.out, terraformOut });
      return { status: run.status, stderr: run.stderr, stacks: run.status === 0 ? readStacks(terraformOut) : new Map() };
    } finally {
      fs.rmSync(terraformOut, { recursive: true, force: true });
    }
  }

  /** Plans every stack against the state its previous plan left, then "applies" it. */
  async planAll(synth: Synth): Promise<Map<string, PlanJson>> {
    expect(synth.status, synth.stderr).toBe(0);
    const plans = new Map<string, PlanJson>();
    for (const [name, text] of synth.stacks) {
      const result = await planStack(JSON.parse(text), { state: this.states.get(name) });
      this.states.set(name, result.appliedState);
      plans.set(name, result.plan);
    }
    return plans;
  }
}

const EXAMPLE = "examples/advanced";
const exampleFiles = (): Record<string, string> =>
  Object.fromEntries(["domains.yaml", "firewalls.yaml"].map((f) => [f, fs.readFileSync(path.join(PROJECT_ROOT, EXAMPLE, f), "utf8")]));

/** The attribute that pins a resource where it is: its group, its rule number, or the sids inside it. */
function placementOf(plan: PlanJson, address: string, when: "before" | "after"): unknown {
  const change = plan.resource_changes?.find((c) => c.address === address)?.change;
  const values = (change?.[when] ?? {}) as Record<string, unknown>;
  if ("security_group_id" in values) return values.security_group_id;
  if ("rule_number" in values) return values.rule_number;
  if ("rule_group" in values) return sidsByHeader(values);
  return undefined;
}

/** Network Firewall: `source dest:port` -> sid for every stateful rule of the group. */
function sidsByHeader(values: Record<string, unknown>): Record<string, string> {
  type Rule = { header: { source: string; destination: string; destination_port: string }[]; rule_option: { keyword: string; settings: string[] }[] };
  const group = (values.rule_group as { rules_source: { stateful_rule: Rule[] }[] }[])[0];
  return Object.fromEntries(
    group.rules_source[0].stateful_rule.map((r) => [
      `${r.header[0].source} ${r.header[0].destination}:${r.header[0].destination_port}`,
      r.rule_option.find((o) => o.keyword === "sid")?.settings[0] ?? "",
    ]),
  );
}

/** Every resource that exists before and after keeps its group, rule number and sids; no replacement. */
function expectNothingMoved(plans: Map<string, PlanJson>): void {
  for (const [stack, plan] of plans) {
    const kinds = changesByKind(plan);
    expect([stack, kinds.replace]).toEqual([stack, []]);
    for (const address of [...kinds["no-op"], ...kinds.update]) {
      const before = placementOf(plan, address, "before");
      const after = placementOf(plan, address, "after");
      if (typeof before === "object" && before !== null) {
        // A rule group: every sid that was there is still there, on the same rule.
        for (const [rule, sid] of Object.entries(before)) expect([stack, address, rule, (after as Record<string, string>)[rule] ?? sid]).toEqual([stack, address, rule, sid]);
      } else {
        expect([stack, address, after]).toEqual([stack, address, before]);
      }
    }
  }
}

describeWithTerraform("safe change: successive edits of one config, planned by real Terraform against the state each leaves", () => {
  const workspaces: Workspace[] = [];
  const workspace = (files: Record<string, string>) => {
    const w = new Workspace(files);
    workspaces.push(w);
    return w;
  };
  afterAll(() => workspaces.forEach((w) => w.remove()));

  let w: Workspace;
  let first: Synth;
  beforeAll(async () => {
    w = workspace(exampleFiles());
    first = w.synth();
    for (const plan of (await w.planAll(first)).values()) assertCreateOnly(plan);
  }, 300_000);

  test("GIVEN a domain added on ports that are open already THEN every cdk.tf.json is byte-identical and every plan a no-op", async () => {
    w.write({
      "more.yaml": "domains:\n  - domain: example.dev\n    imap:\n      incoming: { host: imap.example.dev, port: 993 }\n      outgoing: { host: smtp.example.dev, port: 587 }\n    firewalls: [mail-prefix-lists, mail-acl, mail-nfw]\n",
    });
    const next = w.synth();
    expect([...next.stacks.keys()]).toEqual([...first.stacks.keys()]);
    for (const [name, text] of first.stacks) expect([name, next.stacks.get(name) === text]).toEqual([name, true]);
    for (const plan of (await w.planAll(next)).values()) assertNoOp(plan);
  }, 300_000);

  test("GIVEN a lower port on the split target THEN only creates: no surviving rule changes group", async () => {
    w.write({
      "lower.yaml": "domains:\n  - domain: pop.example.io\n    imap:\n      incoming: { host: mail.example.io, port: 110 }\n      outgoing: { host: mail.example.io, port: 587 }\n    firewalls: [mail-split]\n",
    });
    const plans = await w.planAll(w.synth());
    const us = changesByKind(plans.get("mailgate-us-east-1") ?? ({} as PlanJson));
    expect({ create: us.create.length, update: us.update, delete: us.delete, replace: us.replace }).toEqual({ create: 6, update: [], delete: [], replace: [] });
    expect(us.create.every((address) => address.startsWith("aws_vpc_security_group_ingress_rule.mail-split_tcp110_"))).toBe(true);
    expectNothingMoved(plans);
  }, 300_000);

  test("GIVEN the same domains in reverse order, in another file THEN every cdk.tf.json is byte-identical", () => {
    const before = w.synth();
    const domains = w.read("domains.yaml");
    const [, ...entries] = domains.split(/\n(?=  - domain:)/);
    w.write({ "domains.yaml": null, "z/reversed.yaml": `domains:\n${entries.reverse().join("\n")}\n` });
    const after = w.synth();
    w.write({ "domains.yaml": domains, "z/reversed.yaml": null });
    expect(after.status, after.stderr).toBe(0);
    expect(entries.length).toBeGreaterThan(3);
    expect([...after.stacks]).toEqual([...before.stacks]);
  });

  test("GIVEN a domain removed THEN plans only destroy, and nothing that stays moves", async () => {
    w.write({ "lower.yaml": null });
    const plans = await w.planAll(w.synth());
    const us = plans.get("mailgate-us-east-1");
    expect(us && changesByKind(us).delete.length).toBe(6);
    if (us) assertDeleteOnly(us);
    expectNothingMoved(plans);
  }, 300_000);

  test("GIVEN HubSpot's lists grow by one block THEN only creates (and the rule group's in-place update): no survivor moves or is renumbered", async () => {
    w.write({
      "hubspot.yaml":
        'hubspot:\n  ipRanges:\n    source: "HubSpot View connection IPs, test account, 2026-12-01"\n' +
        "    smtp: [141.193.184.0/27, 141.193.185.0/27, 143.244.82.12/30, 143.244.87.0/25, 54.174.62.128/26, 54.174.62.192/30, 198.51.99.0/28]\n" +
        "    imap: [141.193.184.0/27, 141.193.185.0/27, 143.244.82.8/30, 143.244.87.0/25, 54.174.62.128/26, 54.174.62.196/30, 198.51.99.0/28]\n",
    });
    const plans = await w.planAll(w.synth());
    for (const [stack, plan] of plans) {
      const kinds = changesByKind(plan);
      expect([stack, kinds.delete, kinds.replace]).toEqual([stack, [], []]);
      // Only containers of many rules update in place: the prefix lists' entries, the rule group's rules.
      for (const address of kinds.update) expect(address).toMatch(/^aws_(ec2_managed_prefix_list|networkfirewall_rule_group)\./);
      expect(kinds.create.length).toBeGreaterThan(0);
    }
    expectNothingMoved(plans);
  }, 300_000);

  test("GIVEN the last firewalls of a stack removed THEN the stack is still planned and its plan only destroys", async () => {
    const domains = w.read("domains.yaml");
    // A firewall left without domains stays in its stack while it is defined (its rules leave,
    // a created group stays): the stack empties when the firewalls themselves are removed.
    const firewalls = w.read("firewalls.yaml").replace(/  # An existing network ACL[\s\S]*$/, "");
    w.write({
      "domains.yaml": domains.replace(/, mail-acl, mail-nfw\]/, "]").replace("firewalls: [mail-prefix-lists, mail-nfw]", "firewalls: [mail-prefix-lists]"),
      "firewalls.yaml": firewalls,
      "more.yaml": null,
    });
    const synth = w.synth();
    expect(synth.stderr).toContain("warning TARGET_REMOVED: Firewall `mail-acl` is gone from the config");
    expect(synth.stderr).toContain("warning EMPTY_STACK: Stack mailgate-eu-west-1 no longer has any firewall");
    expect([...synth.stacks.keys()]).toContain("mailgate-eu-west-1");
    const plans = await w.planAll(synth);
    const eu = plans.get("mailgate-eu-west-1");
    if (!eu) throw new Error("the emptied stack was not synthesized");
    assertDeleteOnly(eu);
    expect(changesByKind(eu)["no-op"]).toEqual([]);
    expect(JSON.parse(synth.stacks.get("mailgate-eu-west-1") ?? "{}").resource).toBeUndefined();
  }, 300_000);

  test("GIVEN an account added to a target THEN synth refuses at the target's line naming both stacks; with `stack:` the plan changes nothing", async () => {
    const fresh = workspace({
      "firewalls.yaml": "firewalls:\n  mail-ca:\n    type: aws-security-group\n    region: ca-central-1\n    securityGroupId: sg-0a1b2c3d4e5f67890\n",
      "domains.yaml": "domains:\n  - domain: example.com\n    imap:\n      incoming: { host: imap.example.com, port: 993 }\n      outgoing: { host: smtp.example.com, port: 587 }\n    firewalls: [mail-ca]\n",
    });
    for (const plan of (await fresh.planAll(fresh.synth())).values()) assertCreateOnly(plan);
    const firewalls = fresh.read("firewalls.yaml");
    fresh.write({ "firewalls.yaml": firewalls.replace("    region: ca-central-1\n", '    region: ca-central-1\n    account: "123456789012"\n') });
    const refused = fresh.synth();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${fresh.config}/firewalls.yaml:2:3: error STACK_MOVE: Firewall \`mail-ca\` would move from stack mailgate-ca-central-1 to stack mailgate-123456789012-ca-central-1.`);
    fresh.write({ "firewalls.yaml": firewalls.replace("    region: ca-central-1\n", '    region: ca-central-1\n    account: "123456789012"\n    stack: mailgate-ca-central-1\n') });
    const kept = fresh.synth();
    expect([...kept.stacks.keys()]).toEqual(["mailgate-ca-central-1"]);
    for (const plan of (await fresh.planAll(kept)).values()) assertNoOp(plan);
  }, 300_000);
});
