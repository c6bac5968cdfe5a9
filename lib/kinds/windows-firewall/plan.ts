import type { WindowsFirewallTarget } from "../../model/config";
import { SOURCE_LIST_LABEL, type SourceListKey } from "../../model/source-lists";
import { portSources, type OnPremPlan } from "../../policy/port-sources";
import { sourcesRule, type PlannedRule, type SourcesContent } from "../../policy/planned-rule";
import type { FirewallRule } from "../../policy/rule";
import { OUTSIDE_AWS, type PlanPart } from "../plan-part";
import { windowsFirewallTarget } from "./target";

export interface WindowsFirewallPolicy extends OnPremPlan {
  readonly type: "windows-firewall";
  readonly target: WindowsFirewallTarget;
  /** One `New-NetFirewallRule` per port, from the port's sources; sorted by port. */
  readonly plannedRules: readonly PlannedRule<{ readonly displayName: string }, SourcesContent>[];
}

/** `mailgate-mail-win tcp/993 (HubSpot IMAP)`: stable, so a reader finds the rule in `Get-NetFirewallRule`. */
export function windowsRuleName(group: string, port: number, key: SourceListKey): string {
  return `${group} tcp/${port} (${SOURCE_LIST_LABEL[key]})`;
}

/** A Windows target: one inbound rule per port, from exactly the port's cover. */
export function planWindowsFirewall(target: WindowsFirewallTarget, rules: readonly FirewallRule[]): WindowsFirewallPolicy {
  return {
    type: "windows-firewall",
    target,
    rules,
    artifacts: windowsFirewallTarget.files(target),
    plannedRules: portSources(rules).map((p) => sourcesRule(p.port, p.key, p.rules, { displayName: windowsRuleName(target.group, p.port, p.key) })),
  };
}

export const windowsFirewallPlan: PlanPart<WindowsFirewallTarget, WindowsFirewallPolicy> = {
  plan: (target, { rules }) => planWindowsFirewall(target, rules),
  ...OUTSIDE_AWS,
  limits: () => [],
};
