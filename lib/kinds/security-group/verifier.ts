// Security group targets as written: `aws_vpc_security_group_ingress_rule`s on mailgate's own
// groups (or the target's existing one), from one CIDR or one of the stack's prefix lists.
import type { Cidr, IpFamily } from "../../model/cidr";
import type { FirewallTarget } from "../../model/config";
import { PREFIX_LIST_ENTRIES_PER_REQUEST, PREFIX_LIST_MAX_ENTRIES } from "../../policy/prefix-lists";
import { DEFAULT_SECURITY_GROUP_MAX_RULES } from "../../policy/quota";
import { GROUP_RESOURCE_TYPE, PREFIX_LIST_RESOURCE_TYPE, RULE_RESOURCE_TYPE } from "../../terraform/names";
import { canonical, countRule, problemsAt, taggedTarget, type Findings } from "../../verify/findings";
import { idReference, integer, providerRegion, resourcesOf, stringMap, text, type ResourceBody, type WrittenResource, type WrittenStack } from "../../verify/terraform-json";
import type { VerifierPart } from "../verifier-part";

interface PrefixList {
  readonly resource: WrittenResource;
  /** The entries, or why they cannot be read back. */
  readonly entries: Cidr[] | string;
  readonly family: IpFamily | undefined;
  readonly maxEntries: number;
}

/**
 * Every rule TCP to one port from one canonical CIDR or one of mailgate's prefix lists in the same
 * stack, tagged with a configured security group target, in that target's region and group(s);
 * the prefix lists canonical and within their limits; each group within its quota, a prefix-list
 * rule weighing the list's max_entries as AWS counts it.
 */
function verifySecurityGroups(stack: WrittenStack, targets: ReadonlyMap<string, FirewallTarget>, findings: Findings): void {
  const region = providerRegion(stack.json);
  const prefixLists = new Map(resourcesOf(stack.name, stack.json, PREFIX_LIST_RESOURCE_TYPE).map((r) => [idReference(r.type, r.name), checkedPrefixList(r, findings)]));
  /** Group reference -> the target its tag names: a created group is the target's only when tagged so in this stack. */
  const groups = new Map<string, unknown>();
  for (const group of resourcesOf(stack.name, stack.json, GROUP_RESOURCE_TYPE)) {
    if (hasInlineIngress(group.body.ingress)) problemsAt(findings, group.path)("has inline ingress rules, which mailgate never emits");
    groups.set(idReference(group.type, group.name), stringMap(group.body.tags)?.MailgateTarget);
  }
  /** Group id (reference or literal) -> what its rules weigh, and the quota of its target. */
  const weights = new Map<string, { path: string; target: string; maxRules: number; weight: Record<IpFamily, number> }>();

  for (const resource of resourcesOf(stack.name, stack.json, RULE_RESOURCE_TYPE)) {
    const rule = resource.body;
    const problem = problemsAt(findings, resource.path);
    const target = taggedTarget(targets, stringMap(rule.tags)?.MailgateTarget, "aws-security-group", problem);
    if (!target) continue;
    countRule(findings, target.name);
    if (region !== target.region) problem(`is in a stack for region ${region ?? "(none)"}, but target ${target.name} is in ${target.region}`);
    const groupId = text(rule.security_group_id);
    const ownGroup = target.securityGroupId !== undefined ? groupId === target.securityGroupId : groupId !== undefined && groups.get(groupId) === target.name;
    if (!ownGroup) problem(`is attached to security group ${groupId ?? "(none)"}, not target ${target.name}'s group`);
    const protocol = text(rule.ip_protocol);
    if (protocol !== "tcp") problem(`opens protocol ${protocol ?? "(none)"}, not tcp`);
    const [fromPort, toPort] = [integer(rule.from_port), integer(rule.to_port)];
    if (fromPort === undefined || toPort === undefined) problem("has no port");
    else if (fromPort !== toPort) problem(`opens ports ${fromPort}-${toPort}, not a single port`);
    const port = fromPort !== undefined && fromPort === toPort ? fromPort : undefined;

    let sources: readonly Cidr[] = [];
    let weight = 1;
    let family: IpFamily = rule.cidr_ipv6 !== undefined ? 6 : 4;
    const sourceCount = [rule.cidr_ipv4, rule.cidr_ipv6, rule.prefix_list_id].filter((s) => s !== undefined).length;
    if (rule.referenced_security_group_id !== undefined) problem(`admits ${String(rule.referenced_security_group_id)}, which is not a CIDR`);
    else if (sourceCount !== 1) problem("must have exactly one of cidr_ipv4, cidr_ipv6 and prefix_list_id");
    else if (rule.prefix_list_id !== undefined) {
      const list = prefixLists.get(text(rule.prefix_list_id) ?? "");
      if (!list) {
        problem(`references prefix list ${String(rule.prefix_list_id)}, which is not one mailgate creates in this stack`);
      } else {
        if (typeof list.entries !== "string") sources = list.entries;
        weight = list.maxEntries;
        family = list.family ?? 4;
      }
    } else {
      const cidr = ruleCidr(rule);
      if (typeof cidr === "string") problem(cidr);
      else sources = [cidr];
    }
    if (port !== undefined) for (const cidr of sources) findings.opened.push({ target: target.name, port, cidr });

    const groupKey = groupId ?? "";
    const entry = weights.get(groupKey) ?? { path: resource.path, target: target.name, maxRules: target.maxRules ?? DEFAULT_SECURITY_GROUP_MAX_RULES, weight: { 4: 0, 6: 0 } };
    entry.weight[family] += weight;
    weights.set(groupKey, entry);
  }
  for (const [group, { path, target, maxRules, weight }] of weights) {
    findings.groups.push({ stack: stack.name, target, group, weight });
    for (const family of [4, 6] as const) {
      if (weight[family] > maxRules) {
        findings.problems.push({ path, problem: `and the other rules of security group ${stack.name} ${group} weigh ${weight[family]} IPv${family} rules, over its quota of ${maxRules}` });
      }
    }
  }
}

