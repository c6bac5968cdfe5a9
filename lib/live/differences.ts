// What every kind's comparison with AWS's exports (lib/kinds/<kind>/live.ts) reports, and the
// interval arithmetic and wording they share.
import { addressCount, formatRange, subtract, union, type AddressRange } from "../audit/intervals";
import type { AwsFirewallType } from "../model/config";

export type DifferenceKind = "missing" | "exposure" | "drift";

/** One difference, named by the AWS id that causes it (or, for what is missing, the planned rule). */
export interface Difference {
  readonly kind: DifferenceKind;
  /** `sgr-...`, `acl-... rule 120`, `pl-...`, `sid 1234567`, or a Terraform address when missing. */
  readonly id: string;
  /** The mail port it concerns, when it concerns one. */
  readonly port?: number;
  readonly message: string;
}

/** One rule that admits TCP on a mail port, and what the audit makes of it. */
export interface Admitter {
  readonly id: string;
  /** What it is, as AWS says: `tcp/993 from 0.0.0.0/0`, `all traffic from sg-...`. */
  readonly what: string;
  /** `planned` (a rule the config plans), `inside` (inside HubSpot's lists, not planned), `exposure`. */
  readonly status: "planned" | "inside" | "exposure";
}

/** One mail port of a target (and, for a Network Firewall, one destination). */
export interface PortState {
  readonly port: number;
  readonly destination?: string;
  readonly required: bigint;
  /** Addresses known to be admitted (a referenced group's are unknown and not counted). */
  readonly admitted: bigint;
  /** Admitted addresses outside HubSpot's lists, as ranges. */
  readonly outside: readonly string[];
  /** Required addresses AWS does not admit. */
  readonly notAdmitted: readonly string[];
  readonly exact: boolean;
  readonly admitters: readonly Admitter[];
}

export interface TargetReport {
  readonly target: string;
  readonly type: AwsFirewallType;
  readonly region: string;
  readonly account?: string;
  /** The AWS objects compared: group ids, the ACL id, the rule group's ARN. */
  readonly awsIds: readonly string[];
  readonly ports: readonly PortState[];
  readonly differences: readonly Difference[];
  /** Facts that are no difference (a planned rule made by hand: `mailgate adopt` imports it). */
  readonly notes: readonly string[];
  /**
   * Security groups only: each planned rule AWS holds with the same content (group, tcp, the
   * port, the CIDR or prefix list), with the rule that holds it: what `mailgate adopt` reads.
   */
  readonly matched?: readonly MatchedRule[];
}

/** A planned security group rule and the AWS rule with its content. */
export interface MatchedRule {
  /** The planned rule's Terraform address. */
  readonly address: string;
  /** `sgr-...` */
  readonly ruleId: string;
  readonly groupId: string;
  readonly port: number;
  readonly source: "cidr" | "prefix-list";
  /** The rule's `MailgateTarget` tag: present when mailgate made it (so some state holds it). */
  readonly tagged?: string;
}

export interface LiveReport {
  readonly targets: readonly TargetReport[];
  readonly exact: boolean;
}

export type CompareResult = { readonly ok: true; readonly report: LiveReport } | { readonly ok: false; readonly message: string };

/** An export the comparison needs and the files do not hold: the input is unusable, not different. */
export class Incomplete extends Error {}

export const EVERYTHING: readonly AddressRange[] = [
  { family: 4, first: 0n, last: (1n << 32n) - 1n },
  { family: 6, first: 0n, last: (1n << 128n) - 1n },
];

export function portState(port: number, destination: string | undefined, need: readonly AddressRange[], known: readonly AddressRange[], admitters: Admitter[]): PortState {
  const admitted = union(known);
  const outside = subtract(admitted, need);
  const notAdmitted = subtract(union(need), admitted);
  return {
    port,
    ...(destination !== undefined ? { destination } : {}),
    required: addressCount(need),
    admitted: addressCount(admitted),
    outside: outside.map(formatRange),
    notAdmitted: notAdmitted.map(formatRange),
    exact: outside.length === 0 && notAdmitted.length === 0 && admitters.every((a) => a.status !== "exposure"),
    admitters: [...admitters].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
}

export function countText(n: bigint): string {
  return `${n} address${n === 1n ? "" : "es"}`;
}

/** At most five ranges: the count says how many addresses; --format json has them all. */
export function rangesText(ranges: readonly AddressRange[]): string {
  const shown = ranges.slice(0, 5).map(formatRange);
  return ranges.length > 5 ? `${shown.join(", ")} and ${ranges.length - 5} more ranges` : shown.join(", ");
}

const KIND_ORDER: Record<DifferenceKind, number> = { exposure: 0, missing: 1, drift: 2 };

export function sortDifferences(ds: Difference[]): Difference[] {
  const seen = new Set<string>();
  return ds
    .filter((d) => {
      const k = `${d.kind} ${d.id} ${d.port ?? ""} ${d.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.port ?? 0) - (b.port ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

/** The addresses in both. */
export function intersect(a: readonly AddressRange[], b: readonly AddressRange[]): AddressRange[] {
  const left = union(a);
  return subtract(left, subtract(left, union(b)));
}
