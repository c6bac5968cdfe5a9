import type { FirewallTarget } from "../model/config";
import { AWS_REGION_PATTERN, KNOWN_AWS_REGIONS } from "./aws-regions";
import { FileContext, isPlainMap, type PlainMap } from "./context";
import type { FirewallFact } from "./facts";
import { messages, type GroupNameProblem, type Problem } from "./messages";
import type { Path } from "./source";
import { didYouMean } from "./suggest";

/** Firewall names become parts of Terraform resource names and construct ids. */
const FIREWALL_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** AWS's alphabet for security group names (the same as for rule descriptions). */
const GROUP_NAME_CHARS = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
const MAX_GROUP_NAME_LENGTH = 255;

/**
 * Checks one entry of `firewalls:`. The region applies to every kind of target; the other fields
 * are checked only for a known `type` (an unknown one is a schema error).
 */
export function checkFirewall(ctx: FileContext, name: string, target: unknown, path: Path): FirewallFact {
  const at = ctx.key(path);
  if (!FIREWALL_NAME.test(name)) ctx.report(messages.invalidFirewallName(name, suggestFirewallName(name)), at);
  if (!isPlainMap(target)) return { name, at };
  const region = typeof target.region === "string" ? checkRegion(ctx, target.region, [...path, "region"]) : undefined;
  if (target.type !== "aws-security-group") return { name, at };
  return checkSecurityGroup(ctx, { name, at }, target, path, region);
}

/** Exactly one way to find the group: an existing `securityGroupId`, or `vpcId` + `name` to create it. */
function checkSecurityGroup(
  ctx: FileContext,
  { name, at }: Pick<FirewallFact, "name" | "at">,
  target: PlainMap,
  path: Path,
  region: string | undefined,
): FirewallFact {
  const vpcId = checkPattern(ctx, target.vpcId, [...path, "vpcId"], VPC_ID, messages.invalidVpcId);
  const securityGroupId = checkPattern(ctx, target.securityGroupId, [...path, "securityGroupId"], SECURITY_GROUP_ID, messages.invalidSecurityGroupId);
  const groupName = typeof target.name === "string" ? checkGroupName(ctx, target.name, [...path, "name"]) : undefined;

  const present = (["securityGroupId", "vpcId", "name"] as const).filter((key) => target[key] !== undefined);
  const shape = present.join("+");
  if (shape !== "securityGroupId" && shape !== "vpcId+name") {
    ctx.report(messages.firewallTargetShape(name, present), ctx.value(path));
    return { name, at };
  }
  if (region === undefined) return { name, at };
  if (shape === "securityGroupId") {
    if (securityGroupId === undefined) return { name, at };
    const fact = { name, at, securityGroupId: { id: securityGroupId, at: ctx.value([...path, "securityGroupId"]) } };
    return { ...fact, target: { type: "aws-security-group", name, region, securityGroupId } satisfies FirewallTarget };
  }
  if (vpcId === undefined || groupName === undefined) return { name, at };
  return {
    name,
    at,
    createdGroup: { region, vpcId, groupName, at: ctx.value([...path, "name"]) },
    target: { type: "aws-security-group", name, region, create: { vpcId, groupName } } satisfies FirewallTarget,
  };
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
  if (groupName.length > MAX_GROUP_NAME_LENGTH) return { kind: "too-long", length: groupName.length, max: MAX_GROUP_NAME_LENGTH };
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
