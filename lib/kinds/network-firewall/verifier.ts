// Network Firewall targets as written: one STATEFUL `aws_networkfirewall_rule_group` of 5-tuple
// PASS rules, each from one canonical CIDR to one of the target's destinations on one port.
import type { FirewallTarget } from "../../model/config";
import { MAX_STATEFUL_CAPACITY } from "../../policy/quota";
import { RULE_GROUP_RESOURCE_TYPE } from "../../terraform/names";
import { canonical, countRule, problemsAt, taggedTarget, type Findings } from "../../verify/findings";
import { integer, providerRegion, resourcesOf, stringMap, text, type WrittenStack } from "../../verify/terraform-json";
import type { VerifierPart } from "../verifier-part";

/**
 * Every rule group tagged with a configured Network Firewall target, in its region, with its name,
 * a rule order that is AWS's (and the target's, when it asks for one), nothing but stateful 5-tuple
 * rules within its capacity, and each rule a TCP PASS with one unique numeric sid.
 */
function verifyRuleGroups(stack: WrittenStack, targets: ReadonlyMap<string, FirewallTarget>, findings: Findings): void {
  const region = providerRegion(stack.json);
  for (const { path, body: group } of resourcesOf(stack.name, stack.json, RULE_GROUP_RESOURCE_TYPE)) {
    const problem = problemsAt(findings, path);
    const target = taggedTarget(targets, stringMap(group.tags)?.MailgateTarget, "aws-network-firewall", problem);
    if (!target) continue;
    if (region !== target.region) problem(`is in a stack for region ${region ?? "(none)"}, but target ${target.name} is in ${target.region}`);
    const name = text(group.name);
    if (name !== target.ruleGroupName) problem(`is named ${name ?? "(none)"}, not ${target.ruleGroupName}`);
    const type = text(group.type);
    if (type !== "STATEFUL") problem(`is of type ${type ?? "(none)"}, not STATEFUL`);
    if (group.rules !== undefined) problem("has Suricata rules text, which mailgate never emits");
    const ruleGroup = stringMap(group.rule_group);
    // Which order is the placements' to decide (an existing group keeps its own); a given one must be honoured.
    const order = stringMap(ruleGroup?.stateful_rule_options)?.rule_order;
    if (order !== "STRICT_ORDER" && order !== "DEFAULT_ACTION_ORDER") problem(`has rule order ${String(order)}, neither STRICT_ORDER nor DEFAULT_ACTION_ORDER`);
    else if (target.ruleOrder !== undefined && order !== target.ruleOrder) problem(`has rule order ${order}, but target ${target.name} asks for ${target.ruleOrder}`);
    const source = stringMap(ruleGroup?.rules_source);
    if (source?.rules_string !== undefined || source?.rules_source_list !== undefined || source?.stateless_rules_and_custom_actions !== undefined) {
      problem("has rules other than 5-tuple stateful rules");
    }
    const rules = source?.stateful_rule;
    if (!Array.isArray(rules)) {
      problem("has stateful rules mailgate cannot read back");
      continue;
    }
    const capacity = integer(group.capacity) ?? 0;
    if (capacity < rules.length || capacity > MAX_STATEFUL_CAPACITY) problem(`has capacity ${capacity} for ${rules.length} stateful rules`);
    const sids = new Set<string>();
    rules.forEach((raw: unknown, i) => {
      const at = (text: string) => problem(`has stateful rule ${i + 1} that ${text}`);
      countRule(findings, target.name);
      const rule = stringMap(raw) ?? {};
      const h = stringMap(rule.header) ?? {};
      if (rule.action !== "PASS") at(`has action ${String(rule.action)}, not PASS`);
      if (h.protocol !== "TCP") at(`matches protocol ${String(h.protocol)}, not TCP`);
      if (h.source_port !== "ANY") at(`matches source port ${String(h.source_port)}, not ANY`);
      if (h.direction !== "FORWARD") at(`has direction ${String(h.direction)}, not FORWARD`);
      const options = Array.isArray(rule.rule_option) ? rule.rule_option.map((o: unknown) => stringMap(o) ?? {}) : [];
      const settings = options.find((o) => o.keyword === "sid")?.settings;
      const sid = Array.isArray(settings) && settings.length === 1 ? text(settings[0]) : undefined;
      if (options.length !== 1 || sid === undefined || !/^[1-9][0-9]*$/.test(sid)) at("does not have exactly one numeric sid option");
      else if (sids.has(sid)) at(`repeats sid ${sid}`);
      else sids.add(sid);
      const destinationPort = text(h.destination_port);
      const port = destinationPort !== undefined && /^[1-9][0-9]{0,4}$/.test(destinationPort) ? Number(destinationPort) : undefined;
      if (port === undefined || port > 65535) at(`has destination port ${String(h.destination_port)}, not a single port`);
      const cidr = canonical(h.source);
      const destination = canonical(h.destination);
      if (typeof cidr === "string") at(`has a source that ${cidr}`);
      if (typeof destination === "string") at(`has a destination that ${destination}`);
      if (typeof destination !== "string" && !target.destinations.some((d) => d.equals(destination))) at(`goes to ${destination}, which is not a destination of target ${target.name}`);
      if (port !== undefined && port <= 65535 && typeof cidr !== "string" && typeof destination !== "string") {
        findings.opened.push({ target: target.name, port, cidr, destination });
      }
    });
  }
}

/** Its rule groups, stack by stack. */
export const networkFirewallVerifier: VerifierPart = {
  resourceTypes: [RULE_GROUP_RESOURCE_TYPE],
  readStack: (stack, { targets }, findings) => verifyRuleGroups(stack, targets, findings),
};
