import type { LivePart } from "../live-part";
import type { WindowsFirewallPolicy } from "./plan";
import type { WindowsFirewallTarget } from "./target";

/** Not in AWS: nothing to export or compare (its file is the whole truth, and `check` compares it). */
export const windowsFirewallLive: LivePart<WindowsFirewallTarget, WindowsFirewallPolicy> = {
  compare: () => undefined,
  exportCommands: () => [],
  importable: () => [],
  adoption: () => undefined,
};
