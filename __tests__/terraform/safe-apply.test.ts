/**
 * Safe apply (issue 19), proven by real plans of both phases: each edit is synthesized in both
 * phases from the same commit (config + placements.json), MAILGATE_PHASE=expand and the default
 * (contract), and each phase's stack is planned by the real Terraform CLI and AWS provider
 * against the state the previous plan leaves (see stateFromPlan). Nothing is applied: what AWS
 * would see while an apply runs is computed from the plans, assuming the worst that Terraform's
 * ordering allows:
 * - the trough of an apply: every delete runs before every create. A create-before-destroy
 *   replacement keeps whichever of its old and new values is there (both admit the addresses
 *   counted for it, the intersection); the apply graph is read to show that Terraform really
 *   orders those creates before their destroys. A rule in a security group created by the same
 *   apply admits nothing yet: no network interface can be attached to a group before it exists.
 * - the peak: every create runs before every delete: every old and every new resource at once.
 * What HubSpot must keep through the change is what both the old and the new config admit: the
 * planned values of the plan that made the prior state, and those of the contract plan.
 * Every assertion reads the plan JSON (`terraform show -json`) or the graph (`terraform graph
 * -type=apply`), never mailgate's own data; the expected addresses are computed with ipaddr.js
 * (spanOfToken, mergeSpans) from the planned CIDRs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mergeSpans, type Span } from "../policy/oracle";
import { spanOfToken } from "../support/onprem-readers";
import {
  assertCreateOnly,
  assertNoOp,
  changeKind,
  describeWithTerraform,
  planStack,
  readStacks,
  synthProcess,
  type Action,
  type PlanJson,
  type ResourceChange,
  type TerraformState,
} from "../support/terraform";
import { ConfigWorkspace } from "../support/config-workspace";

const STACK = "mailgate-us-east-1";

// ---------------------------------------------------------------------------------------------
// Synthesizing and planning, step by step

interface Synth {
  readonly status: number | null;
  readonly stderr: string;
  /** cdk.tf.json of the one stack, exactly as written; undefined when synth failed. */
  readonly stack?: string;
}

interface Step {
  readonly plan: PlanJson;
  readonly graph?: string;
}

/** A config and artifacts directory across the steps of one sequence (support/config-workspace.ts), planned step by step. */
class Workspace extends ConfigWorkspace {
  /** The state the last recorded plan leaves, and that plan (its planned values: the old config's rules). */
  state?: TerraformState;
  last?: PlanJson;

  constructor(files: Record<string, string>) {
    super("mailgate-safe-apply-", files);
  }

  placements(): string {
    return fs.readFileSync(path.join(this.out, "placements.json"), "utf8");
  }

  /** The cdktf app (main.ts, as `npm run synth` runs it) in the given phase, Terraform into a fresh directory. */
  async synth(phase: "expand" | "contract" = "contract"): Promise<Synth> {
    const terraformOut = fs.mkdtempSync(path.join(this.root, "cdktf.out-"));
    try {
      const { status, stderr } = await synthProcess({ config: this.config, out: this.out, terraformOut, phase });
      let stack: string | undefined;
      if (status === 0) {
        const stacks = readStacks(terraformOut);
        expect([...stacks.keys()]).toEqual([STACK]);
        stack = stacks.get(STACK);
      }
      return { status, stderr, stack };
    } finally {
      fs.rmSync(terraformOut, { recursive: true, force: true });
    }
  }

