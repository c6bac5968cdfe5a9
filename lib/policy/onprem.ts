import { Cidr, type IpFamily } from "../model/cidr";
import type { AllowlistTarget, NftablesTarget, OnPremFirewallTarget, WindowsFirewallTarget } from "../model/config";
import type { HubSpotList } from "../model/ip-catalog";
import { allowlistFile, FIREWALLS_DIR, nftFamilies, nftOwnedSets, nftSetName, onPremFiles, SOURCE_LIST_KEYS, sourceListKey, type SourceListKey } from "../model/onprem-names";
import type { FirewallRule, UnservedNeed } from "./rule";

/**
 * Targets outside AWS: their rules are files under `<artifacts>/firewalls/` that someone loads on
 * the firewall (nftables, a PowerShell script, address lists), not Terraform. Same rules as every
 * other target (the per-port minimal exact cover of the lists the port needs); what differs is
 * how a file groups them. Pure, like the rest of the policy. The names of what a target owns
 * (files, sets) are the model's (lib/model/onprem-names.ts), shared with validation.
 */

export { allowlistFile, FIREWALLS_DIR, nftFamilies, nftSetName, sourceListKey, type SourceListKey };

/** @default of `allowlist.maxEntries`: the smallest documented limit (README, "Firewalls outside AWS"). */
export const DEFAULT_ALLOWLIST_MAX_ENTRIES = 50_000;

/** One port of a target: the lists it needs and its rules (the minimal exact cover of their union). */
export interface PortSources {
  readonly port: number;
  readonly key: SourceListKey;
  readonly lists: readonly HubSpotList[];
  /** Sorted by `Cidr.compare`. */
  readonly rules: readonly FirewallRule[];
}

/**
 * The target's rules per port. A block's `lists` are the lists it overlaps, and every list a port
 * needs overlaps some block of the port's cover, so the union of the blocks' lists is exactly what
 * the port needs.
 */
export function portSources(rules: readonly FirewallRule[]): PortSources[] {
  const byPort = new Map<number, FirewallRule[]>();
  for (const rule of rules) byPort.set(rule.port, [...(byPort.get(rule.port) ?? []), rule]);
  return [...byPort.keys()]
    .sort((a, b) => a - b)
    .map((port) => {
      const portRules = [...(byPort.get(port) ?? [])].sort((a, b) => Cidr.compare(a.cidr, b.cidr));
      const lists = [...new Set(portRules.flatMap((r) => r.lists))].sort();
      return { port, key: sourceListKey(lists), lists, rules: portRules };
    });
}

interface OnPremPolicyBase {
  /** The exact (port, source CIDR) pairs, as for every target. */
  readonly rules: readonly FirewallRule[];
  /** Every file the target writes, relative to the artifacts directory, sorted. */
  readonly artifacts: readonly string[];
}

/** A named interval set the .nft file owns: one per (lists, family), named after the chain. */
export interface NftSetPlan {
  readonly name: string;
  readonly key: SourceListKey;
  readonly lists: readonly HubSpotList[];
  readonly family: IpFamily;
  /** The minimal exact cover of the lists, of this family. */
  readonly entries: readonly Cidr[];
}

/** One rule of mailgate's chain: `tcp dport <port> [ip daddr {...}] ip saddr @<set> accept`. */
export interface NftRulePlan {
  readonly port: number;
  readonly family: IpFamily;
  readonly set: string;
  /** The destinations of this family the rule is limited to; empty: any address of the host. */
  readonly destinations: readonly Cidr[];
  /** The (port, CIDR) pairs the rule admits: the set's entries. */
  readonly rules: readonly FirewallRule[];
}

export interface NftablesPolicy extends OnPremPolicyBase {
  readonly type: "nftables";
  readonly target: NftablesTarget;
  /** Sets some rule references, sorted by name. */
  readonly sets: readonly NftSetPlan[];
  /**
   * Every set name the file owns in the table (`add set` + `flush set`), used or not: a set a
   * config no longer needs is emptied on the next load rather than left holding old addresses.
   */
  readonly ownedSets: readonly { readonly name: string; readonly family: IpFamily }[];
  /** Sorted by port, then family. */
  readonly chainRules: readonly NftRulePlan[];
  /**
   * With `destinations`: the needs no rule serves, as for Network Firewall (a list with no
   * address of any destination's family). `checkLimits` refuses them (`NOTHING_ADMITTED`). Sorted.
   */
  readonly unserved: readonly UnservedNeed[];
}

