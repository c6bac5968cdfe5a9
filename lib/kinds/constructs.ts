import type { AwsTargetPolicy, PolicyOf } from "../policy/types";
import type { ConstructPart } from "./construct-part";
import { networkAclConstruct } from "./network-acl/construct";
import { networkFirewallConstruct } from "./network-firewall/construct";
import { securityGroupConstruct } from "./security-group/construct";
import { partOf, type AwsFirewallType } from "./targets";

/**
 * The cdktf edge's part of every AWS kind (lib/kinds/targets.ts says what a kind is made of). This
 * table and its parts are of the lib/aws layer, beside lib/aws/region-stack.ts that reads it: each
 * part makes its kind's constructs from lib/aws (security-group-ingress.ts, ...), so it stands
 * where they do, and no import points up from lib/aws to a layer above it.
 */
export const CONSTRUCTS: { readonly [K in AwsFirewallType]: ConstructPart<PolicyOf<K>> } = {
  "aws-security-group": securityGroupConstruct,
  "aws-network-acl": networkAclConstruct,
  "aws-network-firewall": networkFirewallConstruct,
};

/** The construct part of an AWS plan's kind; the table guarantees the part reads this kind. */
export function constructPartOf(policy: Pick<AwsTargetPolicy, "type">): ConstructPart<AwsTargetPolicy> {
  return partOf(CONSTRUCTS, policy);
}
