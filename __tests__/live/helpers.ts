/**
 * Exports in the exact shape the AWS CLI prints (FACTS.md, "What AWS says is live"), built from
 * a real synth's Terraform JSON, so "AWS equal to the plan" is never hand-written: each resource
 * becomes what AWS would report once it is applied. Independent of lib/live: it knows only the
 * provider's resource schemas and the AWS CLI's field names.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { liveCommand } from "../../lib/live/command";
import { capturedIo } from "../cli/helpers";
import { PROJECT_ROOT, runTs, tempDir } from "../support/run";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Synthesized {
  readonly config: string;
  readonly out: string;
  readonly stacks: { region: string; json: Json }[];
}

/** Synthesizes `config` (default: examples/advanced, one target of each AWS type) into a temp dir. */
export function synthesize(config = path.join(PROJECT_ROOT, "examples", "advanced")): Synthesized {
  const root = tempDir("mailgate-live-");
  const out = path.join(root, "generated");
  const tf = path.join(root, "cdktf.out");
  const result = runTs("main.ts", [], { env: { MAILGATE_CONFIG: config, MAILGATE_OUT: out, CDKTF_OUTDIR: tf } });
  if (result.status !== 0) throw new Error(`synth failed: ${result.stderr}`);
  const stacks = fs.readdirSync(path.join(tf, "stacks")).sort().map((name) => {
    const json = JSON.parse(fs.readFileSync(path.join(tf, "stacks", name, "cdk.tf.json"), "utf8")) as Json;
    return { region: json.provider.aws[0].region as string, json };
  });
  return { config, out, stacks };
}

const hex = (prefix: string, n: number) => `${prefix}-${n.toString(16).padStart(17, "0")}`;

export interface Exports {
  rules: Json;
  groups: Json;
  acls: Json;
  prefixLists: Json;
  /** pl id -> get-managed-prefix-list-entries output. */
  entries: Map<string, Json>;
  /** rule group name -> describe-rule-group output. */
  ruleGroups: Map<string, Json>;
}

