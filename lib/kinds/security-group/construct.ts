import { SecurityGroupIngress } from "../../aws/security-group-ingress";
import type { SecurityGroupPolicy } from "./plan";
import type { ConstructPart } from "../construct-part";

/** Ingress rules on the target's group (created or existing), from CIDRs or the stack's prefix lists. */
export const securityGroupConstruct: ConstructPart<SecurityGroupPolicy> = {
  add: (scope, policy, { prefixListIds, adopted }) => {
    new SecurityGroupIngress(scope, policy.target.name, { policy, prefixListIds, adopted });
  },
};
