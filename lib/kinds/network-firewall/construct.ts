import { NetworkFirewallRules } from "../../aws/network-firewall-rules";
import type { NetworkFirewallPolicy } from "./plan";
import type { ConstructPart } from "../construct-part";

/** The target's stateful rule group. */
export const networkFirewallConstruct: ConstructPart<NetworkFirewallPolicy> = {
  add: (scope, policy) => {
    new NetworkFirewallRules(scope, policy.target.name, { policy });
  },
};
