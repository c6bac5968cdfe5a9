import { Cidr, type IpFamily } from "../model/cidr";
import type { AwsFirewallTarget, FirewallTarget, RuleOrder } from "../model/config";
import type { HubSpotList } from "../model/ip-catalog";
import { jsonSyntaxMessage } from "../model/json-text";
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
  /**
   * The config directory these placements belong to: its path relative to the artifacts
   * directory, with `/` (`../config`), so it reads the same on every machine. Absent in files
   * of earlier versions (the next synth adds it).
   */
  readonly config?: string;
  /** Stack name -> what its provider was configured with, and its targets (sorted). */
  readonly stacks: ReadonlyMap<string, StackRecord>;
  /** Target name -> where its rules are. Only targets some domain uses. */
  readonly targets: ReadonlyMap<string, TargetPlacement>;
  /** Prefix list key (`imap/ipv4`) -> its `max_entries`. */
  readonly prefixLists: ReadonlyMap<string, number>;
  /**
   * The rules the last change removed (or renumbered) from targets that stay: the previous state,
   * which the expand phase of this commit keeps beside the new rules (lib/policy/leaving.ts).
   * Absent when nothing leaves.
   */
  readonly leaving?: ReadonlyMap<string, LeavingRules>;
  /**
   * The config `leaving` belongs to (a fingerprint of its content, `changeFingerprint`): the same
   * commit synthesized again keeps `leaving`, a later one, even with the same placements, does not.
   */
  readonly leavingFor?: string;
}

/**
 * See lib/policy/leaving.ts, which computes and renders these; declared here, where the file is
 * read. For a target removed from the config, also its stack and identity: the expand phase
 * renders it from these alone, since no config describes it any more.
 */
export interface LeavingRules extends TargetIdentity {
  readonly stack?: string;
  readonly createdAs?: string;
  /** Security groups: per group (index 0 is group 1), the keys (`ingressKey`) of rules leaving it. */
  readonly groups?: readonly (readonly string[])[];
  /** Security groups: a leaving rule's HubSpot lists (`imap+smtp`), for its description; by key. */
  readonly lists?: ReadonlyMap<string, string>;
  /** Network ACLs: rule key -> the number it leaves (its rule is removed, or renumbered). */
  readonly inbound?: ReadonlyMap<string, number>;
  readonly outbound?: ReadonlyMap<string, number>;
}

/**
 * What identifies a target's resources in AWS; a change of any of these under the same target
 * replaces them (lib/policy/apply-safety.ts refuses it). Absent in placements of earlier versions.
 */
export interface TargetIdentity {
  /** An existing security group the target adds rules to. */
  readonly securityGroupId?: string;
  /** A created security group's VPC, and its name (a Network Firewall target: its rule group's name). */
  readonly vpcId?: string;
  readonly name?: string;
  readonly networkAclId?: string;
}

export interface StackRecord extends StackIdentity {
  readonly targets: readonly string[];
}

export interface TargetPlacement extends TargetIdentity {
  readonly stack: string;
  /** Security groups: group n (1-based) holds the rules keyed `groups[n - 1]` (an existing group is group 1). */
  readonly groups?: readonly (readonly string[])[];
  /** Security groups: each rule's HubSpot lists (`imap+smtp`), which its description names; by key. */
  readonly lists?: ReadonlyMap<string, string>;
  /** Created security groups: the target name they were made under, when the target was renamed since. */
  readonly createdAs?: string;
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
 * until retired) and the config directory `previous` belongs to. Identities of stacks with targets come from the config, of emptied ones from
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
    ...(previous.config !== undefined ? { config: previous.config } : {}),
    stacks: new Map([...stacks].map(([name, { identity, targets: names }]) => [name, { ...identity, targets: [...names].sort(compareText) }])),
    targets,
    prefixLists,
  };
}

