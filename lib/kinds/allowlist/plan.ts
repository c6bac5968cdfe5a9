import type { Cidr } from "../../model/cidr";
import type { AllowlistTarget } from "../../model/config";
import type { HubSpotList } from "../../model/ip-catalog";
import { SOURCE_LIST_KEYS, type SourceListKey } from "../../model/source-lists";
import { portSources, type OnPremPlan } from "../../policy/port-sources";
import type { LimitProblem } from "../../policy/problems";
import { sourcesRule, type PlannedRule, type SourcesContent } from "../../policy/planned-rule";
import type { FirewallRule } from "../../policy/rule";
import { OUTSIDE_AWS, type PlanPart } from "../plan-part";
import { allowlistFile } from "./target";

/** @default of `allowlist.maxEntries`: the smallest documented limit (README, "Firewalls outside AWS"). */
export const DEFAULT_ALLOWLIST_MAX_ENTRIES = 50_000;

/** One address list file: the source of every port that needs exactly these lists (the rules placed in it). */
export interface AllowlistFile {
  /** `firewalls/<target>-<key>.txt` */
  readonly file: string;
  readonly key: SourceListKey;
  readonly lists: readonly HubSpotList[];
  /** The minimal exact cover of the lists (IPv4 first). */
  readonly entries: readonly Cidr[];
}

export interface AllowlistPolicy extends OnPremPlan {
  readonly type: "allowlist";
  readonly target: AllowlistTarget;
  /** `target.maxEntries` with its default applied. */
  readonly maxEntries: number;
  /** Sorted by key (`imap`, `imap-smtp`, `smtp`). */
  readonly files: readonly AllowlistFile[];
  /** Per port, TCP from the file of its lists; sorted by port. */
  readonly plannedRules: readonly PlannedRule<{ readonly file: string }, SourcesContent>[];
}

/** The ports whose rule takes its sources from `file`, ascending. */
export function portsOf(p: AllowlistPolicy, file: string): number[] {
  return p.plannedRules.filter((r) => r.place.file === file).map((r) => r.content.port);
}

/**
 * An allowlist target: one file per combination of lists some port needs. Every port with the
 * same lists has the same cover (it depends only on the lists), so the file is the port's rules.
 */
export function planAllowlist(target: AllowlistTarget, rules: readonly FirewallRule[]): AllowlistPolicy {
  const ports = portSources(rules);
  const byKey = new Map<SourceListKey, AllowlistFile>();
  for (const p of ports) {
    if (!byKey.has(p.key)) byKey.set(p.key, { file: allowlistFile(target.name, p.key), key: p.key, lists: p.lists, entries: p.rules.map((r) => r.cidr) });
  }
  const files = SOURCE_LIST_KEYS.flatMap((key) => byKey.get(key) ?? []);
  return {
    type: "allowlist",
    target,
    rules,
    maxEntries: target.maxEntries ?? DEFAULT_ALLOWLIST_MAX_ENTRIES,
    artifacts: files.map((f) => f.file),
    files,
    plannedRules: ports.map((p) => sourcesRule(p.port, p.key, p.rules, { file: allowlistFile(target.name, p.key) })),
  };
}

export const allowlistPlan: PlanPart<AllowlistTarget, AllowlistPolicy> = {
  plan: (target, { rules }) => planAllowlist(target, rules),
  ...OUTSIDE_AWS,
  limits: (p) => p.files.flatMap((f): LimitProblem[] => (f.entries.length > p.maxEntries ? [{ kind: "allowlist-too-large", target: p.target, file: f.file, entries: f.entries.length, allowed: p.maxEntries }] : [])),
};
