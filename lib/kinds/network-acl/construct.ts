import { NetworkAclRules } from "../../aws/network-acl-rules";
import type { NetworkAclPolicy } from "./plan";
import type { ConstructPart } from "../construct-part";

/** Numbered rules on the target's existing network ACL, inbound and their replies out. */
export const networkAclConstruct: ConstructPart<NetworkAclPolicy> = {
  add: (scope, policy) => {
    new NetworkAclRules(scope, policy.target.name, { policy });
  },
};
