import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { NetworkAclRule } from "@cdktf/provider-aws/lib/network-acl-rule";
import type { NetworkAclPolicy } from "../policy/firewall-policy";
import { networkAclIdOutputName, networkAclInboundResourceName, networkAclReturnResourceName } from "../terraform/names";
import { EPHEMERAL_PORTS } from "../model/ports";
import { moveFromOldName } from "./moved";

export interface NetworkAclRulesProps {
  /** The target's plan: numbered inbound rules and the return-traffic rules. */
  readonly policy: NetworkAclPolicy;
}

/** TCP as AWS stores it: the provider reads rules back as protocol numbers, so "6" never diffs. */
const TCP = "6";

/**
 * A rule whose number changes (its range narrowed, or an older file's number taken back) is
 * replaced: created at its new number before the old one is deleted, so its addresses are never
 * unadmitted. The new number is free in the old state too (lib/policy/numbering.ts), so AWS never
 * sees it taken twice, and validate checks the moment both exist against the quota.
 */
const CREATE_BEFORE_DESTROY = { createBeforeDestroy: true } as const;

/**
 * HubSpot's ingress on an existing network ACL: one `aws_network_acl_rule` allowing TCP from
 * each source to each port, and, since ACLs are stateless, one outbound rule per source block
 * allowing the replies to its ephemeral ports. Rule numbers are the policy's.
 */
export class NetworkAclRules extends Construct {
  constructor(scope: Construct, id: string, props: NetworkAclRulesProps) {
    super(scope, id);
    const { target, inbound, outbound } = props.policy;
    const was = target.renamedFrom;
    for (const { place: { ruleNumber }, content: rule } of inbound) {
      const name = networkAclInboundResourceName(target.name, rule);
      const resource = new NetworkAclRule(this, name, {
        networkAclId: target.networkAclId,
        egress: false,
        ruleNumber,
        protocol: TCP,
        ruleAction: "allow",
        fromPort: rule.port,
        toPort: rule.port,
        ...(rule.cidr.family === 4 ? { cidrBlock: rule.cidr.toString() } : { ipv6CidrBlock: rule.cidr.toString() }),
        lifecycle: CREATE_BEFORE_DESTROY,
      });
      resource.overrideLogicalId(name);
      moveFromOldName(resource, was === undefined ? undefined : networkAclInboundResourceName(was, rule));
    }
    for (const { place: { ruleNumber }, content: { returnTo: cidr } } of outbound) {
      const name = networkAclReturnResourceName(target.name, cidr);
      const resource = new NetworkAclRule(this, name, {
        networkAclId: target.networkAclId,
        egress: true,
        ruleNumber,
        protocol: TCP,
        ruleAction: "allow",
        fromPort: EPHEMERAL_PORTS.from,
        toPort: EPHEMERAL_PORTS.to,
        ...(cidr.family === 4 ? { cidrBlock: cidr.toString() } : { ipv6CidrBlock: cidr.toString() }),
        lifecycle: CREATE_BEFORE_DESTROY,
      });
      resource.overrideLogicalId(name);
      moveFromOldName(resource, was === undefined ? undefined : networkAclReturnResourceName(was, cidr));
    }
    new TerraformOutput(this, "network-acl-id", {
      value: target.networkAclId,
      description: `Network ACL holding HubSpot's rules for target ${target.name}`,
    }).overrideLogicalId(networkAclIdOutputName(target.name));
  }
}