function placementOfTarget(p: AwsTargetPolicy, stack: string): TargetPlacement {
  const identity = identityOf(p.target);
  switch (p.type) {
    case "aws-security-group": {
      const ingress = p.groups.flatMap((g) => g.ingress);
      return {
        stack,
        ...identity,
        ...(p.createdAs !== undefined ? { createdAs: p.createdAs } : {}),
        groups: p.groups.map((g) => g.ingress.map(ingressKey)),
        lists: new Map(ingress.map((i) => [ingressKey(i), (i.kind === "cidr" ? i.rule : i.provenance).lists.join("+")])),
      };
    }
    case "aws-network-acl":
      return {
        stack,
        ...identity,
        inbound: new Map(p.inbound.map((r) => [networkAclInboundKey(r.rule), r.ruleNumber])),
        outbound: new Map(p.outbound.map((r) => [r.cidr.toString(), r.ruleNumber])),
      };
    case "aws-network-firewall":
      return { stack, ...identity, sids: new Map(p.statefulRules.map((r) => [sidKey(r), r.sid])), ruleOrder: p.ruleOrder, capacity: p.capacity };
  }
}

/** The target's placement in `previous`, under its own name or, when renamed, its old one. */
export function placedBefore(previous: Placements, target: FirewallTarget): TargetPlacement | undefined {
  return previous.targets.get(target.name) ?? ("renamedFrom" in target && target.renamedFrom !== undefined ? previous.targets.get(target.renamedFrom) : undefined);
}

/** What identifies the target's AWS resources, as placements record it. */
export function identityOf(target: AwsFirewallTarget): TargetIdentity {
  switch (target.type) {
    case "aws-security-group":
      return target.create ? { vpcId: target.create.vpcId, name: target.create.groupName } : { securityGroupId: target.securityGroupId };
    case "aws-network-acl":
      return { networkAclId: target.networkAclId };
    case "aws-network-firewall":
      return { name: target.ruleGroupName };
  }
}

type ParsedKey =
  | { readonly kind: "cidr"; readonly port: number; readonly cidr: Cidr }
  | { readonly kind: "prefix-list"; readonly port: number; readonly lists: HubSpotList[]; readonly family: IpFamily };

