import type { TerraformResource } from "cdktf";

/**
 * A renamed target's resource (`renamedFrom`) takes over the state of the one at its old address
 * through a Terraform `moved` block, instead of being destroyed and created again: nothing in AWS
 * changes but tags and descriptions, in place. Once applied, the block is harmless (Terraform
 * ignores a move from an address its state does not hold), so `renamedFrom` can stay or go.
 * `oldName` is the resource's name built from the old target name; undefined: not renamed.
 */
export function moveFromOldName(resource: TerraformResource, oldName: string | undefined): void {
  if (oldName !== undefined) resource.moveFromId(`${resource.terraformResourceType}.${oldName}`);
}
