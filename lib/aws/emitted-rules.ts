// The second, independent proof, on what the constructs will really emit: resolves every rule
// resource of the construct tree (through cdktf's token resolver) back into addresses and ports
// and runs the audit's coverage proof on them, plus AWS's quotas as AWS counts them. One file of
// ~400 lines because it is one reader per resource type over one resolved tree; reading the
// written cdk.tf.json instead (plain JSON, no cdktf) would let it leave this folder.
import type { IConstruct } from "constructs";
import { DefaultTokenResolver, StringConcat, TerraformResource, TerraformStack, Token, Tokenization } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Ec2ManagedPrefixList } from "@cdktf/provider-aws/lib/ec2-managed-prefix-list";
import { NetworkAclRule } from "@cdktf/provider-aws/lib/network-acl-rule";
import { NetworkfirewallRuleGroup } from "@cdktf/provider-aws/lib/networkfirewall-rule-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { assertCoverage, EmittedRuleError, proveCoverage, proveReturnTraffic, type OpenedRule, type PortCoverage } from "../audit/coverage";
import { requiredAccessOf, requiredDestinations, statelessTargets } from "../audit/required";
import { rangeOf, type AddressRange } from "../audit/intervals";
import { Cidr, type IpFamily } from "../model/cidr";
import { isAwsTarget, type Config, type FirewallTarget } from "../model/config";
import { DEFAULT_NETWORK_ACL_MAX_RULES, DEFAULT_SECURITY_GROUP_MAX_RULES, MAX_STATEFUL_CAPACITY, usableNetworkAclRules } from "../policy/quota";
import { PREFIX_LIST_ENTRIES_PER_REQUEST, PREFIX_LIST_MAX_ENTRIES } from "../policy/prefix-lists";
import { EPHEMERAL_PORTS } from "./network-acl-rules";

/**
 * The second half of the audit's second pair of eyes: what the construct tree will really put in
 * `cdk.tf.json`, read back from the resources' inputs rather than from the policy that built them.
 * Runs before `app.synth()`, so a failure writes nothing. Besides the coverage proof it re-checks,
 * from the resources alone, what AWS would refuse: group quotas (a prefix-list rule weighing the
 * list's max_entries), ACL quotas and rule numbers, rule group capacity and sids.
 */

/** One `aws_vpc_security_group_ingress_rule` as constructed, before synthesis. */
export interface EmittedRule {
  /** Construct path, to name the resource in an error. */
  readonly path: string;
  /** The `MailgateTarget` tag. */
  readonly target: string | undefined;
  /** The region of the stack's AWS provider. */
  readonly region: string | undefined;
  readonly protocol: string | undefined;
  readonly fromPort: number | undefined;
  readonly toPort: number | undefined;
  readonly cidrIpv4: string | undefined;
  readonly cidrIpv6: string | undefined;
  readonly prefixListId: string | undefined;
  /** Sources mailgate never emits (another security group). */
  readonly otherSource: string | undefined;
  readonly securityGroupId: string | undefined;
}

const INGRESS_RULE_TYPE = "aws_vpc_security_group_ingress_rule";
/** Other ways to open a security group; mailgate never emits them, so any is a bug. */
const OTHER_INGRESS_TYPES = new Set(["aws_security_group_rule"]);

type Problems = { path: string; problem: string }[];

/** Every construct of interest, by kind, with the region of its stack. */
interface Inventory {
  readonly rules: EmittedRule[];
  readonly prefixLists: Map<string, { path: string; stack: TerraformStack; list: Ec2ManagedPrefixList }>;
  readonly groups: Map<string, { path: string; target: string | undefined; stack: TerraformStack }>;
  readonly aclRules: { path: string; region: string | undefined; rule: NetworkAclRule }[];
  readonly ruleGroups: { path: string; region: string | undefined; group: NetworkfirewallRuleGroup }[];
  readonly ruleStacks: Map<EmittedRule, TerraformStack>;
  readonly problems: Problems;
}

