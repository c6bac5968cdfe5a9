import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { TargetPolicy } from "../policy/firewall-policy";
import { regionStackName } from "./naming";
import { SecurityGroupIngress } from "./security-group-ingress";

export interface RegionStackProps {
  readonly region: string;
  /** The targets in this region, each with its exact rules. */
  readonly targets: readonly TargetPolicy[];
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

    for (const { target, rules } of props.targets) {
      new SecurityGroupIngress(this, target.name, { target, rules });
    }
  }
}
