// What each reader of a resource type hands the proof: the permissions it found open, the
// return-traffic rules of stateless targets, and what no target explains or AWS would refuse.
import type { OpenedRule } from "../audit/coverage";
import { Cidr, type IpFamily } from "../model/cidr";
import type { FirewallTarget } from "../model/config";

/** The config's targets, as each kind's reader (lib/kinds/<kind>/verifier.ts) finds a resource's target among them. */
export interface ConfiguredTargets {
  /** Every target that may hold resources, idle ones (no domain) included, by name. */
  readonly targets: ReadonlyMap<string, FirewallTarget>;
  /** The config's targets (a network ACL's rules are matched to these by ACL id). */
  readonly firewalls: readonly FirewallTarget[];
}

/** A resource the proof cannot account for, named by its construct path. */
export interface Problem {
  readonly path: string;
  readonly problem: string;
}

export interface Findings {
  readonly opened: OpenedRule[];
  /** Network ACL outbound rules: the addresses replies may go to, per target. */
  readonly returns: { target: string; cidr: Cidr }[];
  readonly problems: Problem[];
  /** What each security group's rules weigh per family, as AWS counts them against its quota. */
  readonly groups: { readonly stack: string; readonly target: string; readonly group: string; readonly weight: Record<IpFamily, number> }[];
  /** Rule resources per target (a Network Firewall: its stateful rules), for tools and tests that count them. */
  readonly rules: Map<string, number>;
}

export function emptyFindings(): Findings {
  return { opened: [], returns: [], problems: [], groups: [], rules: new Map() };
}

/** One more rule resource of `target`. */
export function countRule(findings: Findings, target: string): void {
  findings.rules.set(target, (findings.rules.get(target) ?? 0) + 1);
}

/** A problem reporter for one resource. */
export function problemsAt(findings: Findings, path: string): (text: string) => void {
  return (text) => findings.problems.push({ path, problem: text });
}

/**
 * The target a resource's `MailgateTarget` tag names, if the config defines it with this type;
 * otherwise a problem says which of those failed.
 */
export function taggedTarget<T extends FirewallTarget["type"]>(
  targets: ReadonlyMap<string, FirewallTarget>,
  name: unknown,
  type: T,
  problem: (text: string) => void,
): Extract<FirewallTarget, { type: T }> | undefined {
  const tag = typeof name === "string" ? name : undefined;
  const target = tag === undefined ? undefined : targets.get(tag);
  if (!target) {
    problem(tag === undefined ? "has no MailgateTarget tag" : `is tagged for target ${tag}, which the config does not define`);
    return undefined;
  }
  if (target.type !== type) {
    problem(`is tagged for target ${tag}, which is an ${target.type}`);
    return undefined;
  }
  return target as Extract<FirewallTarget, { type: T }>;
}

/** The block `value` names, if it is a string written exactly as AWS echoes it back; else the problem. */
export function canonical(value: unknown): Cidr | string {
  if (typeof value !== "string") return `has CIDR ${value === undefined ? "null" : JSON.stringify(value)}, which is not canonical`;
  let result = canonicalCache.get(value);
  if (result === undefined) {
    const cidr = Cidr.parse(value);
    result = cidr instanceof Cidr && cidr.toString() === value ? cidr : `has CIDR ${JSON.stringify(value)}, which is not canonical`;
    // Thousands of rules share a few dozen CIDRs (HubSpot's lists); the cap only bounds memory.
    if (canonicalCache.size >= 4096) canonicalCache.clear();
    canonicalCache.set(value, result);
  }
  return result;
}

/** Cidr values are immutable, so one parse per text serves every rule that names it. */
const canonicalCache = new Map<string, Cidr | string>();