function inventory(scope: IConstruct): Inventory {
  const inv: Inventory = { rules: [], prefixLists: new Map(), groups: new Map(), aclRules: [], ruleGroups: [], ruleStacks: new Map(), problems: [] };
  const regions = new Map<TerraformStack, string | undefined>();
  const regionOf = (construct: IConstruct) => {
    const stack = TerraformStack.of(construct);
    if (!regions.has(stack)) regions.set(stack, providerRegion(stack));
    return { stack, region: regions.get(stack) };
  };
  for (const construct of scope.node.findAll()) {
    if (!TerraformResource.isTerraformResource(construct)) continue;
    const path = construct.node.path;
    const type = construct.terraformResourceType;
    if (OTHER_INGRESS_TYPES.has(type)) inv.problems.push({ path, problem: `is an ${type}, which mailgate never emits` });
    if (construct instanceof SecurityGroup) {
      if (hasInlineIngress(construct.ingressInput)) inv.problems.push({ path, problem: "has inline ingress rules, which mailgate never emits" });
      inv.groups.set(stackKey(construct, construct.id), { path, target: construct.tagsInput?.MailgateTarget, stack: TerraformStack.of(construct) });
    }
    if (construct instanceof Ec2ManagedPrefixList) {
      inv.prefixLists.set(stackKey(construct, construct.id), { path, stack: TerraformStack.of(construct), list: construct });
    }
    if (construct instanceof NetworkAclRule) inv.aclRules.push({ path, region: regionOf(construct).region, rule: construct });
    if (construct instanceof NetworkfirewallRuleGroup) inv.ruleGroups.push({ path, region: regionOf(construct).region, group: construct });
    if (type !== INGRESS_RULE_TYPE) continue;
    if (!(construct instanceof VpcSecurityGroupIngressRule)) {
      inv.problems.push({ path, problem: `is an ${type} that is not a VpcSecurityGroupIngressRule construct` });
      continue;
    }
    const { stack, region } = regionOf(construct);
    const rule: EmittedRule = {
      path,
      target: construct.tagsInput?.MailgateTarget,
      region,
      protocol: construct.ipProtocolInput,
      fromPort: construct.fromPortInput,
      toPort: construct.toPortInput,
      cidrIpv4: construct.cidrIpv4Input,
      cidrIpv6: construct.cidrIpv6Input,
      prefixListId: reference(construct, construct.prefixListIdInput),
      otherSource: construct.referencedSecurityGroupIdInput,
      securityGroupId: reference(construct, construct.securityGroupIdInput),
    };
    inv.rules.push(rule);
    inv.ruleStacks.set(rule, stack);
  }
  return inv;
}

/** The security group ingress rules under `scope`, read back from the constructs. */
export function emittedRules(scope: IConstruct): { rules: EmittedRule[]; problems: { path: string; problem: string }[] } {
  const { rules, problems } = inventory(scope);
  return { rules, problems };
}

/**
 * A resource attribute as Terraform will see it (`${aws_security_group.mail_group.id}`): cdktf
 * mints a new token string each time an attribute is read, so tokens compare only once resolved.
 * Literal values pass through unchanged.
 */
function reference<T extends string | undefined>(scope: IConstruct, value: T): T {
  if (value === undefined || !Token.isUnresolved(value)) return value;
  return String(Tokenization.resolve(value, { scope: TerraformStack.of(scope), resolver: new DefaultTokenResolver(new StringConcat()) })) as T;
}

/** A reference is only meaningful inside its stack: the same address in two stacks is two resources. */
function stackKey(scope: IConstruct, value: string | undefined): string {
  return `${TerraformStack.of(scope).node.path} ${reference(scope, value) ?? ""}`;
}

function hasInlineIngress(ingress: unknown): boolean {
  return ingress !== undefined && !(Array.isArray(ingress) && ingress.length === 0);
}

function providerRegion(stack: TerraformStack): string | undefined {
  const providers = stack.node.findAll().filter((c): c is AwsProvider => c instanceof AwsProvider);
  return providers.length === 1 ? providers[0].regionInput : undefined;
}

/**
 * Checks every emitted rule resource against the config: security group rules TCP to one port
 * from one canonical CIDR or one of mailgate's prefix lists in the same stack, tagged with a
 * configured target, in that target's region and group(s); network ACL rules allow TCP inside
 * the target's rule numbers; rule groups hold only 5-tuple PASS rules. Per (target, port) (and
 * destination) the rules must open exactly what HubSpot's lists require, and a network ACL must
 * let the replies out to exactly the addresses it lets in. Throws `EmittedRuleError` or
 * `CoverageError`; returns the proof otherwise.
 */
