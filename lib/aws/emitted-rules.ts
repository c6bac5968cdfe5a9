// Transitional: the verifier now reads the Terraform JSON that was written (lib/verify, called by
// main.ts after cdktf writes). This keeps `verifyEmittedRules(app, config)` for the tests that
// still call it on a construct tree (__tests__/audit/targets-audit.test.ts): it turns each stack
// into the JSON cdktf would write for it, in memory, and runs that same verifier. Delete it once
// those tests call lib/verify themselves.
import type { IConstruct } from "constructs";
import { TerraformStack } from "cdktf";
import type { Config } from "../model/config";
import type { TerraformJson, WrittenStack } from "../verify/terraform-json";
import { expectationOf, verifyTerraform, type LeavingAccess } from "../verify/verify-terraform";

/** The stacks under `scope` as cdktf would write them (resolved, with their metadata paths). */
export function stacksAsWritten(scope: IConstruct): WrittenStack[] {
  return scope.node
    .findAll()
    .filter((c): c is TerraformStack => TerraformStack.isStack(c))
    .map((stack) => ({ name: stack.node.id, folder: `stacks/${stack.node.id}`, json: stack.toTerraform() as TerraformJson }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `verifyTerraform` on the stacks under `scope`: throws `EmittedRuleError` or `CoverageError`, else returns the proof. */
export function verifyEmittedRules(scope: IConstruct, config: Config, leaving?: LeavingAccess): ReturnType<typeof verifyTerraform> {
  return verifyTerraform(stacksAsWritten(scope), expectationOf(config, leaving));
}
