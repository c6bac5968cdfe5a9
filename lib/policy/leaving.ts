import { createHash } from "node:crypto";
import { Cidr } from "../model/cidr";
import { isAwsTarget, type Config, type FirewallTarget } from "../model/config";
import type { PlanPart } from "../kinds/plan-part";
import { planPartOf, PLANS } from "../kinds/plans";
import type { LeavingRules, Placements, TargetIdentity, TargetPlacement } from "./placement-types";
import type { PrefixListRegistry } from "./prefix-lists";
import type { FirewallPolicy, TargetPolicy } from "./types";

/**
 * Safe apply: the rules the last synth placed that this one drops, while their target stays.
 *
 * Terraform runs the creates and deletes of one apply in no particular order: when HubSpot widens
 * a /27 to a /26, the /27's rule can be gone before the /26's exists, and the addresses both
 * configs admit are unadmitted meanwhile. So a change that both removes and adds rules is applied
 * in two phases from one commit: `expand` (this module's `expandPolicy`) keeps the leaving rules
 * beside the new ones, so it only creates and updates; the default synth (contract) then only
 * removes them. Both phases are synthesized from the same config and `placements.json`, which
 * therefore records the leaving rules: the previous state is in no other file of the commit.
 *
 * Targets removed from the config are not kept by expand: no address is needed by both configs
 * there (validate says what their removal destroys, TARGET_REMOVED). Network Firewall rule groups
 * change in place, in one request, and prefix lists too: they never leave a gap.
 */
export type { LeavingRules } from "./placement-types";

/** Target name -> what leaves it. */
export type Leaving = ReadonlyMap<string, LeavingRules>;

export const NO_LEAVING: Leaving = new Map();

/**
 * What leaves when `previous` placements become `next`: per surviving target (found under its
 * old name when renamed), its rules that `next` no longer has, or has at another number.
 * Re-synthesizing the same commit changes no placement, so the leaving rules it records stay:
 * the expand phase of that commit must be the same whenever it is synthesized.
 */
export function leavingOf(previous: Placements, next: Placements, renamedFrom: ReadonlyMap<string, string>, fingerprint: string | (() => string)): Leaving {
  // The same commit again: its placements, and its config. A later commit whose edit moved no
  // rule (a domain added on open ports) has the same placements, but its base has applied both
  // phases: what left is gone, and keeping it would have its expand phase create it again.
  // Cheapest test first: without a recorded `leavingFor` (the usual case) neither the placements
  // need comparing nor the fingerprint (a hash of the whole config) computing.
  if (previous.leavingFor !== undefined && samePlacements(previous, next) && previous.leavingFor === (typeof fingerprint === "string" ? fingerprint : fingerprint())) {
    return previous.leaving ?? NO_LEAVING;
  }
  const leaving = new Map<string, LeavingRules>();
  for (const [name, now] of next.targets) {
    const was = previous.targets.get(name) ?? previous.targets.get(renamedFrom.get(name) ?? "");
    if (!was || was.stack !== now.stack) continue;
    const rules = leavingRules(was, now);
    if (rules) leaving.set(name, rules);
  }
  // A target removed from the config leaves whole, in the contract phase like any leaving rule:
  // if another firewall takes over its servers, the old one's rules stay until the new one's
  // exist. Recorded with its stack and identity, from which the expand phase renders it. A Network
  // Firewall rule group is not kept (TARGET_REMOVED says it goes in the first apply).
  const renamed = new Set(renamedFrom.values());
  for (const [name, was] of previous.targets) {
    if (next.targets.has(name) || renamed.has(name) || was.sids || !hasIdentity(was)) continue;
    // Created groups leave too, emptied ones included: their deletion is the contract's.
    const rules = leavingRules(was, { stack: was.stack }) ?? (was.vpcId && was.groups ? { groups: was.groups.map(() => []) } : undefined);
    if (rules) leaving.set(name, { ...rules, stack: was.stack, ...identityFields(was), ...(was.createdAs ? { createdAs: was.createdAs } : {}) });
  }
  return leaving;
}

function hasIdentity(p: TargetPlacement): boolean {
  return p.securityGroupId !== undefined || p.vpcId !== undefined || p.networkAclId !== undefined;
}

function identityFields(p: TargetPlacement): TargetIdentity {
  return {
    ...(p.securityGroupId ? { securityGroupId: p.securityGroupId } : {}),
    ...(p.vpcId ? { vpcId: p.vpcId } : {}),
    ...(p.name ? { name: p.name } : {}),
    ...(p.networkAclId ? { networkAclId: p.networkAclId } : {}),
  };
}

function leavingRules(was: TargetPlacement, now: TargetPlacement): LeavingRules | undefined {
  const kept = new Set((now.groups ?? []).flat());
  const groups = (was.groups ?? []).map((keys) => keys.filter((key) => !kept.has(key)));
  const leavingKeys = groups.flat();
  const moved = (from: ReadonlyMap<string, number> | undefined, to: ReadonlyMap<string, number> | undefined) =>
    new Map([...(from ?? [])].filter(([key, n]) => to?.get(key) !== n));
  const inbound = moved(was.inbound, now.inbound);
  const outbound = moved(was.outbound, now.outbound);
  if (leavingKeys.length === 0 && inbound.size === 0 && outbound.size === 0) return undefined;
  const lists = new Map(leavingKeys.flatMap((key) => (was.lists?.has(key) ? [[key, was.lists.get(key) ?? ""] as const] : [])));
  return {
    ...(leavingKeys.length > 0 ? { groups, lists } : {}),
    ...(inbound.size > 0 ? { inbound } : {}),
    ...(outbound.size > 0 ? { outbound } : {}),
  };
}

