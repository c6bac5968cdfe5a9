import type { RuleOrder } from "../model/config";
import { stackIdentity, stackName, type StackIdentity } from "../model/stack";
import { isAwsPolicy, type AwsTargetPolicy, type FirewallPolicy, type IngressRule } from "./types";

/**
 * What earlier synths placed where, so the next one can keep it there. AWS identifies a security
 * group rule by its group, a network ACL rule by its number and a stateful rule by its sid, and a
 * Terraform stack by its state: changing any of them destroys and re-creates (or orphans) what is
 * live. A placement made once is therefore kept for as long as what it places exists:
 * - every stack mailgate has synthesized, with its provider's identity, until `mailgate retire`
 *   removes it (an emptied stack is still synthesized, so its apply destroys what it held);
 * - per target, its stack; per created security group, the rules it holds; per network ACL rule
 *   and Network Firewall rule, its number or sid;
 * - per prefix list, its `max_entries` (a rule referencing it weighs that much in its group).
 *
 * It lives in the artifacts directory as `placements.json`, committed with the config, so a pull
 * request carries it and every machine synthesizes the same bytes from the same commit.
 */
export interface Placements {
  /** Stack name -> what its provider was configured with, and its targets (sorted). */
  readonly stacks: ReadonlyMap<string, StackRecord>;
  /** Target name -> where its rules are. Only targets some domain uses. */
  readonly targets: ReadonlyMap<string, TargetPlacement>;
  /** Prefix list key (`imap/ipv4`) -> its `max_entries`. */
  readonly prefixLists: ReadonlyMap<string, number>;
}

export interface StackRecord extends StackIdentity {
  readonly targets: readonly string[];
}

export interface TargetPlacement {
  readonly stack: string;
  /** Security groups mailgate creates: group n (1-based) holds the rules keyed `groups[n - 1]`. */
  readonly groups?: readonly (readonly string[])[];
  /** Network ACL: inbound and outbound rule numbers by rule key. */
  readonly inbound?: ReadonlyMap<string, number>;
  readonly outbound?: ReadonlyMap<string, number>;
  /** Network Firewall: signature ids by rule key. */
  readonly sids?: ReadonlyMap<string, number>;
  /**
   * Network Firewall: the rule order and capacity the rule group was created with, both fixed at
   * creation. Absent in placements of older versions, which created every group STRICT_ORDER
   * with a capacity computed from the sid count (lib/policy/network-firewall.ts).
   */
  readonly ruleOrder?: RuleOrder;
  readonly capacity?: number;
}

export const NO_PLACEMENTS: Placements = { stacks: new Map(), targets: new Map(), prefixLists: new Map() };

/** The artifacts directory's file for placements. */
export const PLACEMENTS_FILE = "placements.json";

/** Content only (port, family, CIDR or list): what identifies a security group rule resource. */
export function ingressKey(ingress: IngressRule): string {
  return ingress.kind === "cidr" ? `tcp/${ingress.port} ${ingress.rule.cidr.toString()}` : `tcp/${ingress.port} prefix-list ${ingress.prefixList.key}`;
}

/**
 * The placements after this policy: its own, plus every stack of `previous` (emptied stacks stay
 * until retired). Identities of stacks with targets come from the config, of emptied ones from
 * `previous`.
 */
export function placementsOf(policy: FirewallPolicy, previous: Placements): Placements {
  const targets = new Map<string, TargetPlacement>();
  const stacks = new Map<string, { identity: StackIdentity; targets: string[] }>();
  for (const p of policy.targets) {
    // Targets outside AWS have no stack and nothing to keep in place: their files are rewritten whole.
    if (!isAwsPolicy(p)) continue;
    const stack = stackName(p.target);
    targets.set(p.target.name, placementOfTarget(p, stack));
    const entry = stacks.get(stack) ?? { identity: stackIdentity(p.target), targets: [] };
    entry.targets.push(p.target.name);
    stacks.set(stack, entry);
  }
  for (const [name, record] of previous.stacks) {
    if (!stacks.has(name)) stacks.set(name, { identity: stackIdentity(record), targets: [] });
  }
  const prefixLists = new Map(policy.prefixLists.map((pl) => [pl.key, pl.maxEntries]));
  return {
    stacks: new Map([...stacks].map(([name, { identity, targets: names }]) => [name, { ...identity, targets: [...names].sort(compareText) }])),
    targets,
    prefixLists,
  };
}

function placementOfTarget(p: AwsTargetPolicy, stack: string): TargetPlacement {
  switch (p.type) {
    case "aws-security-group":
      return p.target.create ? { stack, groups: p.groups.map((g) => g.ingress.map(ingressKey)) } : { stack };
    case "aws-network-acl":
      return {
        stack,
        inbound: new Map(p.inbound.map((r) => [networkAclInboundKey(r.rule), r.ruleNumber])),
        outbound: new Map(p.outbound.map((r) => [r.cidr.toString(), r.ruleNumber])),
      };
    case "aws-network-firewall":
      return { stack, sids: new Map(p.statefulRules.map((r) => [sidKey(r), r.sid])), ruleOrder: p.ruleOrder, capacity: p.capacity };
  }
}

/** Content only: the same (port, CIDR) keeps its number whatever else changes around it. */
export function networkAclInboundKey(rule: { readonly port: number; readonly cidr: { toString(): string } }): string {
  return `tcp/${rule.port} ${rule.cidr.toString()}`;
}

