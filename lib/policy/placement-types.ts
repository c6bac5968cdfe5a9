import type { Cidr } from "../model/cidr";
import type { FirewallTarget, RuleOrder } from "../model/config";
import type { StackIdentity } from "../model/stack";

/**
 * What earlier synths placed where, so the next one can keep it there. AWS identifies a security
 * group rule by its group, a network ACL rule by its number and a stateful rule by its sid, and a
 * Terraform stack by its state: changing any of them destroys and re-creates (or orphans) what is
 * live. A placement made once is therefore kept for as long as what it places exists:
 * - every stack mailgate has synthesized, with its provider's identity, until `mailgate retire`
 *   removes it (an emptied stack is still synthesized, so its apply destroys what it held);
 * - per target, its stack; per created security group, the rules it holds; per network ACL rule
 *   and Network Firewall rule, its number or sid;
 * - per prefix list, its `max_entries` (a rule referencing it weighs that much in its group).
 *
 * It lives in the artifacts directory as `placements.json`, committed with the config, so a pull
 * request carries it and every machine synthesizes the same bytes from the same commit.
 */
export interface Placements {
  /**
   * The config directory these placements belong to: its path relative to the artifacts
   * directory, with `/` (`../config`), so it reads the same on every machine. Absent in files
   * of earlier versions (the next synth adds it).
   */
  readonly config?: string;
  /** Stack name -> what its provider was configured with, and its targets (sorted). */
  readonly stacks: ReadonlyMap<string, StackRecord>;
  /** Target name -> where its rules are. Only targets some domain uses. */
  readonly targets: ReadonlyMap<string, TargetPlacement>;
  /** Prefix list key (`imap/ipv4`) -> its `max_entries`. */
  readonly prefixLists: ReadonlyMap<string, number>;
  /**
   * The rules the last change removed (or renumbered) from targets that stay: the previous state,
   * which the expand phase of this commit keeps beside the new rules (lib/policy/leaving.ts).
   * Absent when nothing leaves.
   */
  readonly leaving?: ReadonlyMap<string, LeavingRules>;
  /**
   * The config `leaving` belongs to (a fingerprint of its content, `changeFingerprint`): the same
   * commit synthesized again keeps `leaving`, a later one, even with the same placements, does not.
   */
  readonly leavingFor?: string;
}

/**
 * See lib/policy/leaving.ts, which computes and renders these; declared here, where the file is
 * read. For a target removed from the config, also its stack and identity: the expand phase
 * renders it from these alone, since no config describes it any more.
 */
export interface LeavingRules extends TargetIdentity {
  readonly stack?: string;
  readonly createdAs?: string;
  /** Security groups: per group (index 0 is group 1), the identities (`ruleIdentity`) of rules leaving it. */
  readonly groups?: readonly (readonly string[])[];
  /** Security groups: a leaving rule's HubSpot lists (`imap+smtp`), for its description; by key. */
  readonly lists?: ReadonlyMap<string, string>;
  /** Network ACLs: rule key -> the number it leaves (its rule is removed, or renumbered). */
  readonly inbound?: ReadonlyMap<string, number>;
  readonly outbound?: ReadonlyMap<string, number>;
}

/**
 * What identifies a target's resources in AWS; a change of any of these under the same target
 * replaces them (lib/policy/apply-safety.ts refuses it). Absent in placements of earlier versions.
 */
export interface TargetIdentity {
  /** An existing security group the target adds rules to. */
  readonly securityGroupId?: string;
  /** A created security group's VPC, and its name (a Network Firewall target: its rule group's name). */
  readonly vpcId?: string;
  readonly name?: string;
  readonly networkAclId?: string;
}

/** The fields of `TargetIdentity`, in the order a change is looked for. */
export const IDENTITY_FIELDS = ["securityGroupId", "vpcId", "name", "networkAclId"] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

/** A placed rule's key and one (port, CIDR) pair it admits (a prefix-list rule admits one per entry). */
export interface KeyedPair {
  readonly key: string;
  readonly port: number;
  readonly cidr: Cidr;
}

export interface StackRecord extends StackIdentity {
  readonly targets: readonly string[];
}

export interface TargetPlacement extends TargetIdentity {
  readonly stack: string;
  /** Security groups: group n (1-based) holds the rules keyed `groups[n - 1]` (an existing group is group 1). */
  readonly groups?: readonly (readonly string[])[];
  /** Security groups: each rule's HubSpot lists (`imap+smtp`), which its description names; by key. */
  readonly lists?: ReadonlyMap<string, string>;
  /** Created security groups: the target name they were made under, when the target was renamed since. */
  readonly createdAs?: string;
  /** Network ACL: inbound and outbound rule numbers by rule key. */
  readonly inbound?: ReadonlyMap<string, number>;
  readonly outbound?: ReadonlyMap<string, number>;
  /** Network Firewall: signature ids by rule key. */
  readonly sids?: ReadonlyMap<string, number>;
  /**
   * Network Firewall: the rule order and capacity the rule group was created with, both fixed at
   * creation. Absent in placements of older versions, which created every group STRICT_ORDER
   * with a capacity computed from the sid count (lib/policy/network-firewall.ts).
   */
  readonly ruleOrder?: RuleOrder;
  readonly capacity?: number;
}

export const NO_PLACEMENTS: Placements = { stacks: new Map(), targets: new Map(), prefixLists: new Map() };

/** The artifacts directory's file for placements. */
export const PLACEMENTS_FILE = "placements.json";

/** The target's placement in `previous`, under its own name or, when renamed, its old one. */
export function placedBefore(previous: Placements, target: FirewallTarget): TargetPlacement | undefined {
  return previous.targets.get(target.name) ?? ("renamedFrom" in target && target.renamedFrom !== undefined ? previous.targets.get(target.renamedFrom) : undefined);
}

