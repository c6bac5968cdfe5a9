import type { AddressRange } from "../audit/intervals";
import type { TargetReport } from "../live/differences";
import type { LiveExports } from "../live/model";
import type { FirewallTarget } from "../model/config";
import type { PolicyOf, TargetPolicy } from "../policy/types";
import { allowlistLive } from "./allowlist/live";
import type { LivePart } from "./live-part";
import { networkAclLive } from "./network-acl/live";
import { networkFirewallLive } from "./network-firewall/live";
import { nftablesLive } from "./nftables/live";
import { securityGroupLive } from "./security-group/live";
import { partOf, type FirewallType, type TargetOf } from "./targets";
import { windowsFirewallLive } from "./windows-firewall/live";

/** `mailgate live`'s part of every kind (lib/kinds/targets.ts says what a kind is made of). */
export const LIVES: { readonly [K in FirewallType]: LivePart<TargetOf<K>, PolicyOf<K>> } = {
  "aws-security-group": securityGroupLive,
  "aws-network-acl": networkAclLive,
  "aws-network-firewall": networkFirewallLive,
  nftables: nftablesLive,
  "windows-firewall": windowsFirewallLive,
  allowlist: allowlistLive,
};

function livePartOf(of: { readonly type: FirewallType }): LivePart<FirewallTarget, TargetPolicy> {
  return partOf(LIVES, of);
}

/** A plan against AWS's exports; undefined for a target outside AWS. */
export function compareTarget(p: TargetPolicy, required: ReadonlyMap<number, readonly AddressRange[]>, live: LiveExports): TargetReport | undefined {
  return livePartOf(p).compare(p, required, live);
}

/** The export commands of targets in one account and region, kind by kind in the table's order. */
export function exportCommandsOf(targets: readonly FirewallTarget[], flags: string, suffix: string): string[] {
  return (Object.keys(LIVES) as FirewallType[]).flatMap((type) => livePartOf({ type }).exportCommands(targets.filter((t) => t.type === type), flags, suffix));
}

/** The addresses of a plan's rules `mailgate adopt` may import. */
export function importableRules(p: TargetPolicy): readonly string[] {
  return livePartOf(p).importable(p);
}

/** Whether `mailgate adopt` may find a plan's rules already in AWS (see `LivePart.adoption`). */
export function adoptionOf(p: TargetPolicy): "existing" | "created" | undefined {
  return livePartOf(p).adoption(p);
}
