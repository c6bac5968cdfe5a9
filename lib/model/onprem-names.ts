import { targetPartOf, type OnPremFirewallTarget } from "../kinds/targets";

/**
 * What a target outside AWS owns where it lands: the files it writes under `<artifacts>/firewalls/`
 * and, for nftables, the chain and sets in the host's table. Each kind names its own
 * (lib/kinds/<kind>/target.ts); the policy and each kind's clash check (its check.ts, called by
 * lib/config/cross-file.ts), which refuses two targets that would own the same one, read them
 * from there.
 */
export { FIREWALLS_DIR, SOURCE_LIST_KEYS, type SourceListKey } from "./source-lists";
export { nftFamilies, nftOwnedSets, nftSetName } from "../kinds/nftables/target";
export { allowlistFile } from "../kinds/allowlist/target";

/** Every file the target can write, relative to the artifacts directory. */
export function onPremFiles(target: Pick<OnPremFirewallTarget, "type" | "name">): string[] {
  return targetPartOf(target).files(target);
}