  /** Plans the synthesized stack against the current state; `record` (default) makes its result the current state. */
  async plan(synth: Synth, options: { graph?: boolean; record?: boolean } = {}): Promise<Step> {
    expect(synth.status, synth.stderr).toBe(0);
    // `terraform validate` only on the first plan: `plan` validates too, and each command costs seconds.
    const result = await planStack(JSON.parse(synth.stack ?? "{}"), { state: this.state, graph: options.graph, validate: this.state === undefined });
    if (options.record !== false) {
      this.state = result.appliedState;
      this.last = result.plan;
    }
    return { plan: result.plan, graph: result.applyGraph };
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the plans: rules on either side of a plan

type Side = "before" | "after";
type Values = Record<string, unknown>;

/** One rule resource as it exists on one side of a plan (in the prior state, or planned). */
interface RuleInstance {
  readonly address: string;
  readonly side: Side;
  readonly kind: "sg" | "acl";
  /** `group <vpc>/<name>` (a group in the stack), `group <sg-id>` (an existing group), `acl <acl-id>`. */
  readonly container: string;
  readonly direction: "in" | "out";
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  /** The CIDR, or the prefix list's name: what AWS compares for duplicates. */
  readonly source: string;
  readonly family: 4 | 6;
  readonly spans: Span[];
  /** AWS's count against the quota: 1, or the referenced prefix list's max_entries (the larger of both sides). */
  readonly weight: number;
  readonly ruleNumber?: number;
  /** The rule is in a security group this plan creates: no interface can use it during this apply. */
  readonly inNewGroup: boolean;
}

const sideValues = (c: ResourceChange, side: Side): Values | undefined => (c.change[side] ?? undefined) as Values | undefined;

/** The resolver of one plan: references between resources, on either side. */
class PlanIndex {
  readonly changes: ResourceChange[];
  private readonly byAddress: Map<string, ResourceChange>;
  private readonly expressions: Map<string, Record<string, unknown>>;

  constructor(readonly plan: PlanJson) {
    this.changes = (plan.resource_changes ?? []).filter((c) => c.mode === "managed");
    this.byAddress = new Map(this.changes.map((c) => [c.address, c]));
    this.expressions = new Map((plan.configuration.root_module.resources ?? []).map((r) => [r.address, (r.expressions ?? {}) as Record<string, unknown>]));
  }

  /** A string attribute: its value, or (planned and unknown) the address of the resource the configuration takes it from. */
  private attribute(c: ResourceChange, side: Side, name: string): { value: string } | { address: string } | undefined {
    const value = sideValues(c, side)?.[name];
    if (typeof value === "string" && value !== "") return { value };
    if (side === "after") {
      const references = (this.expressions.get(c.address.replace(/\[[^\]]*\]$/, ""))?.[name] as { references?: string[] } | undefined)?.references ?? [];
      for (const reference of references) {
        const match = /^(aws_[a-z0-9_]+)\.([^.[\]]+)(\.id)?$/.exec(reference);
        if (match && this.byAddress.has(`${match[1]}.${match[2]}`)) return { address: `${match[1]}.${match[2]}` };
      }
    }
    return undefined;
  }

  /** The resource of `type` whose id (on either side) is `id`. */
  private withId(type: string, id: string): ResourceChange | undefined {
    return this.changes.find((c) => c.type === type && (sideValues(c, "before")?.id === id || sideValues(c, "after")?.id === id));
  }

  private referenced(c: ResourceChange, side: Side, name: string, type: string): { change?: ResourceChange; literal?: string } {
    const found = this.attribute(c, side, name);
    if (!found) throw new Error(`${c.address} (${side}): ${name} is neither known nor a reference`);
    if ("address" in found) return { change: this.byAddress.get(found.address) };
    const change = this.withId(type, found.value);
    return change ? { change } : { literal: found.value };
  }

  /** `group <vpc>/<name>` for a group in the stack, `group <id>` for one outside it. */
  groupOf(c: ResourceChange, side: Side): { container: string; created: boolean } {
    const { change, literal } = this.referenced(c, side, "security_group_id", "aws_security_group");
    if (!change) return { container: `group ${literal}`, created: false };
    const values = sideValues(change, side) ?? sideValues(change, "after") ?? sideValues(change, "before") ?? {};
    const actions = change.change.actions;
    return { container: `group ${String(values.vpc_id)}/${String(values.name)}`, created: side === "after" && actions.length === 1 && actions[0] === "create" };
  }

  /** The prefix list a rule references: its name, entries on that side, and the larger max_entries of both sides. */
  prefixList(c: ResourceChange, side: Side): { name: string; cidrs: string[]; maxEntries: number } {
    const { change, literal } = this.referenced(c, side, "prefix_list_id", "aws_ec2_managed_prefix_list");
    if (!change) throw new Error(`${c.address} references prefix list ${literal}, which the stack does not manage`);
    const values = sideValues(change, side) ?? sideValues(change, "after") ?? {};
    const entries = (values.entry as { cidr: string }[] | undefined) ?? [];
    const maxEntries = Math.max(...(["before", "after"] as const).map((s) => Number(sideValues(change, s)?.max_entries ?? 0)));
    return { name: String(values.name), cidrs: entries.map((e) => e.cidr), maxEntries };
  }

  instance(c: ResourceChange, side: Side): RuleInstance | undefined {
    const v = sideValues(c, side);
    if (!v) return undefined;
    if (c.type === "aws_vpc_security_group_ingress_rule") {
      const { container, created } = this.groupOf(c, side);
      const cidr = (v.cidr_ipv4 ?? v.cidr_ipv6) as string | null | undefined;
      const list = cidr ? undefined : this.prefixList(c, side);
      const cidrs = cidr ? [cidr] : (list?.cidrs ?? []);
      const spans = cidrs.map(spanOfToken);
      return {
        address: c.address,
        side,
        kind: "sg",
        container,
        direction: "in",
        protocol: String(v.ip_protocol),
        fromPort: Number(v.from_port),
        toPort: Number(v.to_port),
        source: cidr ?? `prefix list ${list?.name}`,
        family: cidr ? (cidr.includes(":") ? 6 : 4) : (cidrs[0] ?? "").includes(":") ? 6 : 4,
        spans,
        weight: list ? list.maxEntries : 1,
        inNewGroup: created,
      };
    }
    if (c.type === "aws_network_acl_rule") {
      const cidr = String(v.cidr_block || v.ipv6_cidr_block);
      if (v.rule_action !== "allow") throw new Error(`${c.address}: a ${String(v.rule_action)} rule`);
      return {
        address: c.address,
        side,
        kind: "acl",
        container: `acl ${String(v.network_acl_id)}`,
        direction: v.egress ? "out" : "in",
        protocol: String(v.protocol),
        fromPort: Number(v.from_port),
        toPort: Number(v.to_port),
        source: cidr,
        family: cidr.includes(":") ? 6 : 4,
        spans: [spanOfToken(cidr)],
        weight: 1,
        ruleNumber: Number(v.rule_number),
        inNewGroup: false,
      };
    }
    return undefined;
  }
}

const isCreateBeforeDestroy = (actions: readonly Action[]) => actions.length === 2 && actions[0] === "create" && actions[1] === "delete";

/** Every rule on one side of the plan: `before` is the prior state, `after` the planned one. */
function rulesOn(index: PlanIndex, side: Side): RuleInstance[] {
  return index.changes.flatMap((c) => {
    const i = index.instance(c, side);
    return i ? [i] : [];
  });
}

/** What a set of rules lets through, per (server side, port): `<label> tcp/<ports>` in, `<label> return tcp/<ports>` out. */
type Access = Map<string, Span[]>;

function accessKey(rule: RuleInstance, labelOf: (container: string) => string): string {
  const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
  return `${labelOf(rule.container)}${rule.direction === "out" ? " return" : ""} ${rule.protocol === "6" ? "tcp" : rule.protocol}/${ports}`;
}

function accessOf(rules: readonly RuleInstance[], labelOf: (container: string) => string): Access {
  const out: Access = new Map();
  for (const rule of rules) {
    const key = accessKey(rule, labelOf);
    out.set(key, mergeSpans([...(out.get(key) ?? []), ...rule.spans]));
  }
  return out;
}

function intersectSpans(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const x of mergeSpans(a)) {
    for (const y of mergeSpans(b)) {
      if (x.family !== y.family) continue;
      const first = x.first > y.first ? x.first : y.first;
      const last = x.last < y.last ? x.last : y.last;
      if (first <= last) out.push({ family: x.family, first, last });
    }
  }
  return mergeSpans(out);
}