/**
 * What identifies a config's content for `leavingFor`: a hash of the validated config, positions
 * left out (moving text around in the YAML is not a new change). A new mailgate version may
 * compute another: its first synth then treats the commit as a new change with nothing leaving.
 */
export function changeFingerprint(config: Config): string {
  const text = JSON.stringify(config, (key, value: unknown) =>
    key === "position" ? undefined : value instanceof Cidr ? value.toString() : typeof value === "bigint" ? value.toString() : value,
  );
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** New name -> old name, for every target renamed with `renamedFrom`. */
export function renamesOf(config: Config): Map<string, string> {
  const all = [...config.firewalls, ...(config.idleFirewalls ?? [])];
  return new Map(all.flatMap((t) => (isAwsTarget(t) && t.renamedFrom !== undefined ? [[t.name, t.renamedFrom] as const] : [])));
}

/** Whether two leaving sets hold the same rules at the same places. */
export function sameLeaving(a: Leaving, b: Leaving): boolean {
  const text = (l: Leaving) => JSON.stringify([...l].map(([name, r]) => [name, comparable(r as TargetPlacement)]).sort());
  return text(a) === text(b);
}

/** Same stacks, targets and prefix lists: the same commit synthesized again. */
function samePlacements(a: Placements, b: Placements): boolean {
  const targets = (p: Placements) => JSON.stringify([...p.targets].map(([name, t]) => [name, comparable(t)]).sort());
  return targets(a) === targets(b) && JSON.stringify([...a.prefixLists].sort()) === JSON.stringify([...b.prefixLists].sort());
}

function comparable(t: TargetPlacement): unknown {
  return Object.entries(t)
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([key, value]) => [key, value instanceof Map ? [...value].sort() : value]);
}

/**
 * The expand phase's policy: `policy` plus, in each target, the rules leaving it, in the group or
 * at the number they have now. Only for synthesis: the report, the placements and the proof of
 * what the config needs are the contract's.
 */
export function expandPolicy(policy: FirewallPolicy, leaving: Leaving, prefixLists: PrefixListRegistry, stacks: Placements["stacks"] = new Map()): FirewallPolicy {
  if (leaving.size === 0) return policy;
  const planned = new Set(policy.targets.map((p) => p.target.name));
  const removed = [...leaving]
    .filter(([name, rules]) => !planned.has(name) && rules.stack !== undefined)
    .flatMap(([name, rules]) => removedTargetPolicy(name, rules, stacks));
  const targets = [...policy.targets, ...removed]
    .sort((a, b) => (a.target.name < b.target.name ? -1 : a.target.name > b.target.name ? 1 : 0))
    .map((p): TargetPolicy => {
      const rules = leaving.get(p.target.name);
      if (!rules) return p;
      return planPartOf(p).expand(p, rules, prefixLists);
    });
  const used = new Map(policy.prefixLists.map((pl) => [pl.key, pl]));
  for (const p of targets) for (const pl of planPartOf(p).prefixListsUsed(p)) used.set(pl.key, pl);
  return { ...policy, targets, prefixLists: [...used.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) };
}

/**
 * A removed target, as an empty plan of what its placement says it was (its kind recognises its
 * record): the leaving rules then fill it like any other. Its stack's provider comes from the
 * stack's record in placements.json (kept until retired).
 */
function removedTargetPolicy(name: string, rules: LeavingRules, stacks: Placements["stacks"]): TargetPolicy[] {
  const record = stacks.get(rules.stack ?? "");
  if (!record || rules.stack === undefined) return [];
  const access = {
    name,
    region: record.region,
    stack: rules.stack,
    ...(record.account ? { account: record.account } : {}),
    ...(record.roleArn ? { roleArn: record.roleArn } : {}),
    ...(record.planRoleArn ? { planRoleArn: record.planRoleArn } : {}),
  };
  return Object.values(PLANS).flatMap((part: PlanPart<FirewallTarget, TargetPolicy>) => part.fromLeaving(name, rules, access) ?? []).slice(0, 1);
}

/**
 * The config the expand phase's resources are verified against: removed targets the expand phase
 * still holds are idle targets there (their rules are allowed as leaving, nothing else).
 */
export function withRemovedTargets(config: Config, expand: FirewallPolicy): Config {
  const known = new Set([...config.firewalls, ...(config.idleFirewalls ?? [])].map((t) => t.name));
  const removed = expand.targets.filter((p) => !known.has(p.target.name)).map((p) => p.target);
  return removed.length === 0 ? config : { ...config, idleFirewalls: [...(config.idleFirewalls ?? []), ...removed] };
}

/** The (port, CIDR) pairs the leaving rules admit, per target and port: what expand may open besides the config's needs. */
export function leavingAccess(expand: FirewallPolicy, contract: FirewallPolicy): Map<string, Map<number, Cidr[]>> {
  const access = new Map<string, Map<number, Cidr[]>>();
  const before = new Map(contract.targets.map((p) => [p.target.name, new Set(p.rules)]));
  for (const p of expand.targets) {
    const had = before.get(p.target.name);
    for (const rule of p.rules) {
      if (had?.has(rule)) continue;
      const ports = access.get(p.target.name) ?? new Map<number, Cidr[]>();
      ports.set(rule.port, [...(ports.get(rule.port) ?? []), rule.cidr]);
      access.set(p.target.name, ports);
    }
  }
  return access;
}
