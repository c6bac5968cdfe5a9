import type { Cidr } from "../model/cidr";
import { addressCount, fewestBlocks, formatRange, rangeOf, sameRanges, subtract, union, type AddressRange } from "./intervals";
import type { RequiredAccess } from "./required";

/** One opened permission as the proof sees it: TCP from `cidr` to `port` on `target`. */
export interface OpenedRule {
  readonly target: string;
  readonly port: number;
  readonly cidr: Cidr;
}

/** Addresses as a decimal count (IPv6 counts overflow a JSON number) and as merged ranges. */
export interface AddressSet {
  readonly addresses: string;
  readonly ranges: readonly string[];
}

/** The proof for one (target, port): what HubSpot's lists require against what the rules open. */
export interface PortCoverage {
  readonly target: string;
  readonly protocol: "tcp";
  readonly port: number;
  readonly required: AddressSet;
  readonly opened: AddressSet;
  /** Opened equals required, address for address. */
  readonly exact: boolean;
  /** Required but not opened (HubSpot would be blocked). */
  readonly missing: AddressSet;
  /** Opened but not required (more of the internet let in than HubSpot needs). */
  readonly extra: AddressSet;
  /** Rules opening this port. */
  readonly rules: number;
  /** Blocks in the smallest exact cover of the required addresses. */
  readonly fewestRules: number;
  /** Some rules open the same addresses twice (harmless to AWS's semantics, but not minimal). */
  readonly overlapping: boolean;
}

/**
 * Pure: expands the opened rules back to address ranges and compares them, per target and
 * port, with the required ranges. Every (target, port) on either side gets an entry, sorted by
 * target then port.
 */
export function proveCoverage(opened: readonly OpenedRule[], required: RequiredAccess): PortCoverage[] {
  const openedByKey = new Map<string, { target: string; port: number; ranges: AddressRange[] }>();
  for (const rule of opened) {
    const key = `${rule.target}\u0000${rule.port}`;
    const entry = openedByKey.get(key) ?? { target: rule.target, port: rule.port, ranges: [] };
    entry.ranges.push(rangeOf(rule.cidr));
    openedByKey.set(key, entry);
  }
  const keys = new Map<string, { target: string; port: number }>();
  for (const [target, ports] of required) for (const port of ports.keys()) keys.set(`${target}\u0000${port}`, { target, port });
  for (const [key, { target, port }] of openedByKey) keys.set(key, { target, port });

  return [...keys]
    .sort(([, a], [, b]) => (a.target < b.target ? -1 : a.target > b.target ? 1 : a.port - b.port))
    .map(([key, { target, port }]) => {
      const rawOpened = openedByKey.get(key)?.ranges ?? [];
      const openedRanges = union(rawOpened);
      const requiredRanges = union(required.get(target)?.get(port) ?? []);
      const missing = subtract(requiredRanges, openedRanges);
      const extra = subtract(openedRanges, requiredRanges);
      return {
        target,
        protocol: "tcp",
        port,
        required: addressSet(requiredRanges),
        opened: addressSet(openedRanges),
        exact: sameRanges(openedRanges, requiredRanges) && missing.length === 0 && extra.length === 0,
        missing: addressSet(missing),
        extra: addressSet(extra),
        rules: rawOpened.length,
        fewestRules: fewestBlocks(requiredRanges),
        overlapping: addressCount(rawOpened) !== addressCount(openedRanges),
      };
    });
}

function addressSet(ranges: readonly AddressRange[]): AddressSet {
  return { addresses: addressCount(ranges).toString(), ranges: ranges.map(formatRange) };
}

/** The generated rules do not open exactly what HubSpot's lists require: a bug, never a config problem. */
export class CoverageError extends Error {
  constructor(readonly failures: readonly PortCoverage[]) {
    super(coverageMessage(failures));
    this.name = "CoverageError";
  }
}

/** Throws a `CoverageError` naming every (target, port) whose rules differ from what is required. */
export function assertCoverage(proof: readonly PortCoverage[]): void {
  const failures = proof.filter((entry) => !entry.exact);
  if (failures.length > 0) throw new CoverageError(failures);
}

const MAX_RANGES_SHOWN = 5;

function coverageMessage(failures: readonly PortCoverage[]): string {
  const clauses = failures.map(
    (f) =>
      `the generated rules for target ${f.target} port ${f.port} open ${f.opened.addresses} addresses but HubSpot's lists require ` +
      `${f.required.addresses}: missing ${rangeList(f.missing)}, extra ${rangeList(f.extra)}`,
  );
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
  const head = `${entry.protocol}/${entry.port}: ${entry.required.addresses} addresses required, ${entry.opened.addresses} opened`;
  if (!entry.exact) return `${head}, NOT EXACT (missing ${entry.missing.addresses}, extra ${entry.extra.addresses})`;
  const rules = `${entry.rules} rule${entry.rules === 1 ? "" : "s"}`;
  const minimal = entry.rules === entry.fewestRules && !entry.overlapping ? "minimal" : `not minimal: ${entry.fewestRules} would do`;
  return `${head}, exact (${rules}, ${minimal})`;
}

/**
 * An emitted resource the proof cannot account for (wrong protocol, a port range, no CIDR, no
 * target tag, the wrong region or group, another kind of ingress): a bug, never a config problem.
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