function intersectAccess(a: Access, b: Access): Access {
  const out: Access = new Map();
  for (const [key, spans] of a) {
    const both = intersectSpans(spans, b.get(key) ?? []);
    if (both.length > 0) out.set(key, both);
  }
  return out;
}

/** The parts of `need` that `have` lacks, as `key: first-last` lines (empty when covered). */
function uncovered(need: Access, have: Access): string[] {
  const lines: string[] = [];
  for (const [key, spans] of need) {
    for (const span of spans) {
      let at = span.first;
      for (const h of mergeSpans(have.get(key) ?? [])) {
        if (h.family !== span.family || h.last < at || h.first > span.last) continue;
        if (h.first > at) lines.push(`${key}: ${spanText(span.family, at, h.first - 1n)}`);
        at = h.last + 1n;
        if (at > span.last) break;
      }
      if (at <= span.last) lines.push(`${key}: ${spanText(span.family, at, span.last)}`);
    }
  }
  return lines.sort();
}

function spanText(family: 4 | 6, first: bigint, last: bigint): string {
  const address = (value: bigint) => {
    if (family === 6) return value.toString(16);
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
  };
  return `${address(first)}-${address(last)}`;
}

/** What the planned state admits (every rule after the plan). */
function plannedAccess(plan: PlanJson, labelOf: (container: string) => string): Access {
  return accessOf(rulesOn(new PlanIndex(plan), "after"), labelOf);
}

/**
 * The least that is admitted at any moment of the apply, whatever Terraform's order: every
 * delete done and no create yet. A rule that stays (no-op, update) or is replaced
 * create-before-destroy counts for what both its old and new values admit; a rule in a group
 * this apply creates counts for nothing.
 */
function troughAccess(plan: PlanJson, labelOf: (container: string) => string): Access {
  const index = new PlanIndex(plan);
  let out: Access = new Map();
  for (const c of index.changes) {
    const kind = changeKind(c.change.actions);
    if (!(kind === "no-op" || kind === "update" || isCreateBeforeDestroy(c.change.actions))) continue;
    const before = index.instance(c, "before");
    const after = index.instance(c, "after");
    if (!before || !after || after.inNewGroup) continue;
    const both = intersectAccess(accessOf([before], labelOf), accessOf([after], labelOf));
    const merged: Access = new Map(out);
    for (const [key, spans] of both) merged.set(key, mergeSpans([...(merged.get(key) ?? []), ...spans]));
    out = merged;
  }
  return out;
}

/** Every rule that exists at some moment of the apply: old and new at once (a replaced resource twice). */
function peakRules(plan: PlanJson): RuleInstance[] {
  const index = new PlanIndex(plan);
  return index.changes.flatMap((c) => {
    const actions = c.change.actions;
    const kind = changeKind(actions);
    const sides: Side[] = kind === "no-op" || kind === "delete" ? ["before"] : kind === "create" || kind === "update" ? ["after"] : ["before", "after"];
    return sides.flatMap((side) => {
      const i = index.instance(c, side);
      return i ? [i] : [];
    });
  });
}

/** Named AWS objects that exist at some moment of the apply: created groups and prefix lists. */
function peakNames(plan: PlanJson): string[] {
  const out: string[] = [];
  for (const c of new PlanIndex(plan).changes) {
    if (c.type !== "aws_security_group" && c.type !== "aws_ec2_managed_prefix_list") continue;
    const kind = changeKind(c.change.actions);
    const sides: Side[] = kind === "no-op" || kind === "delete" ? ["before"] : kind === "create" || kind === "update" ? ["after"] : ["before", "after"];
    for (const side of sides) {
      const v = sideValues(c, side) ?? {};
      out.push(c.type === "aws_security_group" ? `security group ${String(v.vpc_id)}/${String(v.name)}` : `prefix list ${String(v.name)}`);
    }
  }
  return out;
}

interface Quotas {
  /** Security group rules per group and family (AWS's default 60). */
  readonly securityGroup: (container: string) => number;
  /** Network ACL rules per direction and family, the default deny included (AWS's default 20). */
  readonly networkAcl: (container: string) => number;
}

const DEFAULT_QUOTAS: Quotas = { securityGroup: () => 60, networkAcl: () => 20 };

/** Everything AWS would refuse at the peak: over a quota, a rule number or an identical rule or name held twice. */
function peakProblems(plan: PlanJson, quotas: Quotas): string[] {
  const rules = peakRules(plan);
  const problems: string[] = [];
  const tally = new Map<string, { n: number; allowed: number }>();
  const add = (key: string, n: number, allowed: number) => tally.set(key, { n: (tally.get(key)?.n ?? 0) + n, allowed });
  for (const r of rules) {
    if (r.kind === "sg") add(`${r.container} IPv${r.family}`, r.weight, quotas.securityGroup(r.container));
    else add(`${r.container} ${r.direction} IPv${r.family}`, 1, quotas.networkAcl(r.container) - 1);
  }
  for (const [key, { n, allowed }] of tally) if (n > allowed) problems.push(`${key}: ${n} rules at the peak, ${allowed} allowed`);
  const held = new Map<string, string[]>();
  const hold = (key: string, by: string) => held.set(key, [...(held.get(key) ?? []), by]);
  for (const r of rules) {
    const by = `${r.address} (${r.side})`;
    if (r.kind === "acl") hold(`${r.container} ${r.direction} rule number ${r.ruleNumber}`, by);
    else hold(`${r.container} rule ${r.protocol} ${r.fromPort}-${r.toPort} from ${r.source}`, by);
  }
  for (const name of peakNames(plan)) hold(name, name);
  for (const [key, by] of held) if (by.length > 1) problems.push(`${key} held by ${by.length} at once: ${by.join(", ")}`);
  return problems.sort();
}

