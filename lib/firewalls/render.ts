import { filesOf } from "../kinds/renders";
import type { FirewallPolicy } from "../policy/firewall-policy";

/**
 * The files of targets outside AWS, as exact bytes, keyed by their name in the artifacts
 * directory (`firewalls/...`); each kind writes its own (lib/kinds/<kind>/render.ts, with what they
 * share in ./text.ts). Deterministic: built only from the policy and the catalog.
 */
export function renderFirewallArtifacts(policy: FirewallPolicy): [string, string][] {
  return policy.targets.flatMap((p) => filesOf(p, policy.catalog));
}
