import type { IConstruct } from "constructs";
import { TerraformResource, TerraformStack, Token } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { assertCoverage, EmittedRuleError, proveCoverage, type OpenedRule, type PortCoverage } from "../audit/coverage";
import { requiredAccess } from "../audit/required";
import { Cidr } from "../model/cidr";
import type { Config } from "../model/config";
import { catalogFor } from "../model/ip-catalog";

/**
 * The second half of the audit's second pair of eyes: what the construct tree will really put in
 * `cdk.tf.json`, read back from the resources' inputs rather than from the policy that built them.
 * Runs before `app.synth()`, so a failure writes nothing.
 */

/** One `aws_vpc_security_group_ingress_rule` as constructed, before synthesis. */
export interface EmittedRule {
  /** Construct path, to name the resource in an error. */
  readonly path: string;
  /** The `MailgateTarget` tag. */
  readonly target: string | undefined;
  /** The region of the stack's AWS provider. */
  readonly region: string | undefined;
  readonly protocol: string | undefined;
  readonly fromPort: number | undefined;
  readonly toPort: number | undefined;
  readonly cidrIpv4: string | undefined;
  readonly cidrIpv6: string | undefined;
  /** Sources other than a CIDR; mailgate never emits them. */
  readonly otherSource: string | undefined;
  readonly securityGroupId: string | undefined;
}

const INGRESS_RULE_TYPE = "aws_vpc_security_group_ingress_rule";
/** Other ways to open a security group; mailgate never emits them, so any is a bug. */
const OTHER_INGRESS_TYPES = new Set(["aws_security_group_rule"]);

export function emittedRules(scope: IConstruct): { rules: EmittedRule[]; problems: { path: string; problem: string }[] } {
  const rules: EmittedRule[] = [];
  const problems: { path: string; problem: string }[] = [];
  const regions = new Map<TerraformStack, string | undefined>();
  for (const construct of scope.node.findAll()) {
    if (!TerraformResource.isTerraformResource(construct)) continue;
    const path = construct.node.path;
    const type = construct.terraformResourceType;
    if (OTHER_INGRESS_TYPES.has(type)) problems.push({ path, problem: `is an ${type}, which mailgate never emits` });
    if (construct instanceof SecurityGroup && hasInlineIngress(construct.ingressInput)) {
      problems.push({ path, problem: "has inline ingress rules, which mailgate never emits" });
    }
    if (type !== INGRESS_RULE_TYPE) continue;
    if (!(construct instanceof VpcSecurityGroupIngressRule)) {
      problems.push({ path, problem: `is an ${type} that is not a VpcSecurityGroupIngressRule construct` });
      continue;
    }
    const stack = TerraformStack.of(construct);
    if (!regions.has(stack)) regions.set(stack, providerRegion(stack));
    const other = construct.prefixListIdInput ?? construct.referencedSecurityGroupIdInput;
    rules.push({
      path,
      target: construct.tagsInput?.MailgateTarget,
      region: regions.get(stack),
      protocol: construct.ipProtocolInput,
      fromPort: construct.fromPortInput,
      toPort: construct.toPortInput,
      cidrIpv4: construct.cidrIpv4Input,
      cidrIpv6: construct.cidrIpv6Input,
      otherSource: other,
      securityGroupId: construct.securityGroupIdInput,
    });
  }
  return { rules, problems };
}

function hasInlineIngress(ingress: unknown): boolean {
  return ingress !== undefined && !(Array.isArray(ingress) && ingress.length === 0);
}

function providerRegion(stack: TerraformStack): string | undefined {
  const providers = stack.node.findAll().filter((c): c is AwsProvider => c instanceof AwsProvider);
  return providers.length === 1 ? providers[0].regionInput : undefined;
}

/**
 * Checks every emitted ingress rule against the config: each must be TCP to one port from one
 * canonical CIDR, tagged with a configured target, in that target's region and group; and per
 * (target, port) the rules must open exactly what HubSpot's lists require. Throws
 * `EmittedRuleError` or `CoverageError`; returns the proof otherwise.
 */
export function verifyEmittedRules(scope: IConstruct, config: Config): PortCoverage[] {
  const { rules, problems } = emittedRules(scope);
  const targets = new Map(config.firewalls.map((t) => [t.name, t]));
  const opened: OpenedRule[] = [];
  for (const rule of rules) {
    const problem = (text: string) => problems.push({ path: rule.path, problem: text });
    const target = rule.target === undefined ? undefined : targets.get(rule.target);
    if (!target) {
      problem(rule.target === undefined ? "has no MailgateTarget tag" : `is tagged for target ${rule.target}, which the config does not define`);
      continue;
    }
    if (rule.region !== target.region) problem(`is in a stack for region ${rule.region ?? "(none)"}, but target ${target.name} is in ${target.region}`);
    if (target.securityGroupId !== undefined ? rule.securityGroupId !== target.securityGroupId : !Token.isUnresolved(rule.securityGroupId)) {
      problem(`is attached to security group ${rule.securityGroupId ?? "(none)"}, not target ${target.name}'s group`);
    }
    if (rule.protocol !== "tcp") problem(`opens protocol ${rule.protocol ?? "(none)"}, not tcp`);
    if (rule.fromPort === undefined || rule.toPort === undefined) problem("has no port");
    else if (rule.fromPort !== rule.toPort) problem(`opens ports ${rule.fromPort}-${rule.toPort}, not a single port`);
    if (rule.otherSource !== undefined) problem(`admits ${rule.otherSource}, which is not a CIDR`);
    const cidr = emittedCidr(rule);
    if (typeof cidr === "string") problem(cidr);
    else if (rule.fromPort !== undefined && rule.fromPort === rule.toPort) opened.push({ target: target.name, port: rule.fromPort, cidr });
  }
  if (problems.length > 0) throw new EmittedRuleError(problems);
  const proof = proveCoverage(opened, requiredAccess(config, catalogFor(config.ipRanges)));
  assertCoverage(proof);
  return proof;
}

function emittedCidr(rule: EmittedRule): Cidr | string {
  if ((rule.cidrIpv4 === undefined) === (rule.cidrIpv6 === undefined)) return "must have exactly one of cidr_ipv4 and cidr_ipv6";
  const text = (rule.cidrIpv4 ?? rule.cidrIpv6) as string;
  const cidr = Cidr.parse(text);
  if (!(cidr instanceof Cidr) || cidr.toString() !== text) return `has CIDR ${JSON.stringify(text)}, which is not canonical`;
  if ((cidr.family === 4) !== (rule.cidrIpv4 !== undefined)) return `has an IPv${cidr.family} CIDR ${text} in the wrong field`;
  return cidr;
}
