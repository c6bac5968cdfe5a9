import type { IpCatalog } from "../model/ip-catalog";
import type { PolicyOf, TargetPolicy } from "../policy/types";
import { allowlistRender } from "./allowlist/render";
import { networkAclRender } from "./network-acl/render";
import { networkFirewallRender } from "./network-firewall/render";
import { nftablesRender } from "./nftables/render";
import type { RenderPart } from "./render-part";
import { securityGroupRender } from "./security-group/render";
import type { FirewallType } from "./targets";
import { windowsFirewallRender } from "./windows-firewall/render";

/** The rendering part of every kind (lib/kinds/targets.ts says what a kind is made of). */
export const RENDERS: { readonly [K in FirewallType]: RenderPart<PolicyOf<K>> } = {
  "aws-security-group": securityGroupRender,
  "aws-network-acl": networkAclRender,
  "aws-network-firewall": networkFirewallRender,
  nftables: nftablesRender,
  "windows-firewall": windowsFirewallRender,
  allowlist: allowlistRender,
};

/** The files of a plan, by its kind. */
export function filesOf(p: TargetPolicy, catalog: IpCatalog): [string, string][] {
  const part: RenderPart<TargetPolicy> = RENDERS[p.type];
  return part.files(p, catalog);
}
