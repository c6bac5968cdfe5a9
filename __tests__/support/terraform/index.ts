/**
 * The Terraform tier's helpers: run the real Terraform CLI and the real AWS provider, offline, on
 * what mailgate synthesizes, and read the plans back as `terraform show -json` prints them.
 *
 * - setup.ts: finding the CLI and the provider mirror; describeWithTerraform.
 * - session.ts: the run's one `terraform init`, the process's provider (reattached, behind
 *   schema-proxy.ts) and AWS stand-in, the commands.
 * - plan.ts: planStack, each distinct plan once per run.
 * - applied-state.ts: the state a plan would leave (stateFromPlan).
 * - reading.ts: a plan's actions, and assertions on them.
 * - synth.ts: the cdktf app in a process of its own.
 * - cover.ts: expectations computed without mailgate's code.
 * - json.ts: the JSON shapes read.
 */
export { stateFromPlan } from "./applied-state";
export { minimalCover } from "./cover";
export type * from "./json";
export { planStack, showSavedPlan, type PlanOptions, type PlanResult } from "./plan";
export { assertCreateOnly, assertDeleteOnly, assertNoOp, changeKind, changesByKind, describeChange, kindOf, replaced, resourceActions, updated, type ChangeKind } from "./reading";
export { directTerraformEnv, providerSchemas, TerraformError } from "./session";
export { DEFAULT_CALLER_ACCOUNT, describeWithTerraform, MIRROR_PROVIDER_VERSION, terraformSetup, type TerraformSetup } from "./setup";
export { readStacks, synthProcess, synthProcessSync, synthStacks, type SynthRun, type SynthSettings } from "./synth";
