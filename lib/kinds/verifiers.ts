import { networkAclVerifier } from "./network-acl/verifier";
import { networkFirewallVerifier } from "./network-firewall/verifier";
import { securityGroupVerifier } from "./security-group/verifier";
import type { AwsFirewallType } from "./targets";
import type { VerifierPart } from "./verifier-part";

/**
 * The verifier's part of every AWS kind (lib/kinds/targets.ts says what a kind is made of); the
 * kinds outside AWS write files, which the audit report proves on the plan.
 */
export const VERIFIERS: { readonly [K in AwsFirewallType]: VerifierPart } = {
  "aws-security-group": securityGroupVerifier,
  "aws-network-acl": networkAclVerifier,
  "aws-network-firewall": networkFirewallVerifier,
};
