import type { Cidr } from "../model/cidr";
import type { FirewallRule } from "../policy/rule";
import { addressCount, fewestBlocks, formatRange, rangeOf, sameRanges, subtract, union, type AddressRange } from "./intervals";
import type { RequiredAccess, RequiredDestinations } from "./required";
import { compareText } from "../model/text";

/**
 * One opened permission as the proof sees it: TCP from `cidr` to `port` on `target` (and, for a
 * Network Firewall, only towards `destination`). A rule referencing a prefix list is one
 * `OpenedRule` per entry of the list.
 */
export interface OpenedRule {
  readonly target: string;
  readonly port: number;
  readonly cidr: Cidr;
  readonly destination?: Cidr;
}

/**
 * What a rule of `target` opens from one block, for the proof (towards `destination` only, when
 * given): a CIDR rule's as written (its content), a file's entry, a prefix list's entry.
 */
export function opened(target: string, rule: Pick<FirewallRule, "port" | "cidr">, destination?: Cidr): OpenedRule {
  // Two literals, not a spread of `{ destination }`: a spread takes V8's slow path, once per opened block.
  return destination ? { target, port: rule.port, cidr: rule.cidr, destination } : { target, port: rule.port, cidr: rule.cidr };
}

/** Addresses as a decimal count (IPv6 counts overflow a JSON number) and as merged ranges. */
export interface AddressSet {
  readonly addresses: string;
  readonly ranges: readonly string[];
}

/** What a set comparison found: required against opened, address for address. */
interface SetComparison {
  readonly required: AddressSet;
  readonly opened: AddressSet;
  /** Opened equals required, address for address. */
  readonly exact: boolean;
  /** Required but not opened (HubSpot would be blocked). */
  readonly missing: AddressSet;
  /** Opened but not required (more of the internet let in than HubSpot needs). */
  readonly extra: AddressSet;
  /** Rules (or prefix-list entries) opening these addresses. */
  readonly rules: number;
  /** Blocks in the smallest exact cover of the required addresses. */
  readonly fewestRules: number;
  /** Some rules open the same addresses twice (harmless to AWS's semantics, but not minimal). */
  readonly overlapping: boolean;
}

/** The proof for one (target, port), or (target, destination, port) for a Network Firewall. */
export interface PortCoverage extends SetComparison {
  readonly target: string;
  /** Network Firewall targets only: the mail server address this entry is about. */
  readonly destination?: string;
  readonly protocol: "tcp";
  readonly port: number;
}

/**
 * The proof for a stateless target's return traffic: the outbound rules to TCP 1024-65535 must
 * reach exactly the addresses let in on any port.
 */
export interface ReturnCoverage extends SetComparison {
  readonly target: string;
  readonly protocol: "tcp";
  readonly fromPort: number;
  readonly toPort: number;
}

/**
 * Pure: expands the opened rules back to address ranges and compares them, per target and
 * port (and destination, for targets in `destinations`), with the required ranges. Every key on
 * either side gets an entry, sorted by target, destination, then port.
 */
export function proveCoverage(opened: readonly OpenedRule[], required: RequiredAccess, destinations: RequiredDestinations = new Map()): PortCoverage[] {
  type Entry = { target: string; destination?: Cidr; port: number; opened: AddressRange[]; required: AddressRange[] };
  // target -> destination ("" for none) -> port: nested maps, not a text key made and hashed per
  // opened block (thousands at 10,000 domains).
  const entries = new Map<string, Map<string, Map<number, Entry>>>();
  const all: Entry[] = [];
  const entry = (target: string, destination: Cidr | undefined, port: number) => {
    let byDestination = entries.get(target);
    if (!byDestination) entries.set(target, (byDestination = new Map()));
    const where = destination?.toString() ?? "";
    let byPort = byDestination.get(where);
    if (!byPort) byDestination.set(where, (byPort = new Map()));
    let found = byPort.get(port);
    if (!found) {
      found = destination ? { target, destination, port, opened: [], required: [] } : { target, port, opened: [], required: [] };
      byPort.set(port, found);
      all.push(found);
    }
    return found;
  };
  for (const [target, ports] of required) {
    for (const [port, ranges] of ports) {
      const servers = destinations.get(target);
      if (!servers) entry(target, undefined, port).required.push(...ranges);
      else for (const server of servers) entry(target, server, port).required.push(...ranges.filter((r) => r.family === server.family));
    }
  }
  for (const rule of opened) entry(rule.target, rule.destination, rule.port).opened.push(rangeOf(rule.cidr));

  return all
    .sort((a, b) => compareText(a.target, b.target) || compareDestinations(a.destination, b.destination) || a.port - b.port)
    .map((e) => ({
      target: e.target,
      ...(e.destination ? { destination: e.destination.toString() } : {}),
      protocol: "tcp",
      port: e.port,
      ...compareSets(e.opened, e.required),
    }));
}

/** Pure: per stateless target, the return-traffic rules against every address it lets in. */
export function proveReturnTraffic(
  opened: readonly { readonly target: string; readonly cidr: Cidr }[],
  required: RequiredAccess,
  statelessTargets: ReadonlySet<string>,
  ports: { readonly from: number; readonly to: number },
): ReturnCoverage[] {
  // Grouped once: filtering every opened rule per target is quadratic in targets and rules.
  const openedByTarget = new Map<string, AddressRange[]>();
  for (const r of opened) {
    const ranges = openedByTarget.get(r.target);
    if (ranges) ranges.push(rangeOf(r.cidr));
    else openedByTarget.set(r.target, [rangeOf(r.cidr)]);
  }
  const targets = [...new Set([...statelessTargets, ...openedByTarget.keys()])].sort(compareText);
  return targets.map((target) => ({
    target,
    protocol: "tcp",
    fromPort: ports.from,
    toPort: ports.to,
    ...compareSets(
      openedByTarget.get(target) ?? [],
      statelessTargets.has(target) ? [...(required.get(target)?.values() ?? [])].flat() : [],
    ),
  }));
}

