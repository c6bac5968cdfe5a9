/**
 * Planning a synthesized stack with the real CLI and provider (planStack), once per run for each
 * distinct stack and state: files that plan the same thing read the same plan.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StandInRequest } from "../aws-stand-in";
import { onceInRun } from "../run-dir";
import { recordCpu, recordTiming } from "../timings";
import { stateFromPlan } from "./applied-state";
import type { PlanJson, TerraformState } from "./json";
import { commandEnv, inTurn, providerSchemas, session, terraformCommand, type Session } from "./session";
import { DEFAULT_CALLER_ACCOUNT, MIRROR_PROVIDER_VERSION, PROVIDER } from "./setup";

export interface PlanOptions {
  /** Prior state (e.g. a previous plan's `appliedState`), written as the stack's state. @default none: an empty state */
  readonly state?: TerraformState;
  /**
   * `local` replaces the stack's backend with Terraform's default local backend in the scratch
   * directory. `s3` keeps a `terraform.backend.s3` as synthesized, pointed at the S3 stand-in
   * (path style, no AWS checks), with the state put in the stand-in's bucket, and runs its own
   * `terraform init` and a locked plan (exercising `use_lockfile`). @default "local"
   */
  readonly backend?: "local" | "s3";
  /**
   * The account the fake base credentials belong to, as the stand-in's GetCallerIdentity tells
   * it. @default the first `allowed_account_ids` entry of a provider that assumes no role (such a
   * stack is deployed with that account's credentials), else DEFAULT_CALLER_ACCOUNT.
   */
  readonly callerAccount?: string;
  /** Also read the plan's apply graph: `terraform graph -type=apply -plan=plan.bin` (DOT), as `applyGraph`. @default false */
  readonly graph?: boolean;
  /**
   * Have `terraform validate` accept the configuration (once per run for each distinct
   * configuration: the same configuration validates the same way whatever the state). `plan`
   * validates the configuration too; a test that plans many steps of one stack may skip this.
   * @default true
   */
  readonly validate?: boolean;
  /**
   * false: Terraform talks to the provider directly and reads its whole schema, without the
   * schema proxy (schema-proxy.ts): for the test that shows the proxy changes no plan. @default true
   */
  readonly schemaProxy?: boolean;
}

export interface PlanResult {
  /** `terraform show -json` of the plan. */
  readonly plan: PlanJson;
  /** The state as if that plan were applied: `stateFromPlan(plan, schemas, options.state)`. */
  readonly appliedState: TerraformState;
  /** Every request the AWS stand-in received during this plan's init, plan and show. */
  readonly awsRequests: readonly StandInRequest[];
  /** With `options.graph`: the DOT text `terraform graph -type=apply -plan=plan.bin` prints. */
  readonly applyGraph?: string;
}

/** What one real plan printed, as kept for the run. */
interface Planned {
  readonly show: string;
  readonly awsRequests: readonly StandInRequest[];
  readonly applyGraph?: string;
}

/**
 * Plans a synthesized stack (`cdk.tf.json`, parsed) with the real CLI and provider: a scratch copy
 * (the provider version set to the mirror's; every provider entry `skip_metadata_api_check`, and
 * those without `allowed_account_ids` also `skip_credentials_validation` and
 * `skip_requesting_account_id`, while those with it ask the stand-in whose credentials these
 * are; the backend as `options.backend` says), the run's init, `terraform validate` (see
 * `options.validate`), the optional state, `terraform plan -refresh=false -input=false
 * -lock=false -out=plan.bin` (-lock=true with the S3 backend: its lock file is under test),
 * `terraform show -json plan.bin` (and `terraform graph -type=apply -plan=plan.bin` with
 * `options.graph`). A failing command throws TerraformError with its output. The scratch
 * directory is gone when the promise settles. Concurrent calls take turns.
 *
 * The same plan is made once per run: the scratch copy, the state (but its lineage and serial,
 * which Terraform does not plan with), the backend, the caller's account and `graph` are its key;
 * a later call with the same key, from any test file, reads what the first one's commands
 * printed. A failed plan is not kept.
 */