/** `tcp/993 143.244.87.0/25`, `tcp/993 prefix-list imap+smtp/ipv4` (`ingressKey`, `networkAclInboundKey`). */
export function parseRuleKey(key: string): ParsedKey | undefined {
  const match = /^tcp\/(\d{1,5}) (?:prefix-list (imap|smtp|imap\+smtp)\/ipv(4|6)|(\S+))$/.exec(key);
  if (!match) return undefined;
  const port = Number(match[1]);
  if (match[2] !== undefined) return { kind: "prefix-list", port, lists: match[2].split("+") as HubSpotList[], family: Number(match[3]) as IpFamily };
  const cidr = Cidr.parse(match[4] ?? "");
  return cidr instanceof Cidr ? { kind: "cidr", port, cidr } : undefined;
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

/** Reads one field's JSON value; throws `PlacementsShapeError` naming `what` when it is not one. */
type FieldReader<T> = (value: unknown, what: string) => T;

/** AWS's network ACL rule numbers (the config schema's `ruleNumbers` bounds). */
const ACL_RULE_NUMBERS = { from: 1, to: 32766 } as const;

/**
 * Network Firewall sids: `SID_RANGE` of network-firewall.ts, which imports this module and so
 * cannot be imported here without a cycle; a test holds the two equal.
 */
const SIDS = { from: 1_000_000, to: 1_999_999 } as const;

/**
 * The optional fields of the file, of a stack and of a target, with their readers, in the order
 * they are written. Rendering and parsing both go through these tables, so an optional field
 * added to `Placements`, `StackIdentity` or `TargetPlacement` is one line here (the types refuse
 * to compile until it is).
 */
const ROOT_FIELDS: { readonly [K in Exclude<keyof Placements, "stacks" | "targets" | "prefixLists">]-?: FieldReader<NonNullable<Placements[K]>> } = {
  config: configPath,
  leavingFor: text_,
  leaving: (v, what) => new Map(Object.entries(record(v, what)).map(([name, rules]) => [name, readFields(record(rules, `${what} ${name}`), LEAVING_FIELDS, `${what} ${name}: `)])),
};

/** What a target's entry and a leaving entry share: its identity, its groups and numbers. */
const RULE_FIELDS = {
  securityGroupId: text_,
  vpcId: text_,
  name: text_,
  networkAclId: text_,
  createdAs: text_,
  groups: (v: unknown, what: string) => list(v, what).map((g) => list(g, what).map((k) => text_(k, what))),
  lists: textMap,
  inbound: numbersIn(ACL_RULE_NUMBERS),
  outbound: numbersIn(ACL_RULE_NUMBERS),
} as const;

const LEAVING_FIELDS: { readonly [K in keyof LeavingRules]-?: FieldReader<NonNullable<LeavingRules[K]>> } = {
  stack: text_,
  ...RULE_FIELDS,
};

const STACK_FIELDS: { readonly [K in Exclude<keyof StackIdentity, "region">]-?: FieldReader<NonNullable<StackIdentity[K]>> } = {
  account: text_,
  roleArn: text_,
  planRoleArn: text_,
};

const TARGET_FIELDS: { readonly [K in Exclude<keyof TargetPlacement, "stack">]-?: FieldReader<NonNullable<TargetPlacement[K]>> } = {
  ...RULE_FIELDS,
  sids: numbersIn(SIDS),
  ruleOrder,
  capacity: positiveInteger,
};

/** Deterministic JSON: keys sorted, one entry per line where a reviewer reads a diff. */
export function renderPlacements(p: Placements): string {
  // `leaving` holds maps inside maps, and is last: what a reviewer reads after the new state.
  const { leaving: _nested, leavingFor: _last, ...root } = renderFields(p, ROOT_FIELDS);
  const value = {
    generated: HEADER,
    schemaVersion: 1,
    ...root,
    stacks: Object.fromEntries(sorted(p.stacks).map(([name, r]) => [name, { region: r.region, ...renderFields(r, STACK_FIELDS), targets: r.targets }])),
    targets: Object.fromEntries(sorted(p.targets).map(([name, t]) => [name, { stack: t.stack, ...renderFields(t, TARGET_FIELDS) }])),
    prefixLists: Object.fromEntries(sorted(p.prefixLists)),
    ...(p.leaving && p.leaving.size > 0
      ? { leavingFor: p.leavingFor, leaving: Object.fromEntries(sorted(p.leaving).map(([name, r]) => [name, renderFields(r, LEAVING_FIELDS)])) }
      : {}),
  };
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The fields of table `fields` that `entry` has, as JSON values (a map as an object with sorted keys). */
function renderFields(entry: object, fields: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    const value = (entry as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value instanceof Map ? Object.fromEntries(sorted(value)) : value;
  }
  return out;
}

function sorted<V>(map: ReadonlyMap<string, V>): [string, V][] {
  return [...map].sort(([a], [b]) => compareText(a, b));
}

/** Why placements.json is refused, and where when one place is to blame (1-based line and column). */
export interface PlacementsRefusal {
  readonly error: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * The placements in a file's text; a reason when it is not one mailgate wrote. Checked closely:
 * a placements file decides which AWS resources survive an edit, so a damaged one must stop the
 * synth rather than be half-read. Refused: anything but JSON of the expected shape, a key
 * written twice in one object, and entries that contradict each other (a target and its stack,
 * a rule in two groups, a number or sid given twice or outside what AWS allows).
 */
export function parsePlacements(text: string): Placements | PlacementsRefusal {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON (${jsonSyntaxMessage(error)})` };
  }
  const { duplicate } = scanKeys(text);
  if (duplicate) {
    const where = duplicate.path === "" ? "at the top level" : `in ${duplicate.path}`;
    return {
      error: `key ${JSON.stringify(duplicate.key)} is written twice ${where} (lines ${duplicate.firstLine} and ${duplicate.line}); a JSON reader keeps only one of them, so a stale copy could decide where live rules go`,
      line: duplicate.line,
      column: duplicate.column,
    };
  }
  try {
    const placements = placementsFromJson(raw);
    const contradiction = firstContradiction(placements);
    return contradiction === undefined ? placements : { error: contradiction };
  } catch (error) {
    if (error instanceof PlacementsShapeError) return { error: error.message };
    throw error;
  }
}

function placementsFromJson(raw: unknown): Placements {
  const root = record(raw, "the file");
  if (root.schemaVersion !== 1) throw new PlacementsShapeError(`schemaVersion ${JSON.stringify(root.schemaVersion)} is not 1`);
  const stacks = new Map<string, StackRecord>();
  for (const [name, v] of Object.entries(record(root.stacks, "stacks"))) {
    const s = record(v, `stack ${name}`);
    stacks.set(name, {
      region: text_(s.region, `stack ${name}: region`),
      ...readFields(s, STACK_FIELDS, `stack ${name}: `),
      targets: list(s.targets, `stack ${name}: targets`).map((t) => text_(t, `stack ${name}: targets`)),
    });
  }
  const targets = new Map<string, TargetPlacement>();
  for (const [name, v] of Object.entries(record(root.targets, "targets"))) {
    const t = record(v, `target ${name}`);
    targets.set(name, { stack: text_(t.stack, `target ${name}: stack`), ...readFields(t, TARGET_FIELDS, `target ${name}: `) });
  }
  return { ...readFields(root, ROOT_FIELDS, ""), stacks, targets, prefixLists: numberMap(root.prefixLists, "prefixLists") };
}

/** The fields of table `fields` that `raw` has, each read by its reader; absent ones stay absent. */
function readFields<T>(raw: Record<string, unknown>, fields: { readonly [K in keyof T]: FieldReader<T[K]> }, prefix: string): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(fields) as (keyof T & string)[]) {
    if (raw[key] !== undefined) out[key] = fields[key](raw[key], `${prefix}${key}`);
  }
  return out;
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

/** A relative path with `/`, as `renderPlacements` writes it; compared with the config directory by validation. */
function configPath(v: unknown, what: string): string {
  const path = text_(v, what);
  if (path === "") throw new PlacementsShapeError(`${what} is empty`);
  return path;
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

function textMap(v: unknown, what: string): Map<string, string> {
  return new Map(Object.entries(record(v, what)).map(([k, t]) => [k, text_(t, `${what}: ${JSON.stringify(k)}`)]));
}

/** Numbers AWS accepts only in `range`: a number outside it was not written by mailgate. */
function numbersIn(range: { readonly from: number; readonly to: number }): FieldReader<Map<string, number>> {
  return (v, what) => {
    const map = numberMap(v, what);
    for (const [k, n] of map) {
      if (n < range.from || n > range.to) throw new PlacementsShapeError(`${what}: ${JSON.stringify(k)} ${n} is outside ${range.from}-${range.to}`);
    }
    return map;
  };
}

// ---- consistency: each entry must agree with the others, as every synth writes them

/** The first way the placements contradict themselves, as a sentence naming the entry. */
function firstContradiction(p: Placements): string | undefined {
  for (const check of [targetsInTheirStacks, stacksListTheirTargets, ruleKeysOnce, numbersOnce]) {
    const found = check(p);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A target in a stack the file does not have would be synthesized into a state nobody knows. */
function targetsInTheirStacks(p: Placements): string | undefined {
  for (const [name, t] of p.targets) {
    const stack = p.stacks.get(t.stack);
    if (!stack) return `target ${name}: its stack ${t.stack} is not among the stacks`;
    if (!stack.targets.includes(name)) return `target ${name}: its stack ${t.stack} does not list it`;
  }
  return undefined;
}

function stacksListTheirTargets(p: Placements): string | undefined {
  for (const [name, s] of p.stacks) {
    const seen = new Set<string>();
    for (const target of s.targets) {
      if (seen.has(target)) return `stack ${name} lists target ${target} twice`;
      seen.add(target);
      const placement = p.targets.get(target);
      if (!placement) return `stack ${name} lists target ${target}, which is not among the targets`;
      if (placement.stack !== name) return `stack ${name} lists target ${target}, whose stack is ${placement.stack}`;
    }
  }
  return undefined;
}

/** A security group rule lives in one group: a key in two would make two resources for one rule. */
function ruleKeysOnce(p: Placements): string | undefined {
  for (const [name, t] of p.targets) {
    const groupOf = new Map<string, number>();
    for (const [index, keys] of (t.groups ?? []).entries()) {
      for (const key of keys) {
        const first = groupOf.get(key);
        if (first === index + 1) return `target ${name}: rule key ${JSON.stringify(key)} is twice in group ${first}`;
        if (first !== undefined) return `target ${name}: rule key ${JSON.stringify(key)} is in groups ${first} and ${index + 1}`;
        groupOf.set(key, index + 1);
      }
    }
  }
  return undefined;
}

/** AWS identifies a network ACL rule by its number (per direction) and a stateful rule by its sid. */
const NUMBERED: readonly (readonly ["inbound" | "outbound" | "sids", string])[] = [
  ["inbound", "inbound rule number"],
  ["outbound", "outbound rule number"],
  ["sids", "sid"],
];

function numbersOnce(p: Placements): string | undefined {
  for (const [name, t] of p.targets) {
    for (const [field, label] of NUMBERED) {
      const keyOf = new Map<number, string>();
      for (const [key, n] of t[field] ?? []) {
        const other = keyOf.get(n);
        if (other !== undefined) return `target ${name}: ${label} ${n} is given to both ${JSON.stringify(other)} and ${JSON.stringify(key)}`;
        keyOf.set(n, key);
      }
    }
  }
  return undefined;
}

// ---- keys as written: what JSON.parse does not show

interface KeyPosition {
  readonly line: number;
  readonly column: number;
}

interface DuplicateKey extends KeyPosition {
  readonly key: string;
  /** The object holding it, as dotted keys from the top (`targets.acl.inbound`); "" at the top. */
  readonly path: string;
  readonly firstLine: number;
}

/** Where a top-level key of placements.json text is written (the first time), if it is. */
export function topLevelKeyPosition(text: string, key: string): KeyPosition | undefined {
  return scanKeys(text).topLevel.get(key);
}

/**
 * The keys of `text`, which must be valid JSON, object by object, up to the first key written
 * twice in one object. JSON.parse keeps the last of two equal keys without a word. The yaml
 * package reports duplicates with positions, but reads JSON some 500 times slower than
 * JSON.parse (2.8 s for 3.6 MB measured here), which a file near the size limit would stretch
 * to minutes; this is one linear pass, comparing keys after unescaping (`"m\u0061il"` is `"mail"`).
 * Lines count every line feed: valid JSON has none inside a string.
 */
function scanKeys(text: string): { duplicate?: DuplicateKey; topLevel: Map<string, KeyPosition> } {
  const topLevel = new Map<string, KeyPosition>();
  // One frame per open object (its keys with their lines) or array (no keys).
  const frames: { keys?: Map<string, number>; path: string; lastKey: string }[] = [];
  let line = 1;
  let lineStart = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      lineStart = i + 1;
    } else if (c === 0x7b || c === 0x5b) {
      // `{` or `[`
      const parent = frames[frames.length - 1];
      const path = parent === undefined ? "" : parent.keys ? joinPath(parent.path, parent.lastKey) : `${parent.path}[]`;
      frames.push({ ...(c === 0x7b ? { keys: new Map<string, number>() } : {}), path, lastKey: "" });
      expectKey = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      frames.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      // `,`: in an object, a key follows.
      expectKey = frames[frames.length - 1]?.keys !== undefined;
    } else if (c === 0x22) {
      const end = endOfString(text, i);
      const frame = frames[frames.length - 1];
      if (expectKey && frame?.keys) {
        const raw = text.slice(i, end + 1);
        const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const column = i - lineStart + 1;
        const firstLine = frame.keys.get(key);
        if (firstLine !== undefined) return { duplicate: { key, path: frame.path, firstLine, line, column }, topLevel };
        frame.keys.set(key, line);
        frame.lastKey = key;
        if (frames.length === 1) topLevel.set(key, { line, column });
      }
      expectKey = false;
      i = end;
    }
  }
  return { topLevel };
}

/** Index of the quote that closes the string opening at `start` (one not escaped by a backslash). */
function endOfString(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

function joinPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
