import type { RenderPart } from "../render-part";
import type { NetworkFirewallPolicy } from "./plan";

/**
 * No file: the plan's rules are Terraform resources, rendered by the constructs of lib/aws
 * (made by lib/kinds/network-firewall/construct.ts).
 */
export const networkFirewallRender: RenderPart<NetworkFirewallPolicy> = { files: () => [] };