export async function planStack(stackJson: unknown, options: PlanOptions = {}): Promise<PlanResult> {
  const s = await session();
  const backend = options.backend ?? "local";
  const { json, s3 } = scratchCopy(stackJson, backend);
  const callerAccount = options.callerAccount ?? defaultCallerAccount(json);
  const config = JSON.stringify(json, null, 2);
  const types = typesOf(json, options.state);
  const keyOf = (...parts: unknown[]) => createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);

  if (options.validate !== false) {
    await onceInRun("validated", keyOf(config, backend === "s3"), () =>
      inTurn(() => inScratch(s, config, async (scratch) => {
        const env = await scratchEnv(s, scratch, s3, options.state);
        await terraformCommand(["validate"], { cwd: scratch, env, proxy: s.proxy, keep: types });
        return "valid";
      })),
    );
  }

  const direct = options.schemaProxy === false && s.proxy !== undefined;
  const key = keyOf(config, comparableState(options.state), backend, callerAccount, options.graph === true, direct);
  const queued = performance.now();
  const { text } = await onceInRun("plans", key, () =>
    inTurn(() => {
      recordTiming("planStack: waiting for the provider's turn", queued);
      return inScratch(s, config, async (scratch) => {
        const { standIn } = s;
        const firstRequest = standIn.requests.length;
        standIn.callerAccount = callerAccount;
        standIn.objects.clear();
        const env = await scratchEnv(s, scratch, s3, options.state, types);
        if (direct) env.TF_REATTACH_PROVIDERS = s.providerReattach;
        const run = (args: string[], step = args[0]) =>
          terraformCommand(args, { cwd: scratch, env, ...(direct ? {} : { proxy: s.proxy, keep: types }) }, direct ? `${step} (no schema proxy)` : step);
        await run(["plan", "-refresh=false", "-input=false", `-lock=${s3 ? "true" : "false"}`, "-out=plan.bin"]);
        const show = await run(["show", "-json", "plan.bin"], "show -json");
        const applyGraph = options.graph ? await run(["graph", "-type=apply", "-plan=plan.bin"], "graph -type=apply") : undefined;
        const planned: Planned = { show, awsRequests: standIn.requests.slice(firstRequest), ...(applyGraph !== undefined ? { applyGraph } : {}) };
        return JSON.stringify(planned);
      });
    }),
  );
  if (s.provider?.pid) recordCpu(`max: provider ${s.provider.pid} (reattached), CPU so far`, s.provider.pid);
  const planned = JSON.parse(text) as Planned;
  const plan = JSON.parse(planned.show) as PlanJson;
  const appliedState = stateFromPlan(plan, await providerSchemas(), options.state);
  return { plan, appliedState, awsRequests: planned.awsRequests, ...(planned.applyGraph !== undefined ? { applyGraph: planned.applyGraph } : {}) };
}