export function verifyEmittedRules(scope: IConstruct, config: Config, leaving?: ReadonlyMap<string, ReadonlyMap<number, readonly Cidr[]>>): PortCoverage[] {
  const inv = inventory(scope);
  const problems = inv.problems;
  // Idle targets (no domain) still hold resources: a created group, and in the expand phase the
  // rules leaving them.
  const targets = new Map([...config.firewalls, ...(config.idleFirewalls ?? [])].map((t) => [t.name, t]));
  const opened: OpenedRule[] = [];
  const returns: { target: string; cidr: Cidr }[] = [];

  checkPrefixLists(inv, problems);
  verifySecurityGroupRules(inv, targets, opened, problems);
  verifyNetworkAclRules(inv, config, opened, returns, problems);
  verifyRuleGroups(inv, targets, opened, problems);

  if (problems.length > 0) throw new EmittedRuleError(problems);
  // Only AWS targets have resources here; the others write files, proven on the plan by the audit report.
  const aws = new Set(config.firewalls.filter(isAwsTarget).map((t) => t.name));
  const required = withLeaving(new Map([...requiredAccessOf(config)].filter(([target]) => aws.has(target))), leaving);
  const proof = proveCoverage(opened, required, requiredDestinations(config));
  assertCoverage(proof, proveReturnTraffic(returns, required, statelessTargets(config), EPHEMERAL_PORTS));
  return proof;
}

/**
 * The expand phase (MAILGATE_PHASE=expand) also holds the rules leaving targets that stay, until
 * the contract phase removes them: what they admit is allowed besides the config's needs, and
 * nothing more.
 */
function withLeaving(required: Map<string, ReadonlyMap<number, readonly AddressRange[]>>, leaving: ReadonlyMap<string, ReadonlyMap<number, readonly Cidr[]>> | undefined) {
  for (const [target, ports] of leaving ?? []) {
    const merged = new Map(required.get(target) ?? []);
    for (const [port, cidrs] of ports) merged.set(port, [...(merged.get(port) ?? []), ...cidrs.map(rangeOf)]);
    required.set(target, merged);
  }
  return required;
}

function targetOf<T extends FirewallTarget["type"]>(
  targets: ReadonlyMap<string, FirewallTarget>,
  name: string | undefined,
  type: T,
  problem: (text: string) => void,
): Extract<FirewallTarget, { type: T }> | undefined {
  const target = name === undefined ? undefined : targets.get(name);
  if (!target) {
    problem(name === undefined ? "has no MailgateTarget tag" : `is tagged for target ${name}, which the config does not define`);
    return undefined;
  }
  if (target.type !== type) {
    problem(`is tagged for target ${name}, which is an ${target.type}`);
    return undefined;
  }
  return target as Extract<FirewallTarget, { type: T }>;
}

/** Entries canonical and of the list's family; no more than max_entries, nor than one request takes. */
function checkPrefixLists(inv: Inventory, problems: Problems): void {
  for (const { path, list } of inv.prefixLists.values()) {
    const family = list.addressFamilyInput === "IPv4" ? 4 : list.addressFamilyInput === "IPv6" ? 6 : undefined;
    if (family === undefined) problems.push({ path, problem: `has address family ${list.addressFamilyInput ?? "(none)"}` });
    const entries = prefixListEntries(list);
    if (typeof entries === "string") {
      problems.push({ path, problem: entries });
      continue;
    }
    const max = list.maxEntriesInput ?? 0;
    if (entries.length > max || max > PREFIX_LIST_MAX_ENTRIES) problems.push({ path, problem: `has ${entries.length} entries and max_entries ${max}` });
    if (entries.length > PREFIX_LIST_ENTRIES_PER_REQUEST) problems.push({ path, problem: `has ${entries.length} entries, more than one EC2 request takes` });
    for (const cidr of entries) if (cidr.family !== family) problems.push({ path, problem: `has IPv${cidr.family} entry ${cidr} in an ${list.addressFamilyInput} list` });
  }
}

function prefixListEntries(list: Ec2ManagedPrefixList): Cidr[] | string {
  const raw = list.entryInput;
  if (!Array.isArray(raw)) return "has entries mailgate cannot read back";
  const cidrs: Cidr[] = [];
  for (const entry of raw) {
    const cidr = canonical(entry.cidr);
    if (typeof cidr === "string") return cidr;
    cidrs.push(cidr);
  }
  return cidrs;
}

