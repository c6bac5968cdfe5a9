// Validation as every command sees it: the loader's checks, then the checks that need the
// policy's counts (quotas, rule numbers, capacity). Pure and cdktf-free, so `validate` stays fast.
import { prefixListName } from "./aws/naming";
import { compareDiagnostics, hasErrors, type Diagnostic } from "./config/diagnostic";
import { loadConfig } from "./config/load";
import { messages, type Problem } from "./config/messages";
import type { Config, FirewallTarget } from "./model/config";
import { buildPolicy, type FirewallPolicy } from "./policy/firewall-policy";
import { checkLimits, MAX_STATEFUL_CAPACITY, type LimitProblem } from "./policy/quota";
import { PREFIX_LIST_ENTRIES_PER_REQUEST } from "./policy/prefix-lists";

export interface ValidationResult {
  /** Present if and only if there are no error-severity diagnostics. */
  readonly config?: Config;
  /** The policy of a valid config. */
  readonly policy?: FirewallPolicy;
  /** Every problem, sorted with `compareDiagnostics`. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Loads and validates `configDir` completely; never throws for a config problem. */
export function validateConfig(configDir: string): ValidationResult {
  const loaded = loadConfig(configDir);
  if (!loaded.config) return { diagnostics: loaded.diagnostics };
  return withLimits(loaded.config, loaded.diagnostics);
}

/** The policy of an already loaded config, and what AWS would refuse in it, as diagnostics. */
export function withLimits(config: Config, diagnostics: readonly Diagnostic[] = []): ValidationResult {
  const policy = buildPolicy(config);
  const all = [...diagnostics, ...checkLimits(policy).map(limitDiagnostic)].sort(compareDiagnostics);
  if (hasErrors(all)) return { diagnostics: all };
  return { config, policy, diagnostics: all };
}

const FAMILY = { 4: "IPv4", 6: "IPv6" } as const;

/** A quota problem as a diagnostic at the firewall's name in the YAML. */
export function limitDiagnostic(problem: LimitProblem): Diagnostic {
  return at(problem.target, limitProblem(problem));
}

function limitProblem(p: LimitProblem): Problem {
  switch (p.kind) {
    case "security-group-quota":
      return messages.securityGroupOverQuota({
        target: p.target.name,
        securityGroupId: p.target.securityGroupId,
        family: FAMILY[p.family],
        needed: p.needed,
        allowed: p.allowed,
        cidrRules: p.cidrRules,
        prefixListRules: p.prefixListRules.map((u) => ({ name: prefixListName(u.prefixList), rules: u.rules, weight: u.prefixList.maxEntries })),
        cidrAlternative: p.cidrAlternative,
      });
    case "rule-heavier-than-quota":
      return messages.ruleHeavierThanQuota(p.target.name, p.port, prefixListName(p.prefixList), p.prefixList.maxEntries, p.allowed);
    case "network-acl-quota":
      return messages.networkAclOverQuota(p.target.name, p.target.networkAclId, p.direction, FAMILY[p.family], p.needed, p.allowed);
    case "network-acl-numbers":
      return messages.networkAclRuleNumbers(p.target.name, p.direction, p.needed, p.target.ruleNumbers.from, p.target.ruleNumbers.to);
    case "capacity":
      return messages.ruleGroupCapacity(p.target.name, p.target.ruleGroupName, p.rules, p.given ? p.capacity : MAX_STATEFUL_CAPACITY, p.given);
    case "prefix-list-too-large": {
      const label = p.prefixList.lists.map((l) => l.toUpperCase()).join("+");
      return messages.prefixListTooLarge(label, FAMILY[p.prefixList.family], p.prefixList.entries.length, PREFIX_LIST_ENTRIES_PER_REQUEST);
    }
    case "split-name-too-long":
      return messages.splitGroupNameTooLong(p.target.name, p.groupName, p.groups);
    case "split-name-taken":
      return messages.splitGroupNameTaken(p.target.name, p.groupName, p.vpcId, p.target.region, p.otherTarget);
  }
}

/** Configs built in code have no positions; their diagnostics point at the target by name. */
function at(target: FirewallTarget, problem: Problem): Diagnostic {
  const position = target.position ?? { file: `(firewall ${target.name})`, line: 1, column: 1 };
  const { excerpt, ...where } = position;
  return { ...problem, position: where, ...(excerpt ? { excerpt } : {}) };
}
