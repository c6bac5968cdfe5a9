import type { RenderPart } from "../render-part";
import type { SecurityGroupPolicy } from "./plan";

/**
 * No file: the plan's rules are Terraform resources, rendered by the constructs of lib/aws
 * (lib/aws/region-stack.ts picks them by kind, until that edge reads its part from here).
 */
export const securityGroupRender: RenderPart<SecurityGroupPolicy> = { files: () => [] };