function verifySecurityGroupRules(inv: Inventory, targets: ReadonlyMap<string, FirewallTarget>, opened: OpenedRule[], problems: Problems): void {
  /** Group id (token or literal) -> what its rules weigh, and the quota of its target. */
  const weights = new Map<string, { path: string; maxRules: number; weight: Record<IpFamily, number> }>();
  for (const rule of inv.rules) {
    const problem = (text: string) => problems.push({ path: rule.path, problem: text });
    const target = targetOf(targets, rule.target, "aws-security-group", problem);
    if (!target) continue;
    if (rule.region !== target.region) problem(`is in a stack for region ${rule.region ?? "(none)"}, but target ${target.name} is in ${target.region}`);
    const group = inv.groups.get(`${inv.ruleStacks.get(rule)?.node.path ?? ""} ${rule.securityGroupId ?? ""}`);
    const ownGroup =
      target.securityGroupId !== undefined
        ? rule.securityGroupId === target.securityGroupId
        : group?.target === target.name && group.stack === inv.ruleStacks.get(rule);
    if (!ownGroup) problem(`is attached to security group ${rule.securityGroupId ?? "(none)"}, not target ${target.name}'s group`);
    if (rule.protocol !== "tcp") problem(`opens protocol ${rule.protocol ?? "(none)"}, not tcp`);
    if (rule.fromPort === undefined || rule.toPort === undefined) problem("has no port");
    else if (rule.fromPort !== rule.toPort) problem(`opens ports ${rule.fromPort}-${rule.toPort}, not a single port`);
    const port = rule.fromPort !== undefined && rule.fromPort === rule.toPort ? rule.fromPort : undefined;

    let sources: Cidr[] = [];
    let weight = 1;
    let family: IpFamily = rule.cidrIpv6 !== undefined ? 6 : 4;
    if (rule.otherSource !== undefined) problem(`admits ${rule.otherSource}, which is not a CIDR`);
    else if ([rule.cidrIpv4, rule.cidrIpv6, rule.prefixListId].filter((s) => s !== undefined).length !== 1) {
      problem("must have exactly one of cidr_ipv4, cidr_ipv6 and prefix_list_id");
    } else if (rule.prefixListId !== undefined) {
      const list = inv.prefixLists.get(`${inv.ruleStacks.get(rule)?.node.path ?? ""} ${rule.prefixListId}`);
      if (!list) {
        problem(`references prefix list ${rule.prefixListId}, which is not one mailgate creates in this stack`);
      } else {
        const entries = prefixListEntries(list.list);
        if (typeof entries !== "string") sources = entries;
        weight = list.list.maxEntriesInput ?? 0;
        family = list.list.addressFamilyInput === "IPv6" ? 6 : 4;
      }
    } else {
      const cidr = emittedCidr(rule);
      if (typeof cidr === "string") problem(cidr);
      else sources = [cidr];
    }
    if (port !== undefined) for (const cidr of sources) opened.push({ target: target.name, port, cidr });

    const groupKey = `${inv.ruleStacks.get(rule)?.node.path ?? ""} ${rule.securityGroupId ?? ""}`;
    const entry = weights.get(groupKey) ?? { path: rule.path, maxRules: target.maxRules ?? DEFAULT_SECURITY_GROUP_MAX_RULES, weight: { 4: 0, 6: 0 } };
    entry.weight[family] += weight;
    weights.set(groupKey, entry);
  }
  for (const [group, { path, maxRules, weight }] of weights) {
    for (const family of [4, 6] as const) {
      if (weight[family] > maxRules) {
        problems.push({ path, problem: `and the other rules of security group ${group} weigh ${weight[family]} IPv${family} rules, over its quota of ${maxRules}` });
      }
    }
  }
}

