import type { FirewallTarget, RuleOrder } from "../../model/config";
import { checkDestinations } from "../../config/check-destinations";
import type { FileContext, PlainMap } from "../../config/context";
import type { FirewallFact } from "../../config/facts";
import { messages } from "../../config/messages";
import type { Path } from "../../config/source";
import { optionalChoice, optionalInt } from "../check-fields";
import type { CheckPart, NameAt } from "../check-part";
import type { NetworkFirewallTarget } from "./target";
import { BOUNDS, RULE_ORDERS } from "../schema-bounds";

/** AWS Network Firewall: rule group names are 1-128 characters of this alphabet. */
const RULE_GROUP_NAME_CHARS = /^[a-zA-Z0-9-]$/;
const MAX_RULE_GROUP_NAME_LENGTH = 128;

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

export const networkFirewallCheck: CheckPart<NetworkFirewallTarget> = { check: checkNetworkFirewall };
