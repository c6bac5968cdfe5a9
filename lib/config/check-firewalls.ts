import { MAX_SECURITY_GROUP_NAME_LENGTH } from "../model/names";
import { parseRoleArn, partitionOfRegion } from "../model/aws-account";
import type { FirewallTarget, RuleOrder, SecurityGroupSources } from "../model/config";
import { AWS_REGION_PATTERN, KNOWN_AWS_REGIONS } from "./aws-regions";
import { checkAwsAccess, type AwsAccess } from "./check-aws-access";
import { checkDestinations } from "./check-destinations";
import { checkOnPremFirewall } from "./check-onprem-firewalls";
import { FileContext, isPlainMap, type PlainMap } from "./context";
import type { FirewallFact } from "./facts";
import { messages, type GroupNameProblem, type Problem } from "./messages";
import { BOUNDS, RULE_ORDERS } from "./schema";
import type { Path } from "./source";
import { didYouMean } from "./suggest";

/** Firewall names become parts of Terraform resource names and construct ids. */
const FIREWALL_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** AWS's alphabet for security group names (the same as for rule descriptions). */
const GROUP_NAME_CHARS = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
const NETWORK_ACL_ID = /^acl-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** AWS Network Firewall: rule group names are 1-128 characters of this alphabet. */
const RULE_GROUP_NAME_CHARS = /^[a-zA-Z0-9-]$/;
const MAX_RULE_GROUP_NAME_LENGTH = 128;
const SOURCES: readonly SecurityGroupSources[] = ["cidrs", "prefix-lists"];
/**
 * A Network Firewall destination broader than this is suspicious (a warning): an IPv4 VPC block
 * is /16 at most, and AWS gives a VPC an IPv6 /56, so a broader one opens more than the VPC.
 */

/**
 * Checks one entry of `firewalls:`. The region applies to every kind of target; the other fields
 * are checked only for a known `type` (an unknown one is a schema error). Bounds on numbers and
 * the choice of `sources` are schema rules; a target is built only when every field is valid.
 */
export function checkFirewall(ctx: FileContext, name: string, target: unknown, path: Path): FirewallFact {
  const at = ctx.key(path);
  if (!FIREWALL_NAME.test(name)) ctx.report(messages.invalidFirewallName(name, suggestFirewallName(name)), at);
  if (!isPlainMap(target)) return { name, at };
  const region = typeof target.region === "string" ? checkRegion(ctx, target.region, [...path, "region"]) : undefined;
  const access = checkAwsAccess(ctx, target, path);
  const partitionsAgree = region === undefined || !access || checkPartitions(ctx, access, region, path);
  if (region !== undefined && access?.stack !== undefined) checkStackRegion(ctx, access.stack, region, [...path, "stack"]);
  const fact = checkByType(ctx, { name, at }, target, path, region);
  if (!fact.target) return fact;
  const renamedFrom = checkRenamedFrom(ctx, name, target.renamedFrom, [...path, "renamedFrom"]);
  if (!access || !partitionsAgree || renamedFrom === false) return { ...fact, target: undefined };
  return { ...fact, target: { ...fact.target, ...access, ...(renamedFrom ? { renamedFrom } : {}) } };
}

/** `renamedFrom`: a firewall name, not the target's own; false when bad (reported). */
function checkRenamedFrom(ctx: FileContext, name: string, value: unknown, path: Path): string | undefined | false {
  if (typeof value !== "string") return undefined;
  if (FIREWALL_NAME.test(value) && value !== name) return value;
  ctx.report(messages.invalidRenamedFrom(value, name), ctx.value(path));
  return false;
}

function checkByType(ctx: FileContext, nameAt: NameAt, target: PlainMap, path: Path, region: string | undefined): FirewallFact {
  switch (target.type) {
    case "aws-security-group":
      return checkSecurityGroup(ctx, nameAt, target, path, region);
    case "aws-network-acl":
      return checkNetworkAcl(ctx, nameAt, target, path, region);
    case "aws-network-firewall":
      return checkNetworkFirewall(ctx, nameAt, target, path, region);
    case "nftables":
    case "windows-firewall":
    case "allowlist":
      return checkOnPremFirewall(ctx, nameAt, target, path);
    default:
      return nameAt;
  }
}

type NameAt = Pick<FirewallFact, "name" | "at">;