/** The ACL rules an expand plan creates (or creates anew) whose number a rule of the prior state holds in the same ACL and direction. */
function retakenNumbers(plan: PlanJson): string[] {
  const index = new PlanIndex(plan);
  const before = rulesOn(index, "before").filter((r) => r.kind === "acl");
  const taken = new Set(before.map((r) => `${r.container} ${r.direction} ${r.ruleNumber}`));
  return index.changes
    .filter((c) => c.type === "aws_network_acl_rule" && c.change.actions.includes("create"))
    .map((c) => index.instance(c, "after")!)
    .filter((r) => taken.has(`${r.container} ${r.direction} ${r.ruleNumber}`))
    .map((r) => `${r.address} takes ${r.direction} number ${r.ruleNumber}`);
}

/** `address: actions` for every change outside `allowed`. */
function changesOutside(plan: PlanJson, allowed: (actions: readonly Action[]) => boolean): string[] {
  return (plan.resource_changes ?? []).filter((c) => !allowed(c.change.actions)).map((c) => `${c.address}: ${c.change.actions.join(",")}`);
}

const expandAllows = (a: readonly Action[]) => (a.length === 1 && (a[0] === "no-op" || a[0] === "create" || a[0] === "update")) || isCreateBeforeDestroy(a);
const contractAllows = (a: readonly Action[]) => a.length === 1 && (a[0] === "no-op" || a[0] === "delete");

const addressesWith = (plan: PlanJson, test: (a: readonly Action[]) => boolean) =>
  (plan.resource_changes ?? []).filter((c) => test(c.change.actions)).map((c) => c.address).sort();

// ---------------------------------------------------------------------------------------------
// Reading the apply graph

interface Graph {
  readonly nodes: Set<string>;
  /** node -> the nodes it waits for (DOT `"a" -> "b"`: a runs after b). */
  readonly after: Map<string, Set<string>>;
}

function parseGraph(dot: string): Graph {
  const nodes = new Set<string>();
  const after = new Map<string, Set<string>>();
  for (const line of dot.split("\n")) {
    const edge = /^\s*"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)"/.exec(line);
    if (edge) {
      const [, from, to] = edge;
      nodes.add(from).add(to);
      after.set(from, (after.get(from) ?? new Set()).add(to));
      continue;
    }
    const node = /^\s*"((?:[^"\\]|\\.)*)" \[label/.exec(line);
    if (node) nodes.add(node[1]);
  }
  return { nodes, after };
}

function waitsFor(graph: Graph, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node === to) return true;
    if (seen.has(node)) continue;
    seen.add(node);
    stack.push(...(graph.after.get(node) ?? []));
  }
  return false;
}

/**
 * For every create-before-destroy replacement of the plan: the graph's destroy of the deposed
 * (old) object waits, through some path, for the create of the new one. Returns what is wrong.
 */
function unorderedReplacements(plan: PlanJson, dot: string): string[] {
  const graph = parseGraph(dot);
  const problems: string[] = [];
  for (const address of addressesWith(plan, isCreateBeforeDestroy)) {
    const create = `[root] ${address}`;
    const deposed = [...graph.nodes].filter((n) => n.startsWith(`[root] ${address} (destroy deposed `));
    if (!graph.nodes.has(create)) problems.push(`${address}: no create node`);
    if (deposed.length === 0) problems.push(`${address}: no "(destroy deposed ...)" node`);
    for (const node of deposed) if (!waitsFor(graph, node, create)) problems.push(`${node} does not wait for ${create}`);
  }
  return problems;
}

/** Graph nodes that destroy outside a create-before-destroy replacement: `[root] <address> (destroy)`. */
const plainDestroys = (dot: string) => [...parseGraph(dot).nodes].filter((n) => / \(destroy\)$/.test(n)).sort();
/** Graph nodes that apply a managed resource (create, update, the create of a replacement): `[root] aws_<type>.<name>`. */
const applyNodes = (dot: string) => [...parseGraph(dot).nodes].filter((n) => /^\[root\] aws_[a-z0-9_]+\.[^ ]+$/.test(n)).sort();

// ---------------------------------------------------------------------------------------------
// The checks of one change, applied in two phases

interface PhaseCheck {
  /** The plan whose planned values were the old config (the state the change starts from). */
  readonly old: PlanJson;
  readonly expand: Step;
  readonly contract: Step;
  readonly labelOf: (container: string) => string;
  readonly quotas?: Quotas;
}

/**
 * Expand only creates, updates and replaces create-before-destroy (ordered so in the graph);
 * contract only deletes; at the trough of either, everything both configs admit is admitted;
 * at the peak of either, no quota is exceeded and no number, rule or name is held twice; no ACL
 * rule expand creates takes a number of the prior state.
 */
