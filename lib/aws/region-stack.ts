import * as path from "node:path";
import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { TargetPolicy } from "../policy/firewall-policy";
import { SecurityGroupIngress } from "./security-group-ingress";

export interface RegionStackProps {
  readonly region: string;
  /** The targets in this region, each with its exact rules. */
  readonly targets: readonly TargetPolicy[];
  /**
   * Where cdktf writes stacks, to place the local state file relative to the stack's working
   * directory. @default "cdktf.out"
   */
  readonly outdir?: string;
}

/** Stack name for a region; CI runs `cdktf plan <name>`. */
export function regionStackName(region: string): string {
  return `mailgate-${region}`;
}

/** One Terraform stack (one state, one provider) per AWS region. */
export class RegionStack extends TerraformStack {
  constructor(scope: Construct, props: RegionStackProps) {
    const name = regionStackName(props.region);
    super(scope, name);

    // cdktf's default local backend path is absolute, so the same config would synthesize
    // different bytes on every machine. Terraform runs in <outdir>/stacks/<name>; point back to
    // the project root, where cdktf would have put the state anyway.
    const stackDir = path.resolve(props.outdir ?? "cdktf.out", "stacks", name);
    const statePath = path.relative(stackDir, path.resolve(`terraform.${name}.tfstate`)).split(path.sep).join("/");
    new LocalBackend(this, { path: statePath });

    new AwsProvider(this, "aws", {
      region: props.region,
      defaultTags: [{ tags: { ManagedBy: "mailgate" } }],
    });

    for (const { target, rules } of props.targets) {
      new SecurityGroupIngress(this, target.name, { target, rules });
    }
  }
}
