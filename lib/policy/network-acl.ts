import { Cidr } from "../model/cidr";
import type { NetworkAclTarget } from "../model/config";
import { minimalCover } from "./aggregate";
import type { FirewallRule, NetworkAclPolicy } from "./types";
import { assignStableNumbers } from "./numbering";
import { networkAclInboundKey, type TargetPlacement } from "./placements";
import { DEFAULT_NETWORK_ACL_MAX_RULES } from "./quota";
import { mergeProvenance } from "./needs";

/**
 * A network ACL target: one inbound allow rule per (port, CIDR), and, because ACLs are
 * stateless, outbound allow rules for TCP 1024-65535 (the ephemeral ports HubSpot's side of each
 * connection uses) back to every source. The outbound sources are the minimal exact cover of all
 * inbound sources together, one rule per block: the same addresses as one rule per distinct
 * inbound CIDR, in fewer rules (the ACL quota is 20 per direction).
 *
 * Rule numbers come from `assignStableNumbers` inside `ruleNumbers`; AWS keeps separate numbered
 * lists for inbound and outbound rules, so each direction uses the whole range independently.
 */
export function planNetworkAcl(target: NetworkAclTarget, rules: readonly FirewallRule[], previous?: TargetPlacement): NetworkAclPolicy {
  const { from, to } = target.ruleNumbers;
  // Every number the last synth used is taken until this apply ends: kept by its rule, or
  // leaving with a rule that is removed or renumbered (assignStableNumbers' `reserved`).
  const inboundNumbers = assignStableNumbers(rules.map(networkAclInboundKey), from, to, previous?.inbound, previous?.inbound?.values());
  const inbound = rules.map((rule) => ({ ruleNumber: inboundNumbers.get(networkAclInboundKey(rule)) ?? 0, rule }));

  const returnBlocks = minimalCover(rules.map((r) => r.cidr));
  const outboundNumbers = assignStableNumbers(returnBlocks.map(String), from, to, previous?.outbound, previous?.outbound?.values());
  const outbound = returnBlocks.map((cidr) => ({
    ruleNumber: outboundNumbers.get(cidr.toString()) ?? 0,
    cidr,
    ...mergeProvenance(rules.filter((r) => r.cidr.overlaps(cidr))),
  }));
  return {
    type: "aws-network-acl",
    target,
    maxRules: target.maxRules ?? DEFAULT_NETWORK_ACL_MAX_RULES,
    rules,
    inbound,
    outbound: outbound.sort((a, b) => Cidr.compare(a.cidr, b.cidr)),
  };
}
