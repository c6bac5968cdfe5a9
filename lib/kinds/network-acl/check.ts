import type { FirewallTarget } from "../../model/config";
import { isPlainMap, type FileContext, type PlainMap } from "../../config/context";
import type { FirewallFact } from "../../config/facts";
import { messages } from "../../config/messages";
import type { Path } from "../../config/source";
import { checkPattern, optionalInt } from "../check-fields";
import type { CheckPart, NameAt } from "../check-part";
import type { NetworkAclTarget } from "./target";
import { BOUNDS } from "../schema-bounds";

const NETWORK_ACL_ID = /^acl-([0-9a-f]{8}|[0-9a-f]{17})$/;

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

export const networkAclCheck: CheckPart<NetworkAclTarget> = { check: checkNetworkAcl };
