// One comparison for every export format: what AWS says is open (model.ts) against what the
// config needs (the audit's `requiredAccessOf`, worked out without the policy code), in the
// audit's own interval arithmetic (lib/audit/intervals.ts). The policy is read only for what it
// names: which planned rule is missing, which rule numbers and groups are mailgate's.
import type { AddressRange } from "../audit/intervals";
import { requiredAccessOf } from "../audit/required";
import { compareTarget } from "../kinds/lives";
import type { Config } from "../model/config";
import type { FirewallPolicy } from "../policy/firewall-policy";
import { Incomplete, type CompareResult, type TargetReport } from "./differences";
import type { LiveExports } from "./model";

export type * from "./differences";

/** Every AWS target of the policy against the exports, sorted by target name. */
export function compareLive(config: Config, policy: FirewallPolicy, live: LiveExports): CompareResult {
  const required = requiredAccessOf(config);
  const targets: TargetReport[] = [];
  try {
    for (const target of policy.targets) {
      const ports = required.get(target.target.name) ?? new Map<number, readonly AddressRange[]>();
      const report = compareTarget(target, ports, live);
      if (report) targets.push(report);
    }
  } catch (error) {
    if (error instanceof Incomplete) return { ok: false, message: error.message };
    throw error;
  }
  targets.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  return { ok: true, report: { targets, exact: targets.every((t) => t.differences.length === 0) } };
}