function compareSets(rawOpened: readonly AddressRange[], rawRequired: readonly AddressRange[]): SetComparison {
  const openedRanges = union(rawOpened);
  const requiredRanges = union(rawRequired);
  const missing = subtract(requiredRanges, openedRanges);
  const extra = subtract(openedRanges, requiredRanges);
  return {
    required: addressSet(requiredRanges),
    opened: addressSet(openedRanges),
    exact: sameRanges(openedRanges, requiredRanges) && missing.length === 0 && extra.length === 0,
    missing: addressSet(missing),
    extra: addressSet(extra),
    rules: rawOpened.length,
    fewestRules: fewestBlocks(requiredRanges),
    overlapping: addressCount(rawOpened) !== addressCount(openedRanges),
  };
}

function addressSet(ranges: readonly AddressRange[]): AddressSet {
  return { addresses: addressCount(ranges).toString(), ranges: ranges.map(formatRange) };
}

/** The generated rules do not open exactly what HubSpot's lists require: a bug, never a config problem. */
export class CoverageError extends Error {
  constructor(
    readonly failures: readonly PortCoverage[],
    readonly returnFailures: readonly ReturnCoverage[] = [],
  ) {
    super(coverageMessage(failures, returnFailures));
    this.name = "CoverageError";
  }
}

/** Throws a `CoverageError` naming every entry whose rules differ from what is required. */
export function assertCoverage(proof: readonly PortCoverage[], returns: readonly ReturnCoverage[] = []): void {
  const failures = proof.filter((entry) => !entry.exact);
  const returnFailures = returns.filter((entry) => !entry.exact);
  if (failures.length + returnFailures.length > 0) throw new CoverageError(failures, returnFailures);
}

const MAX_RANGES_SHOWN = 5;

function coverageMessage(failures: readonly PortCoverage[], returnFailures: readonly ReturnCoverage[]): string {
  const clauses = [
    ...failures.map(
      (f) =>
        `the generated rules for target ${f.target} port ${f.port}${f.destination ? ` to ${f.destination}` : ""} open ${f.opened.addresses} addresses but HubSpot's lists require ` +
        `${f.required.addresses}: missing ${rangeList(f.missing)}, extra ${rangeList(f.extra)}`,
    ),
    ...returnFailures.map(
      (f) =>
        `the generated return-traffic rules for target ${f.target} reach ${f.opened.addresses} addresses but the target lets in ` +
        `${f.required.addresses}: missing ${rangeList(f.missing)}, extra ${rangeList(f.extra)}`,
    ),
  ];
  // No "internal error"/"bug" wording here: runGuarded frames every uncaught error that way.
  return clauses.join("; ");
}

function rangeList(set: AddressSet): string {
  if (set.ranges.length === 0) return "none";
  const shown = set.ranges.slice(0, MAX_RANGES_SHOWN).join(" ");
  const more = set.ranges.length - MAX_RANGES_SHOWN;
  return `${shown}${more > 0 ? ` (+${more} more ranges)` : ""} (${set.addresses} address${set.addresses === "1" ? "" : "es"})`;
}

/** The one-line proof an auditor reads: `tcp/993: 264 addresses required, 264 opened, exact (6 rules, minimal)`. */
export function describeCoverage(entry: PortCoverage): string {
  return describe(`${entry.protocol}/${entry.port}${entry.destination ? ` to ${entry.destination}` : ""}`, entry);
}

/** `return traffic tcp/1024-65535: 272 addresses required, 272 opened, exact (6 rules, minimal)` */
export function describeReturnCoverage(entry: ReturnCoverage): string {
  return describe(`return traffic ${entry.protocol}/${entry.fromPort}-${entry.toPort}`, entry);
}

function describe(what: string, entry: SetComparison): string {
  const head = `${what}: ${entry.required.addresses} addresses required, ${entry.opened.addresses} opened`;
  if (!entry.exact) return `${head}, NOT EXACT (missing ${entry.missing.addresses}, extra ${entry.extra.addresses})`;
  const rules = `${entry.rules} rule${entry.rules === 1 ? "" : "s"}`;
  const minimal = entry.rules === entry.fewestRules && !entry.overlapping ? "minimal" : `not minimal: ${entry.fewestRules} would do`;
  return `${head}, exact (${rules}, ${minimal})`;
}

/**
 * An emitted resource the proof cannot account for (wrong protocol, a port range, no CIDR, no
 * target tag, the wrong region or group, another kind of ingress, a quota or numbering AWS would
 * refuse): a bug, never a config problem.
 */
export class EmittedRuleError extends Error {
  constructor(readonly problems: readonly { readonly path: string; readonly problem: string }[]) {
    super(
      `${problems
        .slice(0, MAX_RANGES_SHOWN)
        .map((p) => `the emitted resource ${p.path} ${p.problem}`)
        .join("; ")}${problems.length > MAX_RANGES_SHOWN ? ` (+${problems.length - MAX_RANGES_SHOWN} more)` : ""}`,
    );
    this.name = "EmittedRuleError";
  }
}

function compareDestinations(a: Cidr | undefined, b: Cidr | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  if (a.family !== b.family) return a.family - b.family;
  if (a.first !== b.first) return a.first < b.first ? -1 : 1;
  return a.prefixLength - b.prefixLength;
}
