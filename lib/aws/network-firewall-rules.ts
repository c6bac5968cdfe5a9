import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { NetworkfirewallRuleGroup } from "@cdktf/provider-aws/lib/networkfirewall-rule-group";
import type { NetworkFirewallPolicy } from "../policy/firewall-policy";
import { ruleGroupArnOutputName, ruleGroupResourceName } from "../terraform/names";
import { escapeTerraformString } from "../terraform/text";
import { moveFromOldName } from "./moved";

export interface NetworkFirewallRulesProps {
  /** The target's plan: its stateful rules with their sids, and the capacity. */
  readonly policy: NetworkFirewallPolicy;
}

/**
 * One stateful `aws_networkfirewall_rule_group` in the policy's rule order (which must match the
 * firewall policy's) and one 5-tuple PASS rule per (HubSpot CIDR, destination, port). mailgate
 * creates the group; attaching it to a firewall policy is the user's (its ARN is an output).
 */
export class NetworkFirewallRules extends Construct {
  constructor(scope: Construct, id: string, props: NetworkFirewallRulesProps) {
    super(scope, id);
    const { target, plannedRules, capacity, ruleOrder } = props.policy;
    const group = new NetworkfirewallRuleGroup(this, "rule-group", {
      name: escapeTerraformString(target.ruleGroupName),
      type: "STATEFUL",
      capacity,
      description: `HubSpot connected-email ingress managed by mailgate (target ${target.name})`,
      ruleGroup: {
        statefulRuleOptions: { ruleOrder },
        rulesSource: {
          statefulRule: plannedRules.map(({ place: { sid }, destination, content: rule }) => ({
            action: "PASS",
            header: {
              protocol: "TCP",
              source: rule.cidr.toString(),
              sourcePort: "ANY",
              destination: destination.toString(),
              destinationPort: String(rule.port),
              direction: "FORWARD",
            },
            ruleOption: [{ keyword: "sid", settings: [String(sid)] }],
          })),
        },
      },
      tags: { MailgateTarget: target.name },
    });
    group.overrideLogicalId(ruleGroupResourceName(target.name));
    moveFromOldName(group, target.renamedFrom === undefined ? undefined : ruleGroupResourceName(target.renamedFrom));
    new TerraformOutput(this, "rule-group-arn", {
      value: group.arn,
      description: `Stateful rule group holding HubSpot's ingress for target ${target.name}; reference it from your firewall policy`,
    }).overrideLogicalId(ruleGroupArnOutputName(target.name));
  }
}