/** Entries canonical and of the list's family; no more than max_entries, nor than one request takes. */
function checkedPrefixList(resource: WrittenResource, findings: Findings): PrefixList {
  const problem = problemsAt(findings, resource.path);
  const addressFamily = text(resource.body.address_family);
  const family = addressFamily === "IPv4" ? 4 : addressFamily === "IPv6" ? 6 : undefined;
  if (family === undefined) problem(`has address family ${addressFamily ?? "(none)"}`);
  const entries = prefixListEntries(resource.body.entry);
  const maxEntries = integer(resource.body.max_entries) ?? 0;
  if (typeof entries === "string") problem(entries);
  else {
    if (entries.length > maxEntries || maxEntries > PREFIX_LIST_MAX_ENTRIES) problem(`has ${entries.length} entries and max_entries ${maxEntries}`);
    if (entries.length > PREFIX_LIST_ENTRIES_PER_REQUEST) problem(`has ${entries.length} entries, more than one EC2 request takes`);
    for (const cidr of entries) if (cidr.family !== family) problem(`has IPv${cidr.family} entry ${cidr} in an ${addressFamily} list`);
  }
  return { resource, entries, family, maxEntries };
}

function prefixListEntries(raw: unknown): Cidr[] | string {
  if (!Array.isArray(raw)) return "has entries mailgate cannot read back";
  const cidrs: Cidr[] = [];
  for (const entry of raw) {
    const cidr = canonical(stringMap(entry)?.cidr);
    if (typeof cidr === "string") return cidr;
    cidrs.push(cidr);
  }
  return cidrs;
}

function ruleCidr(rule: ResourceBody): Cidr | string {
  if ((rule.cidr_ipv4 === undefined) === (rule.cidr_ipv6 === undefined)) return "must have exactly one of cidr_ipv4 and cidr_ipv6";
  const written = rule.cidr_ipv4 ?? rule.cidr_ipv6;
  const cidr = canonical(written);
  if (typeof cidr === "string") return cidr;
  if ((cidr.family === 4) !== (rule.cidr_ipv4 !== undefined)) return `has an IPv${cidr.family} CIDR ${String(written)} in the wrong field`;
  return cidr;
}

function hasInlineIngress(ingress: unknown): boolean {
  return ingress !== undefined && !(Array.isArray(ingress) && ingress.length === 0);
}

/** Its rules, its groups and the stack's prefix lists, stack by stack (a prefix list is its stack's). */
export const securityGroupVerifier: VerifierPart = {
  resourceTypes: [RULE_RESOURCE_TYPE, GROUP_RESOURCE_TYPE, PREFIX_LIST_RESOURCE_TYPE],
  readStack: (stack, { targets }, findings) => verifySecurityGroups(stack, targets, findings),
};
