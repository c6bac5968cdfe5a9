// Network ACL targets as written: numbered `aws_network_acl_rule`s on the target's existing ACL,
// inbound to one port and, the ACL being stateless, outbound to the ephemeral ports.
import type { FirewallTarget } from "../../model/config";
import { DEFAULT_NETWORK_ACL_MAX_RULES, usableNetworkAclRules } from "../../policy/quota";
import { NETWORK_ACL_RULE_RESOURCE_TYPE } from "../../terraform/names";
import { EPHEMERAL_PORTS } from "../../model/ports";
import { canonical, countRule, problemsAt, type Findings } from "../../verify/findings";
import { integer, providerRegion, resourcesOf, text, type WrittenStack } from "../../verify/terraform-json";
import type { VerifierPart } from "../verifier-part";

/**
 * Every rule an allow for TCP (6) in a network ACL the config names, in its target's region and
 * rule numbers, each number once per ACL and direction, within the ACL's quota per direction and
 * family; inbound rules to one port, outbound rules to exactly the ephemeral ports.
 */
function verifyNetworkAcls(stacks: readonly WrittenStack[], firewalls: readonly FirewallTarget[], findings: Findings): void {
  const byAcl = new Map(firewalls.flatMap((t) => (t.type === "aws-network-acl" ? [[t.networkAclId, t] as const] : [])));
  /** ACL, direction and number -> the first rule that has it. */
  const numbers = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const stack of stacks) {
    const region = providerRegion(stack.json);
    for (const { path, body: rule } of resourcesOf(stack.name, stack.json, NETWORK_ACL_RULE_RESOURCE_TYPE)) {
      const problem = problemsAt(findings, path);
      const aclId = text(rule.network_acl_id);
      const target = aclId === undefined ? undefined : byAcl.get(aclId);
      if (!target) {
        problem(`is in network ACL ${aclId ?? "(none)"}, which no network ACL target of the config names`);
        continue;
      }
      countRule(findings, target.name);
      if (region !== target.region) problem(`is in a stack for region ${region ?? "(none)"}, but target ${target.name} is in ${target.region}`);
      const protocol = text(rule.protocol);
      if (protocol !== "6") problem(`opens protocol ${protocol ?? "(none)"}, not TCP (6)`);
      const action = text(rule.rule_action);
      if (action !== "allow") problem(`has action ${action ?? "(none)"}, not allow`);
      const egress = rule.egress === true;
      if (rule.egress !== true && rule.egress !== false) problem("does not say its direction (egress)");
      const n = integer(rule.rule_number);
      const { from, to } = target.ruleNumbers;
      if (n === undefined || !Number.isInteger(n) || n < from || n > to) problem(`has rule number ${n ?? "(none)"}, outside target ${target.name}'s ${from}-${to}`);
      const numberKey = `${target.networkAclId} ${egress} ${n}`;
      const first = numbers.get(numberKey);
      if (first !== undefined) problem(`has ${egress ? "outbound" : "inbound"} rule number ${n}, which ${first} has too`);
      else numbers.set(numberKey, path);

      if ((rule.cidr_block === undefined) === (rule.ipv6_cidr_block === undefined)) {
        problem("must have exactly one of cidr_block and ipv6_cidr_block");
        continue;
      }
      const cidr = canonical(rule.cidr_block ?? rule.ipv6_cidr_block);
      if (typeof cidr === "string") {
        problem(cidr);
        continue;
      }
      if ((cidr.family === 4) !== (rule.cidr_block !== undefined)) problem(`has an IPv${cidr.family} CIDR ${cidr} in the wrong field`);
      const countKey = `${target.name} ${egress} ${cidr.family}`;
      const count = (counts.get(countKey) ?? 0) + 1;
      counts.set(countKey, count);
      // The ACL's default deny rule counts against its quota too.
      const usable = usableNetworkAclRules(target.maxRules ?? DEFAULT_NETWORK_ACL_MAX_RULES);
      if (count === usable + 1) problem(`takes target ${target.name} over ${usable} ${egress ? "outbound" : "inbound"} IPv${cidr.family} rules`);
      const [fromPort, toPort] = [integer(rule.from_port), integer(rule.to_port)];
      if (egress) {
        if (fromPort !== EPHEMERAL_PORTS.from || toPort !== EPHEMERAL_PORTS.to) {
          problem(`lets replies out on ports ${fromPort ?? "?"}-${toPort ?? "?"}, not ${EPHEMERAL_PORTS.from}-${EPHEMERAL_PORTS.to}`);
        } else {
          findings.returns.push({ target: target.name, cidr });
        }
      } else if (fromPort === undefined || fromPort !== toPort) {
        problem(`opens ports ${fromPort ?? "?"}-${toPort ?? "?"}, not a single port`);
      } else {
        findings.opened.push({ target: target.name, port: fromPort, cidr });
      }
    }
  }
}

/** Its rules, across stacks: each rule number once per ACL and direction, whichever stack holds it. */
export const networkAclVerifier: VerifierPart = {
  resourceTypes: [NETWORK_ACL_RULE_RESOURCE_TYPE],
  readAll: (stacks, { firewalls }, findings) => verifyNetworkAcls(stacks, firewalls, findings),
};
