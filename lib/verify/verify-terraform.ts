// The second, independent proof, on what was really written: every resource of every stack's
// cdk.tf.json, read back as plain JSON into the permissions it opens, and the audit's coverage
// proof run on them, plus AWS's quotas as AWS counts them. The first proof (the audit report's)
// is on the policy; this one never sees the policy or the constructs, only the config and the JSON.
import { assertCoverage, EmittedRuleError, proveCoverage, proveReturnTraffic, type PortCoverage } from "../audit/coverage";
import { rangeOf, type AddressRange } from "../audit/intervals";
import { requiredAccessOf, requiredDestinations, statelessTargets, type RequiredAccess, type RequiredDestinations } from "../audit/required";
import type { Cidr } from "../model/cidr";
import { isAwsTarget, type Config } from "../model/config";
import { EPHEMERAL_PORTS } from "../model/ports";
import { VERIFIERS } from "../kinds/verifiers";
import { emptyFindings, type ConfiguredTargets, type Findings } from "./findings";
import { resourcesOf, type WrittenStack } from "./terraform-json";

/** Target name -> port -> the addresses leaving it that the expand phase still admits. */
export type LeavingAccess = ReadonlyMap<string, ReadonlyMap<number, readonly Cidr[]>>;

/**
 * What the written Terraform must hold, worked out from the config alone. Small, and made before
 * cdktf runs, so the config itself need not stay alive through cdktf's synth (main.ts).
 */
export interface Expectation extends ConfiguredTargets {
  /** AWS targets only: the others write files, proven on the plan by the audit report. */
  readonly required: RequiredAccess;
  readonly destinations: RequiredDestinations;
  readonly stateless: ReadonlySet<string>;
}

/** Each AWS kind's reader of its resources (lib/kinds/<kind>/verifier.ts). */
const READERS = Object.values(VERIFIERS);

/** The resource types mailgate writes, each some kind's; any other resource in a stack is a bug. */
const KNOWN_TYPES: ReadonlySet<string> = new Set(READERS.flatMap((r) => r.resourceTypes));

/**
 * `leaving`: the expand phase (MAILGATE_PHASE=expand) also holds the rules leaving targets that
 * stay, until the contract phase removes them; what they admit is allowed besides the config's
 * needs, and nothing more. Pass the config with the removed targets (`withRemovedTargets`) then.
 */
export function expectationOf(config: Config, leaving?: LeavingAccess): Expectation {
  const aws = new Set(config.firewalls.filter(isAwsTarget).map((t) => t.name));
  const required = new Map([...requiredAccessOf(config)].filter(([target]) => aws.has(target)));
  return {
    // Idle targets (no domain) still hold resources: a created group, and in the expand phase the rules leaving them.
    targets: new Map([...config.firewalls, ...(config.idleFirewalls ?? [])].map((t) => [t.name, t])),
    firewalls: config.firewalls,
    required: withLeaving(required, leaving),
    destinations: requiredDestinations(config),
    stateless: statelessTargets(config),
  };
}

/**
 * Checks every resource of the written stacks against the expectation: security group rules TCP
 * to one port from one canonical CIDR or one of mailgate's prefix lists in the same stack, tagged
 * with a configured target, in that target's region and group(s); network ACL rules allow TCP
 * inside the target's rule numbers; rule groups hold only 5-tuple PASS rules. Per (target, port)
 * (and destination) the rules must open exactly what HubSpot's lists require, and a network ACL
 * must let the replies out to exactly the addresses it lets in. Throws `EmittedRuleError` or
 * `CoverageError`; returns the proof otherwise.
 */
export function verifyTerraform(stacks: readonly WrittenStack[], expected: Expectation): PortCoverage[] {
  const findings = readFindings(stacks, expected);
  if (findings.problems.length > 0) throw new EmittedRuleError(findings.problems);
  const proof = proveCoverage(findings.opened, expected.required, expected.destinations);
  assertCoverage(proof, proveReturnTraffic(findings.returns, expected.required, expected.stateless, EPHEMERAL_PORTS));
  return proof;
}

/** Every stack's resources read into what they open, and every problem, in stack order. */
export function readFindings(stacks: readonly WrittenStack[], expected: Expectation): Findings {
  const findings = emptyFindings();
  for (const stack of stacks) {
    for (const type of Object.keys(stack.json.resource ?? {})) {
      if (KNOWN_TYPES.has(type)) continue;
      for (const { path } of resourcesOf(stack.name, stack.json, type)) findings.problems.push({ path, problem: `is an ${type}, which mailgate never emits` });
    }
    for (const reader of READERS) reader.readStack?.(stack, expected, findings);
  }
  for (const reader of READERS) reader.readAll?.(stacks, expected, findings);
  return findings;
}

function withLeaving(required: Map<string, ReadonlyMap<number, readonly AddressRange[]>>, leaving: LeavingAccess | undefined): RequiredAccess {
  for (const [target, ports] of leaving ?? []) {
    const merged = new Map(required.get(target) ?? []);
    for (const [port, cidrs] of ports) merged.set(port, [...(merged.get(port) ?? []), ...cidrs.map(rangeOf)]);
    required.set(target, merged);
  }
  return required;
}
