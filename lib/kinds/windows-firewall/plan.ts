import type { WindowsFirewallTarget } from "../../model/config";
import { SOURCE_LIST_LABEL, type SourceListKey } from "../../model/source-lists";
import { portSources, type OnPremPlan } from "../../policy/port-sources";
import type { FirewallRule } from "../../policy/rule";
import { OUTSIDE_AWS, type PlanPart } from "../plan-part";
import { windowsFirewallTarget } from "./target";

/** One `New-NetFirewallRule`: TCP to one port from the port's sources. */
export interface WindowsRulePlan {
  readonly displayName: string;
  readonly port: number;
  readonly key: SourceListKey;
  readonly rules: readonly FirewallRule[];
}

export interface WindowsFirewallPolicy extends OnPremPlan {
  readonly type: "windows-firewall";
  readonly target: WindowsFirewallTarget;
  /** Sorted by port. */
  readonly windowsRules: readonly WindowsRulePlan[];
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
    windowsRules: portSources(rules).map((p) => ({ displayName: windowsRuleName(target.group, p.port, p.key), port: p.port, key: p.key, rules: p.rules })),
  };
}

export const windowsFirewallPlan: PlanPart<WindowsFirewallTarget, WindowsFirewallPolicy> = {
  plan: (target, { rules }) => planWindowsFirewall(target, rules),
  ...OUTSIDE_AWS,
  limits: () => [],
};