/** Exactly one way to find the group: an existing `securityGroupId`, or `vpcId` + `name` to create it. */
function checkSecurityGroup(ctx: FileContext, { name, at }: NameAt, target: PlainMap, path: Path, region: string | undefined): FirewallFact {
  const vpcId = checkPattern(ctx, target.vpcId, [...path, "vpcId"], VPC_ID, messages.invalidVpcId);
  const securityGroupId = checkPattern(ctx, target.securityGroupId, [...path, "securityGroupId"], SECURITY_GROUP_ID, messages.invalidSecurityGroupId);
  const groupName = typeof target.name === "string" ? checkGroupName(ctx, target.name, [...path, "name"]) : undefined;
  const sources = optionalChoice(target.sources, SOURCES);
  const maxRules = optionalInt(target.maxRules, BOUNDS.securityGroupMaxRules);

  const present = (["securityGroupId", "vpcId", "name"] as const).filter((key) => target[key] !== undefined);
  const shape = present.join("+");
  if (shape !== "securityGroupId" && shape !== "vpcId+name") {
    ctx.report(messages.firewallTargetShape(name, present), ctx.value(path));
    return { name, at };
  }
  if (region === undefined || !sources.ok || !maxRules.ok) return { name, at };
  const options = { ...(sources.value !== undefined ? { sources: sources.value } : {}), ...(maxRules.value !== undefined ? { maxRules: maxRules.value } : {}) };
  if (shape === "securityGroupId") {
    if (securityGroupId === undefined) return { name, at };
    const fact = { name, at, securityGroupId: { id: securityGroupId, at: ctx.value([...path, "securityGroupId"]) } };
    return { ...fact, target: { type: "aws-security-group", name, region, securityGroupId, ...options } satisfies FirewallTarget };
  }
  if (vpcId === undefined || groupName === undefined) return { name, at };
  return {
    name,
    at,
    createdGroup: { region, vpcId, groupName, at: ctx.value([...path, "name"]) },
    target: { type: "aws-security-group", name, region, create: { vpcId, groupName }, ...options } satisfies FirewallTarget,
  };
}

/** An existing ACL, the rule numbers mailgate may use in it, and its quota. */
function checkNetworkAcl(ctx: FileContext, { name, at }: NameAt, target: PlainMap, path: Path, region: string | undefined): FirewallFact {
  const networkAclId = checkPattern(ctx, target.networkAclId, [...path, "networkAclId"], NETWORK_ACL_ID, messages.invalidNetworkAclId);
  const ruleNumbers = checkRuleNumbers(ctx, target.ruleNumbers, [...path, "ruleNumbers"]);
  const maxRules = optionalInt(target.maxRules, BOUNDS.networkAclMaxRules);
  if (region === undefined || networkAclId === undefined || ruleNumbers === undefined || !maxRules.ok) return { name, at };
  return {
    name,
    at,
    networkAclId: { id: networkAclId, at: ctx.value([...path, "networkAclId"]) },
    target: {
      type: "aws-network-acl",
      name,
      region,
      networkAclId,
      ruleNumbers,
      ...(maxRules.value !== undefined ? { maxRules: maxRules.value } : {}),
    } satisfies FirewallTarget,
  };
}

/** Both bounds are schema rules (1-32766); their order is ours to check. */
function checkRuleNumbers(ctx: FileContext, value: unknown, path: Path): { from: number; to: number } | undefined {
  if (!isPlainMap(value)) return undefined;
  const from = optionalInt(value.from, BOUNDS.ruleNumber);
  const to = optionalInt(value.to, BOUNDS.ruleNumber);
  if (!from.ok || !to.ok || from.value === undefined || to.value === undefined) return undefined;
  if (from.value > to.value) return ctx.report(messages.ruleNumbersReversed(from.value, to.value), ctx.value(path));
  return { from: from.value, to: to.value };
}

/** A rule group mailgate creates: its name, the mail servers behind the firewall, its capacity. */
function checkNetworkFirewall(ctx: FileContext, { name, at }: NameAt, target: PlainMap, path: Path, region: string | undefined): FirewallFact {
  const ruleGroupName = typeof target.name === "string" ? checkRuleGroupName(ctx, target.name, [...path, "name"]) : undefined;
  const destinations = checkDestinations(ctx, target.destinations, [...path, "destinations"], { warnBroad: true });
  const capacity = optionalInt(target.capacity, BOUNDS.capacity);
  const ruleOrder = optionalChoice<RuleOrder>(target.ruleOrder, RULE_ORDERS);
  if (region === undefined || ruleGroupName === undefined || destinations === undefined || !capacity.ok || !ruleOrder.ok) return { name, at };
  return {
    name,
    at,
    ruleGroup: { region, name: ruleGroupName, at: ctx.value([...path, "name"]) },
    target: {
      type: "aws-network-firewall",
      name,
      region,
      ruleGroupName,
      destinations,
      ...(capacity.value !== undefined ? { capacity: capacity.value } : {}),
      ...(ruleOrder.value !== undefined ? { ruleOrder: ruleOrder.value } : {}),
      ...(target.replaceRuleGroup === true ? { replaceRuleGroup: true } : {}),
    } satisfies FirewallTarget,
  };
}

