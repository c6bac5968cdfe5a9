import type { RenderPart } from "../render-part";
import type { NetworkAclPolicy } from "./plan";

/**
 * No file: the plan's rules are Terraform resources, rendered by the constructs of lib/aws
 * (made by lib/kinds/network-acl/construct.ts).
 */
export const networkAclRender: RenderPart<NetworkAclPolicy> = { files: () => [] };