function expectSafePhases({ old, expand, contract, labelOf, quotas = DEFAULT_QUOTAS }: PhaseCheck): void {
  expect(changesOutside(expand.plan, expandAllows), "expand: only creates, updates and create-before-destroy replacements").toEqual([]);
  expect(changesOutside(contract.plan, contractAllows), "contract: only deletes").toEqual([]);
  const need = intersectAccess(plannedAccess(old, labelOf), plannedAccess(contract.plan, labelOf));
  expect(need.size, "both configs admit something").toBeGreaterThan(0);
  expect(uncovered(need, troughAccess(expand.plan, labelOf)), "expand's trough admits what both configs need").toEqual([]);
  expect(uncovered(need, troughAccess(contract.plan, labelOf)), "contract's trough admits what both configs need").toEqual([]);
  expect(peakProblems(expand.plan, quotas), "expand's peak").toEqual([]);
  expect(peakProblems(contract.plan, quotas), "contract's peak").toEqual([]);
  expect(retakenNumbers(expand.plan), "expand takes no number of the prior state").toEqual([]);
  for (const [phase, step] of [["expand", expand], ["contract", contract]] as const) {
    if (!step.graph) continue;
    expect(unorderedReplacements(step.plan, step.graph), `${phase}: every create-before-destroy ordered in the graph`).toEqual([]);
    if (phase === "expand") expect(plainDestroys(step.graph), "expand's graph destroys nothing but deposed objects").toEqual([]);
    else expect(applyNodes(step.graph), "contract's graph creates and updates nothing").toEqual([]);
  }
}

/** The diagnostic `code` for firewall `name`, at the line of `  name:` in firewalls.yaml. */
function expectDiagnostic(w: Workspace, stderr: string, severity: "error" | "warning", code: string, name: string): void {
  const line = w.read("firewalls.yaml").split("\n").indexOf(`  ${name}:`) + 1;
  expect(line, `firewall ${name} in firewalls.yaml`).toBeGreaterThan(0);
  expect(stderr).toContain(`${w.config}/firewalls.yaml:${line}:3: ${severity} ${code}: Firewall \`${name}\``);
}

// ---------------------------------------------------------------------------------------------
// Configs

const VPC = "vpc-0a1b2c3d4e5f67890";
const EXISTING_GROUP = "sg-0a1b2c3d4e5f67890";
const ACL = "acl-0a1b2c3d4e5f67890";

/** HubSpot's lists as an account shows them: small, so one block is easy to widen. */
const hubspot = (block: string, smtpBlock = "143.244.82.12/30") =>
  "hubspot:\n  ipRanges:\n    source: \"HubSpot View connection IPs, test account, 2026-12-01\"\n" +
  `    smtp: [${block}, ${smtpBlock}]\n` +
  `    imap: [${block}, 143.244.82.8/30]\n`;

const domain = (name: string, firewalls: readonly string[], imap = 993, smtp = 587) =>
  `  - domain: ${name}\n    imap:\n      incoming: { host: imap.${name}, port: ${imap} }\n      outgoing: { host: smtp.${name}, port: ${smtp} }\n    firewalls: [${firewalls.join(", ")}]\n`;

/** Server sides by container: a target and its renamed self are the same servers. */
const labels =
  (byContainer: Record<string, string>) =>
  (container: string): string => {
    const label = byContainer[container];
    if (!label) throw new Error(`a rule in ${container}, which the test does not know`);
    return label;
  };