function verifyNetworkAclRules(inv: Inventory, config: Config, opened: OpenedRule[], returns: { target: string; cidr: Cidr }[], problems: Problems): void {
  const byAcl = new Map(config.firewalls.flatMap((t) => (t.type === "aws-network-acl" ? [[t.networkAclId, t] as const] : [])));
  const numbers = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const { path, region, rule } of inv.aclRules) {
    const problem = (text: string) => problems.push({ path, problem: text });
    const target = rule.networkAclIdInput === undefined ? undefined : byAcl.get(rule.networkAclIdInput);
    if (!target) {
      problem(`is in network ACL ${rule.networkAclIdInput ?? "(none)"}, which no network ACL target of the config names`);
      continue;
    }
    if (region !== target.region) problem(`is in a stack for region ${region ?? "(none)"}, but target ${target.name} is in ${target.region}`);
    if (rule.protocolInput !== "6") problem(`opens protocol ${rule.protocolInput ?? "(none)"}, not TCP (6)`);
    if (rule.ruleActionInput !== "allow") problem(`has action ${rule.ruleActionInput ?? "(none)"}, not allow`);
    const egress = rule.egressInput === true;
    if (rule.egressInput !== true && rule.egressInput !== false) problem("does not say its direction (egress)");
    const n = rule.ruleNumberInput;
    const { from, to } = target.ruleNumbers;
    if (n === undefined || !Number.isInteger(n) || n < from || n > to) problem(`has rule number ${n ?? "(none)"}, outside target ${target.name}'s ${from}-${to}`);
    const numberKey = `${target.networkAclId} ${egress} ${n}`;
    const first = numbers.get(numberKey);
    if (first !== undefined) problem(`has ${egress ? "outbound" : "inbound"} rule number ${n}, which ${first} has too`);
    else numbers.set(numberKey, path);

    if ((rule.cidrBlockInput === undefined) === (rule.ipv6CidrBlockInput === undefined)) {
      problem("must have exactly one of cidr_block and ipv6_cidr_block");
      continue;
    }
    const cidr = canonical((rule.cidrBlockInput ?? rule.ipv6CidrBlockInput) as string);
    if (typeof cidr === "string") {
      problem(cidr);
      continue;
    }
    if ((cidr.family === 4) !== (rule.cidrBlockInput !== undefined)) problem(`has an IPv${cidr.family} CIDR ${cidr} in the wrong field`);
    const countKey = `${target.name} ${egress} ${cidr.family}`;
    counts.set(countKey, (counts.get(countKey) ?? 0) + 1);
    // The ACL's default deny rule counts against its quota too.
    const usable = usableNetworkAclRules(target.maxRules ?? DEFAULT_NETWORK_ACL_MAX_RULES);
    if ((counts.get(countKey) ?? 0) === usable + 1) {
      problem(`takes target ${target.name} over ${usable} ${egress ? "outbound" : "inbound"} IPv${cidr.family} rules`);
    }
    if (egress) {
      if (rule.fromPortInput !== EPHEMERAL_PORTS.from || rule.toPortInput !== EPHEMERAL_PORTS.to) {
        problem(`lets replies out on ports ${rule.fromPortInput ?? "?"}-${rule.toPortInput ?? "?"}, not ${EPHEMERAL_PORTS.from}-${EPHEMERAL_PORTS.to}`);
      } else {
        returns.push({ target: target.name, cidr });
      }
    } else if (rule.fromPortInput === undefined || rule.fromPortInput !== rule.toPortInput) {
      problem(`opens ports ${rule.fromPortInput ?? "?"}-${rule.toPortInput ?? "?"}, not a single port`);
    } else {
      opened.push({ target: target.name, port: rule.fromPortInput, cidr });
    }
  }
}

