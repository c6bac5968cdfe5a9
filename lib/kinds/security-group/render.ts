import type { RenderPart } from "../render-part";
import type { SecurityGroupPolicy } from "./plan";

/**
 * No file: the plan's rules are Terraform resources, rendered by the constructs of lib/aws
 * (made by lib/kinds/security-group/construct.ts).
 */
export const securityGroupRender: RenderPart<SecurityGroupPolicy> = { files: () => [] };
