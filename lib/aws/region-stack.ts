import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { AwsTargetPolicy } from "../policy/firewall-policy";
import type { PrefixListPlan } from "../policy/prefix-lists";
import type { TerraformBackendSettings } from "../model/config";
import { constructPartOf } from "../kinds/constructs";
import { addBackend } from "./backend";
import { HubSpotPrefixLists } from "./prefix-lists";

/** The id of the scope every target's construct lives in (see the constructor). */
const TARGETS_SCOPE = "firewalls";

/** A target's construct in its stack, for tests and tools that walk the construct tree. */
export function targetConstruct(stack: Construct, targetName: string): Construct {
  return stack.node.findChild(TARGETS_SCOPE).node.findChild(targetName) as Construct;
}

export interface RegionStackProps {
  /** `mailgate-<region>` or `mailgate-<account>-<region>` (lib/model/stack.ts). */
  readonly name: string;
  readonly region: string;
  /** Pins the provider to this account (`allowed_account_ids`), so a wrong credential fails fast. */
  readonly account?: string;
  /** The role the provider assumes. */
  readonly roleArn?: string;
  /** @default local state beside the output directory */
  readonly backend?: TerraformBackendSettings;
  /**
   * The `required_providers.aws.version` constraint (config `terraform.awsProviderVersion`).
   * @default the version the provider bindings pin (DEFAULT_AWS_PROVIDER_VERSION)
   */
  readonly awsProviderVersion?: string;
  /** The AWS targets in this region, each with its plan. */
  readonly targets: readonly AwsTargetPolicy[];
  /** The prefix lists the stack's security group rules reference (created once per stack). */
  readonly prefixLists: readonly PrefixListPlan[];
  /** Terraform address -> `sgr-` id of a rule made by hand, imported instead of created (adopted.json). */
  readonly adopted?: ReadonlyMap<string, string>;
}

/**
 * One Terraform stack (one state, one provider) per AWS account and region: many small stacks
 * plan in parallel in CI and keep each apply's blast radius to one account and region.
 */
export class RegionStack extends TerraformStack {
  constructor(scope: Construct, props: RegionStackProps) {
    super(scope, props.name);
    addBackend(this, props.name, props.backend);

    new AwsProvider(this, "aws", {
      region: props.region,
      ...(props.account ? { allowedAccountIds: [props.account] } : {}),
      ...(props.roleArn ? { assumeRole: [{ roleArn: props.roleArn, sessionName: "mailgate" }] } : {}),
      defaultTags: [{ tags: { ManagedBy: "mailgate" } }],
    });
    // cdktf writes the version its provider bindings were generated from (DEFAULT_AWS_PROVIDER_VERSION,
    // which a test keeps equal); organisations that mirror providers pin theirs. Only then
    // overridden: an override also adds a line of metadata, and stacks without one keep their bytes.
    if (props.awsProviderVersion !== undefined) this.addOverride("terraform.required_providers.aws.version", props.awsProviderVersion);

    const prefixListIds = props.prefixLists.length > 0 ? new HubSpotPrefixLists(this, "hubspot-prefix-lists", props).ids : new Map<string, string>();
    // Targets get a scope of their own: a target's name is any valid firewall name, and beside the
    // stack's fixed children (`aws`, `backend`, `hubspot-prefix-lists`) one of those names would
    // collide ("There is already a Construct with name ..."). Construct ids reach only the
    // metadata paths in cdk.tf.json; every Terraform address is set explicitly (naming.ts).
    const firewalls = new Construct(this, TARGETS_SCOPE);
    // Each kind makes its own constructs (lib/kinds/<kind>/construct.ts).
    for (const policy of props.targets) constructPartOf(policy).add(firewalls, policy, { prefixListIds, adopted: props.adopted });
  }
}
