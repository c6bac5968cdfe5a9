import type { Cidr } from "../../model/cidr";
import type { AllowlistTarget } from "../../model/config";
import type { HubSpotList } from "../../model/ip-catalog";
import { SOURCE_LIST_KEYS, type SourceListKey } from "../../model/source-lists";
import { portSources, type OnPremPlan } from "../../policy/port-sources";
import type { LimitProblem } from "../../policy/problems";
import type { FirewallRule } from "../../policy/rule";
import { OUTSIDE_AWS, type PlanPart } from "../plan-part";
import { allowlistFile } from "./target";

/** @default of `allowlist.maxEntries`: the smallest documented limit (README, "Firewalls outside AWS"). */
export const DEFAULT_ALLOWLIST_MAX_ENTRIES = 50_000;

/** One address list file: the sources of every port that needs exactly these lists. */
export interface AllowlistFilePlan {
  /** `firewalls/<target>-<key>.txt` */
  readonly file: string;
  readonly key: SourceListKey;
  readonly lists: readonly HubSpotList[];
  /** The ports whose policy rule names this file as its source, ascending. */
  readonly ports: readonly number[];
  /** The minimal exact cover of the lists (IPv4 first). */
  readonly entries: readonly Cidr[];
}

export interface AllowlistPolicy extends OnPremPlan {
  readonly type: "allowlist";
  readonly target: AllowlistTarget;
  /** `target.maxEntries` with its default applied. */
  readonly maxEntries: number;
  /** Sorted by key (`imap`, `imap-smtp`, `smtp`). */
  readonly files: readonly AllowlistFilePlan[];
}

/**
 * An allowlist target: one file per combination of lists some port needs. Every port with the
 * same lists has the same cover (it depends only on the lists), so the file is the port's rules.
 */
export function planAllowlist(target: AllowlistTarget, rules: readonly FirewallRule[]): AllowlistPolicy {
  const byKey = new Map<SourceListKey, { lists: readonly HubSpotList[]; ports: number[]; entries: readonly Cidr[] }>();
  for (const p of portSources(rules)) {
    const entry = byKey.get(p.key);
    if (entry) entry.ports.push(p.port);
    else byKey.set(p.key, { lists: p.lists, ports: [p.port], entries: p.rules.map((r) => r.cidr) });
  }
  const files = SOURCE_LIST_KEYS.filter((key) => byKey.has(key)).map((key) => {
    const { lists, ports, entries } = byKey.get(key) as { lists: readonly HubSpotList[]; ports: number[]; entries: readonly Cidr[] };
    return { file: allowlistFile(target.name, key), key, lists, ports, entries };
  });
  return {
    type: "allowlist",
    target,
    rules,
    maxEntries: target.maxEntries ?? DEFAULT_ALLOWLIST_MAX_ENTRIES,
    artifacts: files.map((f) => f.file),
    files,
  };
}

export const allowlistPlan: PlanPart<AllowlistTarget, AllowlistPolicy> = {
  plan: (target, { rules }) => planAllowlist(target, rules),
  ...OUTSIDE_AWS,
  limits: (p) => p.files.flatMap((f): LimitProblem[] => (f.entries.length > p.maxEntries ? [{ kind: "allowlist-too-large", target: p.target, file: f.file, entries: f.entries.length, allowed: p.maxEntries }] : [])),
};