function checkRuleGroupName(ctx: FileContext, text: string, path: Path): string | undefined {
  const reason =
    text.length === 0
      ? "it is empty"
      : text.length > MAX_RULE_GROUP_NAME_LENGTH
        ? `it is ${text.length} characters long; the limit is ${MAX_RULE_GROUP_NAME_LENGTH}`
        : [...text].find((c) => !RULE_GROUP_NAME_CHARS.test(c)) !== undefined
          ? `it contains ${JSON.stringify([...text].find((c) => !RULE_GROUP_NAME_CHARS.test(c)))}, which AWS does not allow`
          : undefined;
  if (reason) return ctx.report(messages.invalidRuleGroupName(text, reason), ctx.value(path));
  return text;
}

/** An optional integer the schema bounds; `ok` false when present and out of bounds (already reported). */
function optionalInt(value: unknown, { min, max }: { readonly min: number; readonly max: number }): { ok: boolean; value?: number } {
  if (value === undefined) return { ok: true };
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) return { ok: false };
  return { ok: true, value: value as number };
}

/** A role ARN names its partition; a provider in a region of another partition cannot assume it. */
function checkPartitions(ctx: FileContext, access: AwsAccess, region: string, path: Path): boolean {
  const regionPartition = partitionOfRegion(region);
  let ok = true;
  for (const field of ["roleArn", "planRoleArn"] as const) {
    const arn = access[field];
    const role = arn === undefined ? undefined : parseRoleArn(arn);
    if (role && role.partition !== regionPartition) {
      ctx.report(messages.rolePartitionMismatch(field, role.partition, region, regionPartition), ctx.value([...path, field]));
      ok = false;
    }
  }
  return ok;
}

function optionalChoice<T extends string>(value: unknown, allowed: readonly T[]): { ok: boolean; value?: T } {
  if (value === undefined) return { ok: true };
  return allowed.includes(value as T) ? { ok: true, value: value as T } : { ok: false };
}

/**
 * A `stack` name that names another known region (`mailgate-us-east-1` for an eu-west-1 target)
 * is only misleading, so a warning: the region is a whole `-`-separated part of the name
 * (`us-east-1` is not read in `mailgate-us-east-12`), and the target's own region may appear too.
 */
function checkStackRegion(ctx: FileContext, stack: string, region: string, path: Path): void {
  const named = KNOWN_AWS_REGIONS.find((r) => r !== region && new RegExp(`(^|-)${r}(-|$)`).test(stack));
  if (named !== undefined) ctx.report(messages.stackNameRegion(stack, named, region), ctx.value(path));
}

/** Region codes have a fixed shape; one we do not know is only a warning, as AWS adds regions. */
function checkRegion(ctx: FileContext, region: string, path: Path): string | undefined {
  if (!AWS_REGION_PATTERN.test(region)) {
    return ctx.report(messages.invalidRegion(region, didYouMean(region, KNOWN_AWS_REGIONS)), ctx.value(path));
  }
  if (!KNOWN_AWS_REGIONS.includes(region)) {
    ctx.report(messages.unknownRegion(region, didYouMean(region, KNOWN_AWS_REGIONS)), ctx.value(path));
  }
  return region;
}

function checkPattern(
  ctx: FileContext,
  value: unknown,
  path: Path,
  pattern: RegExp,
  problem: (text: string) => Problem,
): string | undefined {
  if (typeof value !== "string") return undefined;
  if (!pattern.test(value)) return ctx.report(problem(value), ctx.value(path));
  return value;
}

function checkGroupName(ctx: FileContext, groupName: string, path: Path): string | undefined {
  const problem = groupNameProblem(groupName);
  if (problem) return ctx.report(messages.invalidGroupName(groupName, problem), ctx.value(path));
  return groupName;
}

function groupNameProblem(groupName: string): GroupNameProblem | undefined {
  if (groupName.length === 0) return { kind: "empty" };
  if (groupName.length > MAX_SECURITY_GROUP_NAME_LENGTH) return { kind: "too-long", length: groupName.length, max: MAX_SECURITY_GROUP_NAME_LENGTH };
  const bad = [...groupName].find((c) => !GROUP_NAME_CHARS.test(c));
  if (bad !== undefined) return { kind: "bad-character", character: bad };
  if (groupName.startsWith("sg-")) return { kind: "reserved-prefix" };
  // AWS allows `$` and braces, but Terraform would evaluate `${...}` and cdktf substitutes its
  // own `${TfToken[...]}` markers before any escape applies: refuse it here. (`%` is already
  // outside AWS's alphabet, so `%{` never gets this far.)
  if (groupName.includes("${")) return { kind: "template", opener: "${" };
  return undefined;
}

/** The nearest valid name, when the fix is mechanical (`Mail_USE1` -> `mail-use1`). */
function suggestFirewallName(name: string): string | undefined {
  const candidate = name.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
  return FIREWALL_NAME.test(candidate) && candidate !== name ? candidate : undefined;
}