/** A scratch directory with the configuration and the run's lock file, removed afterwards. */
async function inScratch<T>(s: Session, config: string, fn: (scratch: string) => Promise<T>): Promise<T> {
  const scratch = fs.mkdtempSync(path.join(s.root, "plan-"));
  try {
    fs.writeFileSync(path.join(scratch, "cdk.tf.json"), config);
    fs.copyFileSync(s.lockFile, path.join(scratch, ".terraform.lock.hcl"));
    return await fn(scratch);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The commands' environment in a scratch directory, with the state in place: a local
 * `terraform.tfstate`, or (S3 backend) the object in the stand-in's bucket and the backend's own
 * `terraform init` (it writes its settings into its data dir, so the scratch gets its own).
 */
async function scratchEnv(s: Session, scratch: string, s3: S3Target | undefined, state: TerraformState | undefined, types?: ReadonlySet<string>): Promise<NodeJS.ProcessEnv> {
  const env = commandEnv(s, s3 ? { TF_DATA_DIR: path.join(scratch, ".terraform") } : {});
  if (s3) {
    if (state) s.standIn.objects.set(`${s3.bucket}/${s3.key}`, Buffer.from(JSON.stringify(state)));
    await terraformCommand(["init", "-input=false"], { cwd: scratch, env, proxy: s.proxy, keep: types ?? "all" });
  } else if (state) {
    fs.writeFileSync(path.join(scratch, "terraform.tfstate"), JSON.stringify(state, null, 2));
  }
  return env;
}

/** The state as Terraform plans with it: its lineage and serial only identify it. */
function comparableState(state: TerraformState | undefined): unknown {
  if (!state) return null;
  const { lineage: _lineage, serial: _serial, ...rest } = state;
  return rest;
}

/** The resource, data source and ephemeral types a command on this configuration and state can ask the provider about. */
function typesOf(json: StackJson, state: TerraformState | undefined): ReadonlySet<string> {
  const types = new Set<string>();
  for (const block of ["resource", "data", "ephemeral"]) for (const type of Object.keys((json[block] as Record<string, unknown> | undefined) ?? {})) types.add(type);
  for (const resource of state?.resources ?? []) types.add(resource.type);
  return types;
}

type StackJson = {
  terraform?: { required_providers?: Record<string, { source?: string; version?: string }>; backend?: Record<string, Record<string, unknown>> };
  provider?: Record<string, Record<string, unknown>[]>;
  [key: string]: unknown;
};

interface S3Target {
  readonly bucket: string;
  readonly key: string;
}

function scratchCopy(stackJson: unknown, backend: "local" | "s3"): { json: StackJson; s3?: S3Target } {
  const json = structuredClone(stackJson) as StackJson;
  const providers = json.terraform?.required_providers ?? {};
  for (const [name, requirement] of Object.entries(providers)) {
    const source = requirement.source ?? name;
    if (source !== "aws" && source !== "hashicorp/aws" && source !== PROVIDER) throw new Error(`planStack: only hashicorp/aws is in the mirror, the stack requires ${source}`);
  }
  json.terraform = { ...json.terraform, required_providers: { ...providers, aws: { ...providers.aws, source: "hashicorp/aws", version: MIRROR_PROVIDER_VERSION } } };
  for (const entry of json.provider?.aws ?? []) {
    entry.skip_metadata_api_check = true;
    // A provider pinned to accounts must learn its account (from the stand-in's
    // GetCallerIdentity) to check `allowed_account_ids`; skipping that request fails the check.
    if (!entry.allowed_account_ids) {
      entry.skip_credentials_validation = true;
      entry.skip_requesting_account_id = true;
    }
  }
  const s3Backend = json.terraform.backend?.s3;
  if (backend === "s3") {
    if (!s3Backend) throw new Error("planStack: backend 's3' asked, but the stack has no terraform.backend.s3");
    // The real S3 backend, against the stand-in: path-style addressing, no AWS account checks.
    json.terraform.backend = {
      s3: { ...s3Backend, use_path_style: true, skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true, skip_s3_checksum: true },
    };
    return { json, s3: { bucket: String(s3Backend.bucket), key: String(s3Backend.key) } };
  }
  // Whatever backend the stack names (local beside cdktf.out, or S3), the scratch copy uses
  // Terraform's default local backend: ./terraform.tfstate in the scratch directory, where
  // planStack writes the state the test gives.
  delete json.terraform.backend;
  return { json };
}

function defaultCallerAccount(json: StackJson): string {
  for (const entry of json.provider?.aws ?? []) {
    const ids = entry.allowed_account_ids as string[] | undefined;
    if (ids?.length && !entry.assume_role) return ids[0];
  }
  return DEFAULT_CALLER_ACCOUNT;
}

/**
 * `terraform show -json <planFile>` of a plan saved in a stack folder that Terraform initialised
 * itself (its own `.terraform` and lock file, as `mailgate plan` leaves it), the provider being
 * this process's (reattached, behind the schema proxy, shown the types of `stackJson` and
 * `state`). Showing a saved plan only decodes it with the provider's schema.
 */
export async function showSavedPlan(dir: string, planFile: string, stackJson: unknown, state?: TerraformState): Promise<PlanJson> {
  const s = await session();
  const env = commandEnv(s, { TF_DATA_DIR: path.join(dir, ".terraform") });
  const types = typesOf(stackJson as StackJson, state);
  const text = await inTurn(() => terraformCommand(["show", "-json", planFile], { cwd: dir, env, proxy: s.proxy, keep: types }, "show -json (a saved plan)"));
  return JSON.parse(text) as PlanJson;
}
