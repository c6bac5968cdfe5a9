import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { TargetPolicy } from "../policy/firewall-policy";
import type { PrefixListPlan } from "../policy/prefix-lists";
import { regionStackName } from "./naming";
import { NetworkAclRules } from "./network-acl-rules";
import { NetworkFirewallRules } from "./network-firewall-rules";
import { HubSpotPrefixLists } from "./prefix-lists";
import { SecurityGroupIngress } from "./security-group-ingress";

export interface RegionStackProps {
  readonly region: string;
  /** The targets in this region, each with its plan. */
  readonly targets: readonly TargetPolicy[];
  /** The prefix lists the stack's security group rules reference (created once per stack). */
  readonly prefixLists: readonly PrefixListPlan[];
}

/** One Terraform stack (one state, one provider) per AWS region. */
export class RegionStack extends TerraformStack {
  constructor(scope: Construct, props: RegionStackProps) {
    const name = regionStackName(props.region);
    super(scope, name);

    // cdktf's default local backend path is absolute, so the same config would synthesize
    // different bytes on every machine. Terraform runs in <outdir>/stacks/<name>: the state lives
    // beside the output directory, which is the project root for the default cdktf.out. Never
    // inside it: cdktf deletes the folders of stacks that disappear, and the state with them.
    new LocalBackend(this, { path: `../../../terraform.${name}.tfstate` });

    new AwsProvider(this, "aws", {
      region: props.region,
      defaultTags: [{ tags: { ManagedBy: "mailgate" } }],
    });

    const prefixListIds = props.prefixLists.length > 0 ? new HubSpotPrefixLists(this, "hubspot-prefix-lists", props).ids : new Map<string, string>();
    for (const policy of props.targets) {
      switch (policy.type) {
        case "aws-security-group":
          new SecurityGroupIngress(this, policy.target.name, { policy, prefixListIds });
          break;
        case "aws-network-acl":
          new NetworkAclRules(this, policy.target.name, { policy });
          break;
        case "aws-network-firewall":
          new NetworkFirewallRules(this, policy.target.name, { policy });
          break;
      }
    }
  }
}
