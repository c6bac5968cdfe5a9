/**
 * Synthesized Terraform JSON read back for tests: the reading is the verifier's own (lib/verify,
 * which main.ts runs on every written stack), so there is one reader of cdk.tf.json; what stays
 * here is the test's oracle, built from HubSpot's lists as FACTS.md prints them and never from
 * mailgate's policy or audit code, and the comparisons of the two.
 */
import { Cidr } from "../../lib/model/cidr";
import type { Config, DomainSettings } from "../../lib/model/config";
import type { TerraformJson } from "../../lib/verify/terraform-json";
import { expectationOf, readFindings } from "../../lib/verify/verify-terraform";
import { FACTS_IMAP, FACTS_SMTP } from "../model/facts";
import { mergeSpans, spanOf, type Span } from "../policy/oracle";

/** The parts of `cdk.tf.json` tests look at (the verifier's type, with the resources' arguments open). */
export type TfJson = TerraformJson & {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
};

export interface Admitted {
  readonly target: string;
  readonly destination?: string;
  readonly port: number;
  readonly cidr: string;
}

export interface ReadResult {
  readonly admitted: Admitted[];
  /** Network ACL outbound rules: target -> CIDRs the replies may go to. */
  readonly returns: Map<string, string[]>;
  /** Everything AWS would refuse, or that no target explains (`<construct path>: <problem>`). Empty when all is well. */
  readonly problems: string[];
  /** Security groups per target: group reference -> weight per family. */
  readonly groups: Map<string, Map<string, { 4: number; 6: number }>>;
  /** Terraform rule resources (Network Firewall: stateful rules) per target. */
  readonly ruleCount: Map<string, number>;
}

/** Stack name -> its JSON, read by the verifier into what each target admits. */
export function readTerraform(stacks: Record<string, TfJson>, config: Config): ReadResult {
  const written = Object.entries(stacks)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, json]) => ({ name, folder: `stacks/${name}`, json }));
  const findings = readFindings(written, expectationOf(config));
  const returns = new Map<string, string[]>();
  for (const { target, cidr } of findings.returns) returns.set(target, [...(returns.get(target) ?? []), cidr.toString()]);
  const groups = new Map<string, Map<string, { 4: number; 6: number }>>();
  for (const { target, group, weight } of findings.groups) groups.set(target, (groups.get(target) ?? new Map()).set(group, weight));
  return {
    admitted: findings.opened.map((o) => ({ target: o.target, ...(o.destination ? { destination: o.destination.toString() } : {}), port: o.port, cidr: o.cidr.toString() })),
    returns,
    problems: findings.problems.map((p) => `${p.path}: ${p.problem}`),
    groups,
    ruleCount: findings.rules,
  };
}

// ---- the oracle

function listsAt(domain: DomainSettings): [number, "smtp" | "imap"][] {
  return domain.kind === "imap"
    ? [
        [domain.incoming.port, "imap"],
        [domain.outgoing.port, "smtp"],
      ]
    : [
        [domain.endpoint.port, "imap"],
        [domain.endpoint.port, "smtp"],
      ];
}

/**
 * What every target must admit, from the config and HubSpot's lists as FACTS.md prints them (or
 * the config's own lists): key `target|destination|port` -> merged spans.
 */
export function oracle(config: Config): Map<string, Span[]> {
  const lists = {
    smtp: (config.ipRanges?.smtp.map(String) ?? FACTS_SMTP).map((t) => spanOf(Cidr.of(t))),
    imap: (config.ipRanges?.imap.map(String) ?? FACTS_IMAP).map((t) => spanOf(Cidr.of(t))),
  };
  const out = new Map<string, Span[]>();
  for (const domain of config.domains) {
    for (const name of domain.firewalls) {
      const target = config.firewalls.find((t) => t.name === name);
      if (!target) continue;
      for (const [port, list] of listsAt(domain)) {
        const destinations = target.type === "aws-network-firewall" ? target.destinations : [undefined];
        for (const d of destinations) {
          const key = `${name}|${d?.toString() ?? ""}|${port}`;
          const spans = lists[list].filter((s) => d === undefined || s.family === d.family);
          out.set(key, mergeSpans([...(out.get(key) ?? []), ...spans]));
        }
      }
    }
  }
  for (const [key, spans] of out) if (spans.length === 0) out.delete(key);
  return out;
}

/** The reader's admitted pairs in the oracle's shape. */
export function admittedSpans(read: ReadResult): Map<string, Span[]> {
  const out = new Map<string, Span[]>();
  for (const a of read.admitted) {
    const key = `${a.target}|${a.destination ?? ""}|${a.port}`;
    out.set(key, [...(out.get(key) ?? []), spanOf(Cidr.of(a.cidr))]);
  }
  return new Map([...out].map(([k, v]) => [k, mergeSpans(v)]));
}

/** For each network ACL target: the replies' destinations against everything it lets in. */
export function returnMismatches(read: ReadResult, config: Config): string[] {
  const expected = oracle(config);
  return config.firewalls
    .filter((t) => t.type === "aws-network-acl" && [...expected.keys()].some((k) => k.startsWith(`${t.name}|`)))
    .flatMap((t) => {
      const want = mergeSpans([...expected].filter(([k]) => k.startsWith(`${t.name}|`)).flatMap(([, v]) => v));
      const got = mergeSpans((read.returns.get(t.name) ?? []).map((c) => spanOf(Cidr.of(c))));
      return JSON.stringify(want, bigints) === JSON.stringify(got, bigints) ? [] : [`${t.name}: return traffic differs`];
    });
}

/** The oracle and the reader's view as comparable text, for `toEqual` with readable diffs. */
export function asText(spans: Map<string, Span[]>): Record<string, string[]> {
  return Object.fromEntries(
    [...spans].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v.map((s) => `${s.family}:${s.first}-${s.last}`)]),
  );
}

function bigints(_: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