export function sidKey({ destination, rule }: { readonly destination: { toString(): string }; readonly rule: { readonly port: number; readonly cidr: { toString(): string } } }): string {
  return `${destination.toString()} tcp/${rule.port} ${rule.cidr.toString()}`;
}

// ---- the file

const HEADER =
  "Generated by mailgate: which stacks, security groups, rule numbers and sids earlier synths used, so edits keep them. Commit it with the config; do not edit it (npx mailgate retire <stack> removes an emptied stack).";

/** Deterministic JSON: keys sorted, one entry per line where a reviewer reads a diff. */
export function renderPlacements(p: Placements): string {
  const sorted = <V>(map: ReadonlyMap<string, V>) => [...map].sort(([a], [b]) => compareText(a, b));
  const numbers = (map: ReadonlyMap<string, number> | undefined) => (map ? Object.fromEntries(sorted(map)) : undefined);
  const value = {
    generated: HEADER,
    schemaVersion: 1,
    stacks: Object.fromEntries(sorted(p.stacks).map(([name, r]) => [name, { ...stackIdentity(r), targets: r.targets }])),
    targets: Object.fromEntries(
      sorted(p.targets).map(([name, t]) => [
        name,
        {
          stack: t.stack,
          ...(t.groups ? { groups: t.groups } : {}),
          ...(t.inbound ? { inbound: numbers(t.inbound), outbound: numbers(t.outbound) } : {}),
          ...(t.sids ? { sids: numbers(t.sids) } : {}),
          ...(t.ruleOrder ? { ruleOrder: t.ruleOrder } : {}),
          ...(t.capacity !== undefined ? { capacity: t.capacity } : {}),
        },
      ]),
    ),
    prefixLists: Object.fromEntries(sorted(p.prefixLists)),
  };
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * The placements in a file's text; a reason when it is not one mailgate wrote. Checked closely:
 * a placements file decides which AWS resources survive an edit, so a damaged one must stop the
 * synth rather than be half-read.
 */
export function parsePlacements(text: string): Placements | { readonly error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON (${(error as Error).message})` };
  }
  try {
    const root = record(raw, "the file");
    if (root.schemaVersion !== 1) return { error: `schemaVersion ${JSON.stringify(root.schemaVersion)} is not 1` };
    const stacks = new Map<string, StackRecord>();
    for (const [name, v] of Object.entries(record(root.stacks, "stacks"))) {
      const s = record(v, `stack ${name}`);
      stacks.set(name, {
        region: text_(s.region, `stack ${name}: region`),
        ...optionalText(s, "account", name),
        ...optionalText(s, "roleArn", name),
        ...optionalText(s, "planRoleArn", name),
        targets: list(s.targets, `stack ${name}: targets`).map((t) => text_(t, `stack ${name}: targets`)),
      });
    }
    const targets = new Map<string, TargetPlacement>();
    for (const [name, v] of Object.entries(record(root.targets, "targets"))) {
      const t = record(v, `target ${name}`);
      targets.set(name, {
        stack: text_(t.stack, `target ${name}: stack`),
        ...(t.groups !== undefined
          ? { groups: list(t.groups, `target ${name}: groups`).map((g) => list(g, `target ${name}: groups`).map((k) => text_(k, `target ${name}: groups`))) }
          : {}),
        ...(t.inbound !== undefined ? { inbound: numberMap(t.inbound, `target ${name}: inbound`) } : {}),
        ...(t.outbound !== undefined ? { outbound: numberMap(t.outbound, `target ${name}: outbound`) } : {}),
        ...(t.sids !== undefined ? { sids: numberMap(t.sids, `target ${name}: sids`) } : {}),
        ...(t.ruleOrder !== undefined ? { ruleOrder: ruleOrder(t.ruleOrder, `target ${name}: ruleOrder`) } : {}),
        ...(t.capacity !== undefined ? { capacity: positiveInteger(t.capacity, `target ${name}: capacity`) } : {}),
      });
    }
    return { stacks, targets, prefixLists: numberMap(root.prefixLists, "prefixLists") };
  } catch (error) {
    if (error instanceof PlacementsShapeError) return { error: error.message };
    throw error;
  }
}

class PlacementsShapeError extends Error {}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new PlacementsShapeError(`${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

function list(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new PlacementsShapeError(`${what} is not a list`);
  return v;
}

function text_(v: unknown, what: string): string {
  if (typeof v !== "string") throw new PlacementsShapeError(`${what} is not a string`);
  return v;
}

function optionalText(s: Record<string, unknown>, key: "account" | "roleArn" | "planRoleArn", stack: string): Partial<StackIdentity> {
  return s[key] === undefined ? {} : { [key]: text_(s[key], `stack ${stack}: ${key}`) };
}

function ruleOrder(v: unknown, what: string): RuleOrder {
  if (v !== "STRICT_ORDER" && v !== "DEFAULT_ACTION_ORDER") throw new PlacementsShapeError(`${what} is not STRICT_ORDER or DEFAULT_ACTION_ORDER`);
  return v;
}

function positiveInteger(v: unknown, what: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1) throw new PlacementsShapeError(`${what} is not a positive integer`);
  return v as number;
}

function numberMap(v: unknown, what: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const [k, n] of Object.entries(record(v, what))) {
    if (!Number.isSafeInteger(n) || (n as number) < 1) throw new PlacementsShapeError(`${what}: ${JSON.stringify(k)} is not a positive integer`);
    map.set(k, n as number);
  }
  return map;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
