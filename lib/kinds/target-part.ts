import type { Cidr } from "../model/cidr";

/**
 * The model's part of a kind of target (lib/kinds/targets.ts holds one per kind): what it is and
 * what it owns where it lands, read by validation and the policy alike.
 */
export interface TargetPart<T extends { readonly type: string; readonly name: string }> {
  /** Whether its rules are Terraform resources in a stack of an AWS account and region; the others write files under `<artifacts>/firewalls/`. */
  readonly aws: boolean;
  /**
   * Every file the target can write, relative to the artifacts directory (none in AWS). All an
   * allowlist may write, not only those today's domains need: validation compares them all, so a
   * domain added later never makes two targets write one file.
   */
  files(target: Pick<T, "name">): string[];
  /** Whether its rules are stateless (a network ACL): it must also let the replies out, to every address it lets in. */
  readonly stateless: boolean;
  /** The mail servers' addresses its rules are limited to (each admits exactly its own family's sources); undefined: any address. */
  destinations(target: T): readonly Cidr[] | undefined;
}
