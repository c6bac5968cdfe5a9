import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { Ec2ManagedPrefixList } from "@cdktf/provider-aws/lib/ec2-managed-prefix-list";
import type { PrefixListPlan } from "../policy/prefix-lists";
import { prefixListIdOutputName, prefixListName, prefixListResourceName } from "../terraform/names";
import { listLabel } from "../terraform/rule-text";
import { toAwsDescription } from "../terraform/text";

export interface HubSpotPrefixListsProps {
  /** The lists this stack's rules reference, from the policy (entries and `max_entries` decided there). */
  readonly prefixLists: readonly PrefixListPlan[];
}

/**
 * The customer-managed prefix lists of one stack, entries inline (the provider's recommendation
 * for a list managed whole), each with its id as an output so other teams can reference it.
 */
export class HubSpotPrefixLists extends Construct {
  /** Prefix list key (`imap/ipv4`) -> the list's id (a Terraform reference). */
  readonly ids = new Map<string, string>();

  constructor(scope: Construct, id: string, props: HubSpotPrefixListsProps) {
    super(scope, id);
    for (const plan of props.prefixLists) {
      const name = prefixListResourceName(plan);
      const list = new Ec2ManagedPrefixList(this, name, {
        name: prefixListName(plan),
        addressFamily: plan.family === 4 ? "IPv4" : "IPv6",
        maxEntries: plan.maxEntries,
        entry: plan.entries.map((cidr) => ({ cidr: cidr.toString(), description: toAwsDescription(`HubSpot ${listLabel(plan.lists)} source range`) })),
        tags: { Name: prefixListName(plan), MailgateLists: plan.lists.join("+") },
      });
      list.overrideLogicalId(name);
      this.ids.set(plan.key, list.id);
      new TerraformOutput(this, `${name}-id`, {
        value: list.id,
        description: `Prefix list of HubSpot's ${listLabel(plan.lists)} source ranges (IPv${plan.family}), managed by mailgate`,
      }).overrideLogicalId(prefixListIdOutputName(plan));
    }
  }
}