function verifyRuleGroups(inv: Inventory, targets: ReadonlyMap<string, FirewallTarget>, opened: OpenedRule[], problems: Problems): void {
  for (const { path, region, group } of inv.ruleGroups) {
    const problem = (text: string) => problems.push({ path, problem: text });
    const target = targetOf(targets, group.tagsInput?.MailgateTarget, "aws-network-firewall", problem);
    if (!target) continue;
    if (region !== target.region) problem(`is in a stack for region ${region ?? "(none)"}, but target ${target.name} is in ${target.region}`);
    if (group.nameInput !== target.ruleGroupName) problem(`is named ${group.nameInput ?? "(none)"}, not ${target.ruleGroupName}`);
    if (group.typeInput !== "STATEFUL") problem(`is of type ${group.typeInput ?? "(none)"}, not STATEFUL`);
    if (group.rulesInput !== undefined) problem("has Suricata rules text, which mailgate never emits");
    const ruleGroup = group.ruleGroupInput;
    // Which order is the placements' to decide (an existing group keeps its own); a given one must be honoured.
    const order = ruleGroup?.statefulRuleOptions?.ruleOrder;
    if (order !== "STRICT_ORDER" && order !== "DEFAULT_ACTION_ORDER") problem(`has rule order ${String(order)}, neither STRICT_ORDER nor DEFAULT_ACTION_ORDER`);
    else if (target.ruleOrder !== undefined && order !== target.ruleOrder) problem(`has rule order ${order}, but target ${target.name} asks for ${target.ruleOrder}`);
    const source = ruleGroup?.rulesSource;
    if (source?.rulesString !== undefined || source?.rulesSourceList !== undefined || source?.statelessRulesAndCustomActions !== undefined) {
      problem("has rules other than 5-tuple stateful rules");
    }
    const rules = source?.statefulRule;
    if (!Array.isArray(rules)) {
      problem("has stateful rules mailgate cannot read back");
      continue;
    }
    const capacity = group.capacityInput ?? 0;
    if (capacity < rules.length || capacity > MAX_STATEFUL_CAPACITY) problem(`has capacity ${capacity} for ${rules.length} stateful rules`);
    const sids = new Set<string>();
    rules.forEach((rule, i) => {
      const at = (text: string) => problem(`has stateful rule ${i + 1} that ${text}`);
      const h = rule.header;
      if (rule.action !== "PASS") at(`has action ${rule.action}, not PASS`);
      if (h.protocol !== "TCP") at(`matches protocol ${h.protocol}, not TCP`);
      if (h.sourcePort !== "ANY") at(`matches source port ${h.sourcePort}, not ANY`);
      if (h.direction !== "FORWARD") at(`has direction ${h.direction}, not FORWARD`);
      const options = Array.isArray(rule.ruleOption) ? rule.ruleOption : [];
      const sid = options.find((o) => o.keyword === "sid")?.settings;
      if (options.length !== 1 || !sid || sid.length !== 1 || !/^[1-9][0-9]*$/.test(sid[0])) at("does not have exactly one numeric sid option");
      else if (sids.has(sid[0])) at(`repeats sid ${sid[0]}`);
      else sids.add(sid[0]);
      const port = /^[1-9][0-9]{0,4}$/.test(h.destinationPort) ? Number(h.destinationPort) : undefined;
      if (port === undefined || port > 65535) at(`has destination port ${h.destinationPort}, not a single port`);
      const cidr = canonical(h.source);
      const destination = canonical(h.destination);
      if (typeof cidr === "string") at(`has a source that ${cidr}`);
      if (typeof destination === "string") at(`has a destination that ${destination}`);
      if (typeof destination !== "string" && !target.destinations.some((d) => d.equals(destination))) at(`goes to ${destination}, which is not a destination of target ${target.name}`);
      if (port !== undefined && port <= 65535 && typeof cidr !== "string" && typeof destination !== "string") {
        opened.push({ target: target.name, port, cidr, destination });
      }
    });
  }
}

function emittedCidr(rule: EmittedRule): Cidr | string {
  if ((rule.cidrIpv4 === undefined) === (rule.cidrIpv6 === undefined)) return "must have exactly one of cidr_ipv4 and cidr_ipv6";
  const text = (rule.cidrIpv4 ?? rule.cidrIpv6) as string;
  const cidr = canonical(text);
  if (typeof cidr === "string") return cidr;
  if ((cidr.family === 4) !== (rule.cidrIpv4 !== undefined)) return `has an IPv${cidr.family} CIDR ${text} in the wrong field`;
  return cidr;
}

/** The block `text` names, if it is written exactly as AWS echoes it back. */
function canonical(text: string | undefined): Cidr | string {
  if (text === undefined) return `has CIDR null, which is not canonical`;
  let result = canonicalCache.get(text);
  if (result === undefined) {
    const cidr = Cidr.parse(text);
    result = cidr instanceof Cidr && cidr.toString() === text ? cidr : `has CIDR ${JSON.stringify(text)}, which is not canonical`;
    // Thousands of rules share a few dozen CIDRs (HubSpot's lists); the cap only bounds memory.
    if (canonicalCache.size >= 4096) canonicalCache.clear();
    canonicalCache.set(text, result);
  }
  return result;
}

/** Cidr values are immutable, so one parse per text serves every rule that names it. */
const canonicalCache = new Map<string, Cidr | string>();
