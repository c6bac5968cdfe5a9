import type { FirewallTarget } from "../../model/config";
import { MAX_SECURITY_GROUP_NAME_LENGTH } from "../../model/names";
import type { FileContext, PlainMap } from "../../config/context";
import type { FirewallFact } from "../../config/facts";
import { messages, type GroupNameProblem } from "../../config/messages";
import type { Path } from "../../config/source";
import { checkPattern, optionalChoice, optionalInt } from "../check-fields";
import type { CheckPart, NameAt } from "../check-part";
import type { SecurityGroupTarget } from "./target";
import { BOUNDS } from "../schema-bounds";
import type { SecurityGroupSources } from "./target";

const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** AWS's alphabet for security group names (the same as for rule descriptions). */
const GROUP_NAME_CHARS = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
const SOURCES: readonly SecurityGroupSources[] = ["cidrs", "prefix-lists"];

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

export const securityGroupCheck: CheckPart<SecurityGroupTarget> = { check: checkSecurityGroup };