/** What AWS would print once every stack is applied as synthesized. */
export function exportsOf(synth: Synthesized): Exports {
  let n = 1;
  const ids = new Map<string, string>();
  const ref = (value: string) => {
    const m = /^\$\{(\w+)\.([^.]+)\.id\}$/.exec(value);
    return m ? (ids.get(`${m[1]}.${m[2]}`) ?? value) : value;
  };
  const out: Exports = { rules: { SecurityGroupRules: [] }, groups: { SecurityGroups: [] }, acls: { NetworkAcls: [] }, prefixLists: { PrefixLists: [] }, entries: new Map(), ruleGroups: new Map() };
  for (const { region, json } of synth.stacks) {
    const resources = (type: string): [string, Json][] => Object.entries(json.resource?.[type] ?? {});
    for (const [name, r] of resources("aws_security_group")) {
      const id = hex("sg", n++);
      ids.set(`aws_security_group.${name}`, id);
      out.groups.SecurityGroups.push({ GroupId: id, GroupName: r.name, VpcId: r.vpc_id, OwnerId: "000000000000", Description: r.description, IpPermissions: [], IpPermissionsEgress: [] });
    }
    for (const [name, r] of resources("aws_ec2_managed_prefix_list")) {
      const id = hex("pl", n++);
      ids.set(`aws_ec2_managed_prefix_list.${name}`, id);
      out.prefixLists.PrefixLists.push({ PrefixListId: id, AddressFamily: r.address_family, State: "create-complete", PrefixListArn: `arn:aws:ec2:${region}:000000000000:prefix-list/${id}`, PrefixListName: r.name, MaxEntries: r.max_entries, Version: 1, OwnerId: "000000000000" });
      out.entries.set(id, { Entries: r.entry.map((e: Json) => ({ Cidr: e.cidr, Description: e.description })) });
    }
    for (const [, r] of resources("aws_vpc_security_group_ingress_rule")) {
      const source = r.cidr_ipv4 ? { CidrIpv4: r.cidr_ipv4 } : r.cidr_ipv6 ? { CidrIpv6: r.cidr_ipv6 } : { PrefixListId: ref(r.prefix_list_id) };
      out.rules.SecurityGroupRules.push({
        SecurityGroupRuleId: hex("sgr", n++),
        GroupId: ref(r.security_group_id),
        GroupOwnerId: "000000000000",
        IsEgress: false,
        IpProtocol: r.ip_protocol,
        FromPort: r.from_port,
        ToPort: r.to_port,
        ...source,
        Description: r.description,
        Tags: Object.entries({ ...r.tags, ManagedBy: "mailgate" }).map(([Key, Value]) => ({ Key, Value })),
      });
    }
    const acls = new Map<string, Json[]>();
    for (const [, r] of resources("aws_network_acl_rule")) {
      acls.set(r.network_acl_id, [
        ...(acls.get(r.network_acl_id) ?? []),
        { RuleNumber: r.rule_number, Protocol: r.protocol, RuleAction: r.rule_action, Egress: r.egress, ...(r.cidr_block ? { CidrBlock: r.cidr_block } : { Ipv6CidrBlock: r.ipv6_cidr_block }), PortRange: { From: r.from_port, To: r.to_port } },
      ]);
    }
    for (const [id, entries] of acls) {
      // Every ACL ends with AWS's default deny, in each direction.
      const deny = (Egress: boolean) => ({ RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress, CidrBlock: "0.0.0.0/0" });
      out.acls.NetworkAcls.push({ NetworkAclId: id, VpcId: "vpc-0a1b2c3d4e5f67890", IsDefault: false, OwnerId: "000000000000", Entries: [...entries, deny(false), deny(true)] });
    }
    for (const [, r] of resources("aws_networkfirewall_rule_group")) {
      const rules = r.rule_group.rules_source.stateful_rule.map((s: Json) => ({
        Action: s.action,
        Header: { Protocol: s.header.protocol, Source: s.header.source, SourcePort: s.header.source_port, Direction: s.header.direction, Destination: s.header.destination, DestinationPort: s.header.destination_port },
        RuleOptions: s.rule_option.map((o: Json) => ({ Keyword: o.keyword, Settings: o.settings })),
      }));
      out.ruleGroups.set(r.name, {
        RuleGroup: { RulesSource: { StatefulRules: rules }, StatefulRuleOptions: { RuleOrder: r.rule_group.stateful_rule_options?.rule_order ?? "DEFAULT_ACTION_ORDER" } },
        RuleGroupResponse: { RuleGroupArn: `arn:aws:network-firewall:${region}:000000000000:stateful-rulegroup/${r.name}`, RuleGroupName: r.name, RuleGroupId: "00000000-0000-0000-0000-000000000000", Type: "STATEFUL", Capacity: r.capacity, RuleGroupStatus: "ACTIVE" },
      });
    }
  }
  return out;
}

/** Writes the exports as the AWS CLI would save them, with the names --commands uses; returns the file paths. */
export function writeExports(e: Exports, dir = tempDir("mailgate-live-exports-")): string[] {
  const files: [string, Json][] = [
    ["security-group-rules.json", e.rules],
    ["security-groups.json", e.groups],
    ["network-acls.json", e.acls],
    ["prefix-lists.json", e.prefixLists],
    ...[...e.entries].map(([id, v]): [string, Json] => [`prefix-list-entries-${id}.json`, v]),
    ...[...e.ruleGroups].map(([name, v]): [string, Json] => [`rule-group-${name}.json`, v]),
  ];
  return files.map(([name, value]) => {
    fs.writeFileSync(path.join(dir, name), `${JSON.stringify(value, null, 4)}\n`);
    return path.join(dir, name);
  });
}

/** Runs `mailgate live <args>` in-process with captured output. */
export function live(args: string[]) {
  const { io, output } = capturedIo();
  const status = liveCommand(args, io);
  return { status, ...output() };
}

/** A deep copy to change one thing in. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}