/** One `New-NetFirewallRule`: TCP to one port from the port's sources. */
export interface WindowsRulePlan {
  readonly displayName: string;
  readonly port: number;
  readonly key: SourceListKey;
  readonly rules: readonly FirewallRule[];
}

export interface WindowsFirewallPolicy extends OnPremPolicyBase {
  readonly type: "windows-firewall";
  readonly target: WindowsFirewallTarget;
  /** Sorted by port. */
  readonly windowsRules: readonly WindowsRulePlan[];
}

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

export interface AllowlistPolicy extends OnPremPolicyBase {
  readonly type: "allowlist";
  readonly target: AllowlistTarget;
  /** `target.maxEntries` with its default applied. */
  readonly maxEntries: number;
  /** Sorted by key (`imap`, `imap-smtp`, `smtp`). */
  readonly files: readonly AllowlistFilePlan[];
}

export type OnPremPolicy = NftablesPolicy | WindowsFirewallPolicy | AllowlistPolicy;

/** `unserved`: the needs the target's `destinations` leave without a rule (`unservedNeeds`); only nftables has destinations. */
export function planOnPrem(target: OnPremFirewallTarget, rules: readonly FirewallRule[], unserved: readonly UnservedNeed[] = []): OnPremPolicy {
  switch (target.type) {
    case "nftables":
      return planNftables(target, rules, unserved);
    case "windows-firewall":
      return planWindowsFirewall(target, rules);
    case "allowlist":
      return planAllowlist(target, rules);
  }
}

/**
 * An nftables target: one set per (lists, family) the ports need, holding the minimal cover, and
 * per port and family one rule matching the port's set (and the destinations of that family,
 * when given: a family without a destination gets no rule, as an IPv4 source never reaches an
 * IPv6 address). Rules of a family the table cannot match are left out here and reported by
 * `checkLimits` (`NFT_FAMILY_MISMATCH`).
 */
function planNftables(target: NftablesTarget, rules: readonly FirewallRule[], unserved: readonly UnservedNeed[]): NftablesPolicy {
  const families = nftFamilies(target);
  const sets = new Map<string, NftSetPlan>();
  const chainRules: NftRulePlan[] = [];
  for (const port of portSources(rules)) {
    for (const family of families) {
      const familyRules = port.rules.filter((r) => r.cidr.family === family);
      if (familyRules.length === 0) continue;
      const destinations = (target.destinations ?? []).filter((d) => d.family === family);
      if (target.destinations !== undefined && destinations.length === 0) continue;
      const name = nftSetName(target.chain, port.key, family);
      if (!sets.has(name)) sets.set(name, { name, key: port.key, lists: port.lists, family, entries: familyRules.map((r) => r.cidr) });
      chainRules.push({ port: port.port, family, set: name, destinations, rules: familyRules });
    }
  }
  return {
    type: "nftables",
    target,
    rules,
    artifacts: onPremFiles(target),
    sets: [...sets.values()].sort((a, b) => compareText(a.name, b.name)),
    ownedSets: nftOwnedSets(target),
    chainRules,
    unserved,
  };
}

const LIST_LABEL: Record<SourceListKey, string> = { imap: "HubSpot IMAP", smtp: "HubSpot SMTP", "imap-smtp": "HubSpot IMAP+SMTP" };

/** `mailgate-mail-win tcp/993 (HubSpot IMAP)`: stable, so a reader finds the rule in `Get-NetFirewallRule`. */
export function windowsRuleName(group: string, port: number, key: SourceListKey): string {
  return `${group} tcp/${port} (${LIST_LABEL[key]})`;
}

/** A Windows target: one inbound rule per port, from exactly the port's cover. */
function planWindowsFirewall(target: WindowsFirewallTarget, rules: readonly FirewallRule[]): WindowsFirewallPolicy {
  return {
    type: "windows-firewall",
    target,
    rules,
    artifacts: onPremFiles(target),
    windowsRules: portSources(rules).map((p) => ({ displayName: windowsRuleName(target.group, p.port, p.key), port: p.port, key: p.key, rules: p.rules })),
  };
}

/**
 * An allowlist target: one file per combination of lists some port needs. Every port with the
 * same lists has the same cover (it depends only on the lists), so the file is the port's rules.
 */
function planAllowlist(target: AllowlistTarget, rules: readonly FirewallRule[]): AllowlistPolicy {
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

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