describeWithTerraform("safe apply: both phases of each change, planned by real Terraform against the state each leaves", () => {
  const workspaces: Workspace[] = [];
  const workspace = (files: Record<string, string>) => {
    const w = new Workspace(files);
    workspaces.push(w);
    return w;
  };
  afterAll(() => workspaces.forEach((w) => w.remove()));

  describe("a created group, an existing group and a network ACL in one stack", () => {
    const labelOf = labels({
      [`group ${VPC}/hubspot-mail-created`]: "created group",
      [`group ${EXISTING_GROUP}`]: "existing group",
      [`acl ${ACL}`]: "network ACL",
    });
    let w: Workspace;
    beforeAll(async () => {
      w = workspace({
        "hubspot.yaml": hubspot("141.193.184.0/27"),
        "firewalls.yaml":
          "firewalls:\n" +
          `  sg-created:\n    type: aws-security-group\n    region: us-east-1\n    vpcId: ${VPC}\n    name: hubspot-mail-created\n` +
          `  sg-existing:\n    type: aws-security-group\n    region: us-east-1\n    securityGroupId: ${EXISTING_GROUP}\n` +
          `  acl:\n    type: aws-network-acl\n    region: us-east-1\n    networkAclId: ${ACL}\n    ruleNumbers: { from: 100, to: 199 }\n`,
        "domains.yaml": `domains:\n${domain("example.com", ["sg-created", "sg-existing", "acl"])}`,
      });
      assertCreateOnly((await w.plan(await w.synth())).plan);
    }, 300_000);

    test("GIVEN HubSpot widens a block /27 -> /26 THEN TWO_PHASE_APPLY is warned at each target, one apply would leave the /27 unadmitted (no edge in the graph), and expand (only creates the /26 rules) then contract (only deletes the /27 ones) never do", async () => {
      w.write({ "hubspot.yaml": hubspot("141.193.184.0/26") });
      const old = w.last!;
      const single = await w.synth();
      expect(single.status, single.stderr).toBe(0);
      for (const name of ["sg-created", "sg-existing", "acl"]) expectDiagnostic(w, single.stderr, "warning", "TWO_PHASE_APPLY", name);
      const placements = w.placements();
      // Why two phases: the contract alone, applied at once, deletes each /27 with no edge in the
      // graph to the create of its /26, so at the trough the /27's addresses are admitted by nothing.
      const [once, expandSynth] = await Promise.all([w.plan(single, { graph: true, record: false }), w.synth("expand")]);
      const need = intersectAccess(plannedAccess(old, labelOf), plannedAccess(once.plan, labelOf));
      expect(uncovered(need, troughAccess(once.plan, labelOf))).toEqual(
        ["created group tcp/587", "created group tcp/993", "existing group tcp/587", "existing group tcp/993", "network ACL return tcp/1024-65535", "network ACL tcp/587", "network ACL tcp/993"].map(
          (key) => `${key}: 141.193.184.0-141.193.184.31`,
        ),
      );
      const graph = parseGraph(once.graph!);
      const gone = addressesWith(once.plan, (a) => a[0] === "delete");
      const come = addressesWith(once.plan, (a) => a[0] === "create");
      expect([gone.length, come.length]).toEqual([7, 7]);
      for (const x of gone) {
        for (const y of come) {
          expect([x, y, waitsFor(graph, `[root] ${x} (destroy)`, `[root] ${y}`) || waitsFor(graph, `[root] ${y}`, `[root] ${x} (destroy)`)]).toEqual([x, y, false]);
        }
      }

      expect(expandSynth.status, expandSynth.stderr).toBe(0);
      expect(w.placements(), "both phases of one commit leave placements.json as it was").toBe(placements);
      const [expand, contractSynth] = await Promise.all([w.plan(expandSynth), w.synth()]);
      expect(contractSynth.stack).toBe(single.stack);
      expect(w.placements()).toBe(placements);
      const contract = await w.plan(contractSynth);
      expectSafePhases({ old, expand, contract, labelOf });

      // Each target: the /26 created in expand, the /27 deleted in contract (ACL: inbound per port, and the return rule).
      const cidrOf = (plan: PlanJson, address: string, side: Side) => {
        const v = sideValues(plan.resource_changes!.find((c) => c.address === address)!, side)!;
        return String(v.cidr_ipv4 ?? v.cidr_block);
      };
      const created = addressesWith(expand.plan, (a) => a.length === 1 && a[0] === "create");
      const deleted = addressesWith(contract.plan, (a) => a.length === 1 && a[0] === "delete");
      expect(created.map((a) => cidrOf(expand.plan, a, "after"))).toEqual(created.map(() => "141.193.184.0/26"));
      expect(deleted.map((a) => cidrOf(contract.plan, a, "before"))).toEqual(deleted.map(() => "141.193.184.0/27"));
      expect(created.length).toBe(7);
      expect(deleted.length).toBe(7);
      expect(addressesWith(expand.plan, (a) => a.includes("delete"))).toEqual([]);

      // The same commit synthesized a third time (`single`, byte-identical to contract's), planned
      // against what contract leaves: nothing to do.
      assertNoOp((await w.plan(single)).plan);
    }, 300_000);

    test("GIVEN the widening applied in both phases WHEN a later commit adds a domain on ports already open THEN its expand phase re-creates nothing", async () => {
      const domains = w.read("domains.yaml");
      w.write({ "domains.yaml": domains + domain("example.org", ["sg-created", "sg-existing", "acl"]) });
      try {
        const contract = await w.synth();
        const expand = await w.synth("expand");
        expect(contract.status, contract.stderr).toBe(0);
        expect.soft(contract.stderr, "nothing leaves in this commit").not.toContain("TWO_PHASE_APPLY");
        // The placements did not change: the rules that left in the last change are still recorded as leaving.
        const { plan } = await w.plan(expand, { record: false });
        expect(addressesWith(plan, (a) => !(a.length === 1 && a[0] === "no-op")), "expand of a commit whose change was already applied").toEqual([]);
      } finally {
        w.write({ "domains.yaml": domains });
      }
    }, 300_000);

    test("GIVEN an ACL's ruleNumbers narrowed so that rules must be renumbered THEN each is replaced create-before-destroy (ordered so in the graph) with a number free in the old and new state", async () => {
      const old = w.last!;
      const numbersBefore = rulesOn(new PlanIndex(old), "after").filter((r) => r.kind === "acl").map((r) => r.ruleNumber!);
      // Keep the lower half: every rule numbered above it must move.
      const sorted = [...numbersBefore].sort((a, b) => a - b);
      const to = sorted[Math.floor(sorted.length / 2)];
      expect(sorted.some((n) => n > to)).toBe(true);
      w.edit("firewalls.yaml", "ruleNumbers: { from: 100, to: 199 }", `ruleNumbers: { from: 100, to: ${to + 20} }`);
      const outside = numbersBefore.filter((n) => n > to + 20);
      expect(outside.length, "some rules are outside the narrowed range").toBeGreaterThan(0);
      const expandSynth = await w.synth("expand");
      expect(expandSynth.status, expandSynth.stderr).toBe(0);
      const [expand, contractSynth] = await Promise.all([w.plan(expandSynth, { graph: true }), w.synth()]);
      const contract = await w.plan(contractSynth);
      expectSafePhases({ old, expand, contract, labelOf });
      const replaced = addressesWith(expand.plan, isCreateBeforeDestroy);
      expect(replaced.length).toBe(outside.length);
      for (const address of replaced) {
        const change = expand.plan.resource_changes!.find((c) => c.address === address)!;
        expect(Number(sideValues(change, "after")!.rule_number)).toBeLessThanOrEqual(to + 20);
        expect(numbersBefore).not.toContain(Number(sideValues(change, "after")!.rule_number));
      }
      // The graph was read: it holds a deposed destroy per replacement.
      expect([...parseGraph(expand.graph!).nodes].filter((n) => n.includes("(destroy deposed ")).length).toBe(replaced.length);
    }, 300_000);

    test("GIVEN a created group's name changed, or an existing group swapped for a created one THEN validate refuses at the target's line (TARGET_IDENTITY_CHANGED) and writes nothing", async () => {
      const firewalls = w.read("firewalls.yaml");
      const placements = w.placements();
      try {
        w.edit("firewalls.yaml", "name: hubspot-mail-created", "name: hubspot-mail-renamed");
        const renamed = await w.synth("expand");
        expect(renamed.status).toBe(1);
        expectDiagnostic(w, renamed.stderr, "error", "TARGET_IDENTITY_CHANGED", "sg-created");
        w.write({ "firewalls.yaml": firewalls });
        w.edit("firewalls.yaml", `securityGroupId: ${EXISTING_GROUP}`, `vpcId: ${VPC}\n    name: hubspot-mail-existing`);
        const swapped = await w.synth();
        expect(swapped.status).toBe(1);
        expectDiagnostic(w, swapped.stderr, "error", "TARGET_IDENTITY_CHANGED", "sg-existing");
        expect(w.placements()).toBe(placements);
      } finally {
        w.write({ "firewalls.yaml": firewalls });
      }
    }, 120_000);

    test("GIVEN every target renamed THEN without `renamedFrom` validate refuses (RENAME_UNCONFIRMED); with it both phases are one plan that only moves resources (moved blocks), creating and deleting nothing", async () => {
      const firewalls = w.read("firewalls.yaml");
      const domains = w.read("domains.yaml");
      const renames = [
        ["sg-created", "mail-created"],
        ["sg-existing", "mail-existing"],
        ["acl", "mail-acl"],
      ] as const;
      let renamed = firewalls;
      for (const [from, to] of renames) renamed = renamed.replace(`  ${from}:\n`, `  ${to}:\n`);
      w.write({ "firewalls.yaml": renamed, "domains.yaml": domains.replace(/\[sg-created, sg-existing, acl\]/g, "[mail-created, mail-existing, mail-acl]") });
      const unconfirmed = await w.synth();
      expect(unconfirmed.status).toBe(1);
      for (const [, to] of renames) expectDiagnostic(w, unconfirmed.stderr, "error", "RENAME_UNCONFIRMED", to);

      for (const [from, to] of renames) renamed = renamed.replace(`  ${to}:\n`, `  ${to}:\n    renamedFrom: ${from}\n`);
      w.write({ "firewalls.yaml": renamed });
      const old = w.last!;
      const expandSynth = await w.synth("expand");
      const contractSynth = await w.synth();
      expect(contractSynth.status, contractSynth.stderr).toBe(0);
      expect(expandSynth.stack, "nothing leaves: expand is contract").toBe(contractSynth.stack);
      const { plan } = await w.plan(contractSynth);
      const changes = plan.resource_changes ?? [];
      expect(changesOutside(plan, (a) => a.length === 1 && (a[0] === "no-op" || a[0] === "update"))).toEqual([]);
      const oldAddresses = (old.resource_changes ?? []).filter((c) => !c.change.actions.every((a) => a === "delete")).map((c) => c.address).sort();
      expect(changes.map((c) => c.previous_address ?? c.address).sort(), "every old resource is there, moved").toEqual(oldAddresses);
      const moved = changes.filter((c) => c.previous_address !== undefined);
      expect(moved.length).toBe(oldAddresses.length);
      for (const c of moved) expect(c.address.replace(/^[^.]+\.(mail-created|mail-existing|mail-acl)_/, "")).toBe(c.previous_address!.replace(/^[^.]+\.(sg-created|sg-existing|acl)_/, ""));
      // Nothing AWS holds changes but descriptions and tags; what is admitted is admitted throughout.
      expect(uncovered(plannedAccess(old, labelOf), troughAccess(plan, labelOf))).toEqual([]);
      expect(peakProblems(plan, DEFAULT_QUOTAS)).toEqual([]);
    }, 300_000);
  });

  describe("a created group (maxRules 12) and an existing group (maxRules 12), switching sources", () => {
    const labelOf = (container: string) => {
      if (container.startsWith(`group ${VPC}/hubspot-mail-switch`)) return "created group";
      if (container === `group ${EXISTING_GROUP}`) return "existing group";
      throw new Error(`a rule in ${container}, which the test does not know`);
    };
    const quotas: Quotas = { securityGroup: () => 12, networkAcl: () => 20 };
    let w: Workspace;
    beforeAll(async () => {
      w = workspace({
        "hubspot.yaml": hubspot("141.193.184.0/27"),
        "firewalls.yaml":
          "firewalls:\n" +
          `  sg-switch:\n    type: aws-security-group\n    region: us-east-1\n    vpcId: ${VPC}\n    name: hubspot-mail-switch\n    maxRules: 12\n` +
          `  sg-fixed:\n    type: aws-security-group\n    region: us-east-1\n    securityGroupId: ${EXISTING_GROUP}\n    maxRules: 12\n`,
        "domains.yaml": `domains:\n${domain("example.com", ["sg-switch", "sg-fixed"])}`,
      });
      assertCreateOnly((await w.plan(await w.synth())).plan);
    }, 300_000);

    test("GIVEN a change synthesized on top of an unapplied synth of another edit WHEN placements.json is restored from the base and synthesized again (the fix `mailgate diff` names) THEN both phases are safe", async () => {
      const old = w.last!;
      const base = w.placements();
      // A pull request: HubSpot's /27 widened and synthesized, then amended (another block widened) and synthesized again.
      w.write({ "hubspot.yaml": hubspot("141.193.184.0/26") });
      const first = await w.synth();
      expect(first.status, first.stderr).toBe(0);
      expectDiagnostic(w, first.stderr, "warning", "TWO_PHASE_APPLY", "sg-switch");
      w.write({ "hubspot.yaml": hubspot("141.193.184.0/26", "143.244.82.8/29") });
      expect((await w.synth()).status).toBe(0);
      // The fix: the base's placements, synthesized again, committed.
      fs.writeFileSync(path.join(w.out, "placements.json"), base);
      const expandSynth = await w.synth("expand");
      expect(expandSynth.status, expandSynth.stderr).toBe(0);
      for (const name of ["sg-switch", "sg-fixed"]) expectDiagnostic(w, expandSynth.stderr, "warning", "TWO_PHASE_APPLY", name);
      const [expand, contractSynth] = await Promise.all([w.plan(expandSynth), w.synth()]);
      const contract = await w.plan(contractSynth);
      expectSafePhases({ old, expand, contract, labelOf, quotas });
      // Per group: the /26 and the smtp /29 created, the /27s and the smtp /30 deleted.
      expect([addressesWith(expand.plan, (a) => a[0] === "create").length, addressesWith(contract.plan, (a) => a[0] === "delete").length]).toEqual([6, 6]);
    }, 300_000);

    test("GIVEN an existing group whose old and new rules would together exceed maxRules WHEN its sources switch to prefix lists THEN validate refuses (APPLY_PEAK_OVER_QUOTA)", async () => {
      const firewalls = w.read("firewalls.yaml");
      const placements = w.placements();
      try {
        // 4 CIDR rules leave, 2 rules of weight 5 arrive: 14 at the peak, 10 after, 12 allowed.
        w.edit("firewalls.yaml", `securityGroupId: ${EXISTING_GROUP}\n    maxRules: 12\n`, `securityGroupId: ${EXISTING_GROUP}\n    maxRules: 12\n    sources: prefix-lists\n`);
        const refused = await w.synth("expand");
        expect(refused.status).toBe(1);
        expectDiagnostic(w, refused.stderr, "error", "APPLY_PEAK_OVER_QUOTA", "sg-fixed");
        expect(w.placements()).toBe(placements);
      } finally {
        w.write({ "firewalls.yaml": firewalls });
      }
    }, 120_000);

    test("GIVEN a created group's sources switched cidrs -> prefix-lists WHEN applied as expand then contract THEN two phases, each group within maxRules at the peak, no moment lacks an address both need", async () => {
      w.edit("firewalls.yaml", "name: hubspot-mail-switch\n    maxRules: 12\n", "name: hubspot-mail-switch\n    maxRules: 12\n    sources: prefix-lists\n");
      const old = w.last!;
      const expandSynth = await w.synth("expand");
      expect(expandSynth.status, expandSynth.stderr).toBe(0);
      expectDiagnostic(w, expandSynth.stderr, "warning", "TWO_PHASE_APPLY", "sg-switch");
      const [expand, contractSynth] = await Promise.all([w.plan(expandSynth), w.synth()]);
      const [contract, again] = await Promise.all([w.plan(contractSynth), w.synth()]);
      expectSafePhases({ old, expand, contract, labelOf, quotas });
      // The peak is read from the plan: the first group holds its 4 leaving CIDR rules and a
      // prefix-list rule weighing 5 at once (the other prefix-list rule went to a second group).
      expect(peakProblems(expand.plan, { ...quotas, securityGroup: () => 8 })).toEqual([`group ${VPC}/hubspot-mail-switch IPv4: 9 rules at the peak, 8 allowed`]);
      // The prefix lists and their rules are created in expand, the CIDR rules deleted in contract.
      expect(addressesWith(expand.plan, (a) => a[0] === "create").filter((a) => a.startsWith("aws_ec2_managed_prefix_list.")).length).toBe(2);
      const deleted = addressesWith(contract.plan, (a) => a[0] === "delete");
      expect(deleted.length).toBe(4);
      // The same commit synthesized a third time, planned against what contract leaves: nothing to do.
      expect(again.stack).toBe(contractSynth.stack);
      assertNoOp((await w.plan(again)).plan);
    }, 300_000);

    test("GIVEN every domain unlisted from the created-group target, the target kept THEN its rules are deleted, its groups are not, and expand keeps the rules", async () => {
      const old = w.last!;
      const groups = (old.resource_changes ?? []).filter((c) => c.type === "aws_security_group").map((c) => c.address);
      expect(groups.length).toBeGreaterThan(0);
      w.write({ "domains.yaml": `domains:\n${domain("example.com", ["sg-fixed"])}` });
      const expandSynth = await w.synth("expand");
      expect.soft(expandSynth.status, `expand synth:\n${expandSynth.stderr}`).toBe(0);
      if (expandSynth.status === 0) {
        const expand = await w.plan(expandSynth, { record: false });
        expect.soft(changesOutside(expand.plan, (a) => a.length === 1 && a[0] === "no-op"), "expand keeps every rule").toEqual([]);
      }
      const contract = (await w.plan(await w.synth())).plan;
      expect(changesOutside(contract, contractAllows)).toEqual([]);
      const deleted = addressesWith(contract, (a) => a[0] === "delete");
      expect(deleted.filter((a) => a.startsWith("aws_security_group."))).toEqual([]);
      expect(deleted.filter((a) => a.startsWith("aws_vpc_security_group_ingress_rule.")).length).toBeGreaterThan(0);
      for (const group of groups) expect([group, contract.resource_changes!.find((c) => c.address === group)?.change.actions]).toEqual([group, ["no-op"]]);
      // The existing group's rules stay as they were.
      expect(uncovered(plannedAccess(old, labelOf), troughAccess(contract, labelOf)).filter((l) => l.startsWith("existing group"))).toEqual([]);
    }, 300_000);

    test("GIVEN the target deleted from the config THEN validate warns TARGET_REMOVED, synth succeeds, and the plan deletes its groups", async () => {
      const old = w.last!;
      const groups = (old.resource_changes ?? []).filter((c) => c.type === "aws_security_group").map((c) => c.address).sort();
      w.edit("firewalls.yaml", /  sg-switch:\n(    .*\n)+?(?=  sg-fixed:)/, "");
      const expandSynth = await w.synth("expand");
      expect(expandSynth.status, expandSynth.stderr).toBe(0);
      expect(expandSynth.stderr).toContain("warning TARGET_REMOVED: Firewall `sg-switch` is gone from the config");
      // The expand phase only creates and updates (README): the removal is the contract's.
      const expand = await w.plan(expandSynth, { record: false });
      expect.soft(changesOutside(expand.plan, expandAllows), "expand").toEqual([]);
      const synth = await w.synth();
      expect(synth.status, synth.stderr).toBe(0);
      const { plan } = await w.plan(synth);
      expect(changesOutside(plan, contractAllows)).toEqual([]);
      expect(addressesWith(plan, (a) => a[0] === "delete")).toEqual(groups);
    }, 300_000);
  });
});
