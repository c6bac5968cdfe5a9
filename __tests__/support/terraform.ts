/**
 * The Terraform tier's helpers: run the real Terraform CLI and the real AWS provider, offline, on
 * what mailgate synthesizes, and read the plans back as `terraform show -json` prints them.
 *
 * What runs where:
 * - the CLI from the PATH (or `MAILGATE_TERRAFORM`), the AWS provider from a filesystem mirror:
 *   `MAILGATE_TF_MIRROR`, else the parent of the first folder `find / -maxdepth 4 -type d -name
 *   registry.terraform.io` prints (the machine image's plugins folder);
 * - `terraform init` once per process, into a shared TF_DATA_DIR whose providers are links into
 *   the mirror; every plan gets a scratch directory under os.tmpdir() with a copy of the lock
 *   file, removed when the plan is read, whatever happened;
 * - the provider started once per process and reattached to by every command (see
 *   startProvider), so plans take turns;
 * - AWS is a stand-in on 127.0.0.1 (./aws-stand-in.ts), so the provider's
 *   AssumeRole/GetCallerIdentity calls and the S3 backend never leave the machine.
 *
 * The stack is planned with provider 5.100.0 (the mirror's) while users pin 6.25.0: the tier
 * proves what Terraform and that provider accept and plan; a difference between the two major
 * versions is beyond it.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ipaddr from "ipaddr.js";
import { afterAll, describe, test } from "vitest";
import { startAwsStandIn, type AwsStandIn, type StandInRequest } from "./aws-stand-in";
import { PROJECT_ROOT } from "./run";

/** The provider version in the mirror, which the scratch copies are rewritten to require. */
export const MIRROR_PROVIDER_VERSION = "5.100.0";
const PROVIDER = "registry.terraform.io/hashicorp/aws";
/** The account of the fake base credentials, unless a plan says otherwise. */
export const DEFAULT_CALLER_ACCOUNT = "000000000000";
const COMMAND_TIMEOUT_MS = 180_000;

// ---------------------------------------------------------------------------------------------
// Finding Terraform and the mirror

export type TerraformSetup =
  | { readonly ok: true; readonly terraform: string; readonly version: string; readonly mirror: string; readonly platform: string }
  | { readonly ok: false; readonly reason: string };

let setupMemo: TerraformSetup | undefined;

/**
 * Finds the Terraform CLI (1.10 or later: the S3 backend's `use_lockfile`) and a filesystem mirror
 * holding hashicorp/aws 5.100.0 for this platform. Never throws; `reason` names what is missing
 * and how it was looked for. Memoized per process.
 */
export function terraformSetup(): TerraformSetup {
  return (setupMemo ??= findSetup());
}

function findSetup(): TerraformSetup {
  const terraform = process.env.MAILGATE_TERRAFORM || "terraform";
  const run = spawnSync(terraform, ["version", "-json"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" }, timeout: 30_000 });
  if (run.error || run.status !== 0) {
    const why = run.error ? (run.error as NodeJS.ErrnoException).code ?? run.error.message : `exit ${run.status}: ${run.stderr.trim()}`;
    const where = process.env.MAILGATE_TERRAFORM ? `MAILGATE_TERRAFORM=${terraform}` : `\`${terraform}\` on PATH=${process.env.PATH ?? ""}`;
    return { ok: false, reason: `the Terraform CLI: \`${terraform} version -json\` failed (${why}); looked for ${where}` };
  }
  let version: string;
  let platform: string;
  try {
    ({ terraform_version: version, platform } = JSON.parse(run.stdout) as { terraform_version: string; platform: string });
  } catch {
    return { ok: false, reason: `the Terraform CLI: \`${terraform} version -json\` printed no JSON: ${run.stdout.slice(0, 200)}` };
  }
  const [major, minor] = version.split(".").map(Number);
  if (major !== 1 || minor < 10) return { ok: false, reason: `the Terraform CLI: found ${version} at \`${terraform}\`, need 1.10 or later (tested with 1.11)` };

  const providerDir = (root: string) => path.join(root, "registry.terraform.io", "hashicorp", "aws", MIRROR_PROVIDER_VERSION, platform);
  const fromEnv = process.env.MAILGATE_TF_MIRROR;
  if (fromEnv) {
    if (!fs.existsSync(providerDir(fromEnv))) return { ok: false, reason: `the provider mirror: MAILGATE_TF_MIRROR=${fromEnv} has no ${path.relative(fromEnv, providerDir(fromEnv))}` };
    return { ok: true, terraform, version, mirror: path.resolve(fromEnv), platform };
  }
  const found = spawnSync("find", ["/", "-maxdepth", "4", "-type", "d", "-name", "registry.terraform.io"], { encoding: "utf8", timeout: 60_000 });
  const roots = (found.stdout ?? "").split("\n").filter(Boolean).map((dir) => path.dirname(dir));
  const mirror = roots.find((root) => fs.existsSync(providerDir(root)));
  if (!mirror) {
    const seen = roots.length ? `found only ${roots.map((r) => path.join(r, "registry.terraform.io")).join(", ")}, without hashicorp/aws/${MIRROR_PROVIDER_VERSION}/${platform}` : "found no such folder";
    return { ok: false, reason: `the provider mirror: MAILGATE_TF_MIRROR is unset and \`find / -maxdepth 4 -type d -name registry.terraform.io\` ${seen}` };
  }
  return { ok: true, terraform, version, mirror, platform };
}

let skipNoticePrinted = false;

/**
 * `describe`, when Terraform and the mirror are there. Otherwise: with
 * MAILGATE_REQUIRE_TERRAFORM=1 (CI) one failing test saying what is missing; without it the block
 * is skipped, with one console line per process saying why and how to enable it.
 */
export function describeWithTerraform(name: string, fn: () => void): void {
  const setup = terraformSetup();
  if (setup.ok) {
    describe(name, fn);
    return;
  }
  if (process.env.MAILGATE_REQUIRE_TERRAFORM === "1") {
    describe(name, () => {
      test("Terraform and the AWS provider mirror are available (MAILGATE_REQUIRE_TERRAFORM=1)", () => {
        throw new Error(`MAILGATE_REQUIRE_TERRAFORM=1, but the Terraform tier cannot run: missing ${setup.reason}`);
      });
    });
    return;
  }
  if (!skipNoticePrinted) {
    skipNoticePrinted = true;
    console.log(
      `Terraform tier skipped: missing ${setup.reason}. To run it, install Terraform 1.11 and a filesystem mirror with hashicorp/aws ${MIRROR_PROVIDER_VERSION} and set MAILGATE_TF_MIRROR to the mirror's root.`,
    );
  }
  describe.skip(name, fn);
}

// ---------------------------------------------------------------------------------------------
// Running Terraform

interface Shared {
  readonly root: string;
  readonly cliConfig: string;
  readonly dataDir: string;
  readonly lockFile: string;
  readonly emptyFile: string;
  readonly initDir: string;
  /** One AWS stand-in per process; plans take turns, so each sees only its own requests. */
  readonly standIn: AwsStandIn;
  /** TF_REATTACH_PROVIDERS of the process's one provider, or undefined: Terraform starts its own. */
  readonly reattach?: string;
  readonly provider?: ChildProcess;
  schemas?: Promise<ProviderSchemas>;
}

let sharedMemo: Promise<Shared> | undefined;
let sharedRoot: string | undefined;

// The module is evaluated once per test file: this hook, on the file's own suite, stops the
// provider and removes the shared directory after the file's last test, whichever tests ran.
// The exit handler is for a process that ends some other way.
afterAll(() => releaseShared(), 30_000);
process.once("exit", () => {
  if (sharedRoot) fs.rmSync(sharedRoot, { recursive: true, force: true });
});

function required(): Extract<TerraformSetup, { ok: true }> {
  const setup = terraformSetup();
  if (!setup.ok) throw new Error(`Terraform tier: missing ${setup.reason}`);
  return setup;
}

function cliConfigText(mirror: string): string {
  return `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
`;
}

/**
 * Once per process: `terraform init` (providers linked from the mirror into a shared
 * TF_DATA_DIR), the AWS stand-in, and the provider itself.
 */
function shared(): Promise<Shared> {
  return (sharedMemo ??= (async () => {
    const setup = required();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-tf-shared-"));
    sharedRoot = root;
    const paths = {
      root,
      cliConfig: path.join(root, "cli.tfrc"),
      dataDir: path.join(root, "data"),
      lockFile: path.join(root, "init", ".terraform.lock.hcl"),
      emptyFile: path.join(root, "empty"),
      initDir: path.join(root, "init"),
    };
    fs.writeFileSync(paths.cliConfig, cliConfigText(setup.mirror));
    fs.writeFileSync(paths.emptyFile, "");
    fs.mkdirSync(paths.initDir);
    fs.writeFileSync(
      path.join(paths.initDir, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: MIRROR_PROVIDER_VERSION } } } }),
    );
    const standIn = await startAwsStandIn();
    const partial: Shared = { ...paths, standIn };
    try {
      await terraformCommand(["init", "-input=false", "-backend=false"], { cwd: paths.initDir, env: baseEnv(partial) }, "init (shared)");
      if (process.env.MAILGATE_TF_REATTACH === "0") return partial;
      const provider = await startProvider(partial, setup);
      return { ...partial, ...provider };
    } catch (error) {
      await standIn.close();
      throw error;
    }
  })());
}

/**
 * Terraform starts the provider afresh for every command (twice for validate, three times for
 * plan): a 700 MB binary whose start costs about a second of CPU each time, most of a plan's
 * time. Instead the process starts it once, in the provider's own debug mode, and every command
 * reattaches to it (TF_REATTACH_PROVIDERS), the way provider developers run Terraform: the same
 * binary and protocol, only its lifetime differs. Commands take turns (planStack serializes), as
 * the provider keeps one configuration at a time. MAILGATE_TF_REATTACH=0 turns this off.
 *
 * The provider runs under `sh`, which ends it when its stdin closes: when releaseShared ends the
 * pipe, or when this process dies in any way, so no provider outlives the tests.
 */
async function startProvider(s: Shared, setup: Extract<TerraformSetup, { ok: true }>): Promise<{ reattach: string; provider: ChildProcess }> {
  const dir = path.join(setup.mirror, "registry.terraform.io", "hashicorp", "aws", MIRROR_PROVIDER_VERSION, setup.platform);
  const binary = fs.readdirSync(dir).find((f) => f.startsWith("terraform-provider-aws"));
  if (!binary) throw new Error(`no terraform-provider-aws binary in ${dir}`);
  const script = `"$1" -debug </dev/null & p=$!; trap 'kill "$p" 2>/dev/null; wait "$p"' EXIT; cat >/dev/null`;
  const child = spawn("sh", ["-c", script, "sh", path.join(dir, binary)], { env: providerEnv(s), stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  const reattach = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the AWS provider printed no TF_REATTACH_PROVIDERS within 60 s:\n${output.slice(-2000)}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the AWS provider exited (${code}) before it could be attached:\n${output.slice(-2000)}`));
    });
  }).catch((error: unknown) => {
    child.stdin.end();
    throw error;
  });
  // Keep draining its output (a full pipe would stall it), keeping only the tail for errors.
  child.stdout.removeAllListeners("data");
  child.stderr.removeAllListeners("data");
  const keepTail = (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-4000));
  child.stdout.on("data", keepTail);
  child.stderr.on("data", keepTail);
  // Neither the child nor its pipes keep the test process alive.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
  return { reattach, provider: child };
}

async function releaseShared(): Promise<void> {
  const memo = sharedMemo;
  sharedMemo = undefined;
  if (!memo) return;
  const s = await memo.catch(() => undefined);
  if (!s) return;
  if (s.provider && s.provider.exitCode === null) {
    const exited = new Promise<void>((resolve) => s.provider!.once("exit", () => resolve()));
    s.provider.stdin?.end();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  }
  await s.standIn.close();
  fs.rmSync(s.root, { recursive: true, force: true });
  if (sharedRoot === s.root) sharedRoot = undefined;
}

/** Every Terraform command and the provider run one at a time per process. */
let turn: Promise<unknown> = Promise.resolve();
function inTurn<T>(fn: () => Promise<T>): Promise<T> {
  const run = turn.then(fn, fn);
  turn = run.catch(() => undefined);
  return run;
}

/**
 * The children's environment: nothing of the caller's AWS or Terraform settings (profiles,
 * tokens, plugin caches, workspaces), no proxies; our CLI config and data dir; fake credentials
 * of DEFAULT_CALLER_ACCOUNT (the stand-in says whose they are); every AWS service, STS and S3
 * above all, is the stand-in, so nothing reaches AWS.
 */
function providerEnv(s: Pick<Shared, "emptyFile" | "standIn">): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|TF_(?!LOG))/.test(key) || /^(https?|all|no)_proxy$/i.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    CHECKPOINT_DISABLE: "1",
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    AWS_CONFIG_FILE: s.emptyFile,
    AWS_SHARED_CREDENTIALS_FILE: s.emptyFile,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ACCESS_KEY_ID: `AKIA${DEFAULT_CALLER_ACCOUNT}FAKE`,
    AWS_SECRET_ACCESS_KEY: "fake-secret",
    AWS_ENDPOINT_URL: s.standIn.url,
    AWS_ENDPOINT_URL_STS: s.standIn.url,
    AWS_ENDPOINT_URL_S3: s.standIn.url,
  };
}

function baseEnv(s: Shared, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...providerEnv(s),
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    TF_CLI_CONFIG_FILE: s.cliConfig,
    TF_DATA_DIR: s.dataDir,
    ...(s.reattach ? { TF_REATTACH_PROVIDERS: s.reattach } : {}),
    ...extra,
  };
}

/** A CLI config and an AWS stand-in of directTerraformEnv's own, once per process. */
let directMemo: Promise<{ readonly root: string; readonly env: NodeJS.ProcessEnv; readonly standIn: AwsStandIn }> | undefined;

/**
 * The environment for running Terraform on synthesized stack folders the way a user does
 * (`mailgate plan`: init and plan in each folder, several stacks at once): the mirror as the only
 * provider source, the fake credentials and the AWS stand-in of planStack, TERRAFORM_BINARY_NAME
 * naming the CLI found here. Unlike planStack, no shared data dir and no reattached provider
 * (it keeps one configuration at a time): each folder gets its own `.terraform`, each command its
 * own provider. Removed after the file's last test.
 */
export function directTerraformEnv(): Promise<{ readonly env: NodeJS.ProcessEnv; readonly standIn: AwsStandIn }> {
  return (directMemo ??= (async () => {
    const setup = required();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-tf-direct-"));
    const cliConfig = path.join(root, "cli.tfrc");
    const emptyFile = path.join(root, "empty");
    fs.writeFileSync(cliConfig, cliConfigText(setup.mirror));
    fs.writeFileSync(emptyFile, "");
    const standIn = await startAwsStandIn();
    const env = { ...providerEnv({ emptyFile, standIn }), TF_INPUT: "0", TF_CLI_CONFIG_FILE: cliConfig, TERRAFORM_BINARY_NAME: setup.terraform };
    return { root, env, standIn };
  })());
}

afterAll(async () => {
  const memo = directMemo;
  directMemo = undefined;
  const direct = await memo?.catch(() => undefined);
  if (!direct) return;
  await direct.standIn.close();
  fs.rmSync(direct.root, { recursive: true, force: true });
}, 30_000);

export class TerraformError extends Error {
  constructor(
    readonly step: string,
    readonly output: string,
  ) {
    super(`terraform ${step} failed:\n${output}`);
    this.name = "TerraformError";
  }
}

/** Runs terraform asynchronously (the AWS stand-in answers on this process's event loop). */
function terraformCommand(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }, step = args[0]): Promise<string> {
  const { terraform } = required();
  return new Promise((resolve, reject) => {
    execFile(
      terraform,
      [...args, "-no-color"],
      { cwd: options.cwd, env: options.env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: COMMAND_TIMEOUT_MS },
      (error, stdout, stderr) => {
        if (error) reject(new TerraformError(step, `${error.killed ? `(killed after ${COMMAND_TIMEOUT_MS / 1000} s)\n` : ""}${stderr}\n${stdout}`.trim()));
        else resolve(stdout);
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// JSON shapes (the parts read here; Terraform's documented JSON output formats)

export interface TerraformState {
  version: 4;
  terraform_version: string;
  serial: number;
  lineage: string;
  outputs: Record<string, { value: unknown; type: unknown; sensitive?: boolean }>;
  resources: StateResource[];
  check_results: null;
}

export interface StateResource {
  mode: "managed" | "data";
  type: string;
  name: string;
  provider: string;
  instances: { index_key?: string | number; schema_version: number; attributes: Record<string, unknown>; sensitive_attributes: unknown[]; dependencies?: string[] }[];
}

export type Action = "no-op" | "create" | "read" | "update" | "delete" | "forget";

export interface ResourceChange {
  address: string;
  /** The address the resource had in the prior state, when a `moved` block moved it. */
  previous_address?: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  change: { actions: Action[]; before: unknown; after: unknown; after_unknown: unknown; before_sensitive?: unknown; after_sensitive?: unknown };
}

export interface PlannedResource {
  address: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  schema_version: number;
  values: Record<string, unknown>;
}

export interface Expression {
  constant_value?: unknown;
  references?: string[];
}
/** An attribute's expression, or a nested block's list of expression objects. */
export type Expressions = Record<string, Expression | Record<string, unknown>[]>;

export interface PlanJson {
  format_version: string;
  terraform_version: string;
  planned_values: {
    outputs?: Record<string, { sensitive: boolean; value?: unknown }>;
    root_module: { resources?: PlannedResource[]; child_modules?: unknown[] };
  };
  resource_changes?: ResourceChange[];
  output_changes?: Record<string, { actions: Action[]; before?: unknown; after?: unknown; after_unknown?: unknown }>;
  configuration: {
    provider_config?: Record<string, { name: string; full_name?: string; expressions?: Expressions }>;
    root_module: {
      resources?: { address: string; mode: string; type: string; name: string; expressions?: Expressions; schema_version?: number }[];
      outputs?: Record<string, { expression?: Expression; sensitive?: boolean }>;
    };
  };
  errored?: boolean;
}

/** What a schema says about an attribute or block (the subset of `terraform providers schema -json`). */
export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, { nesting_mode: "single" | "group" | "list" | "set" | "map"; block: SchemaBlock }>;
}
export interface SchemaAttribute {
  type?: CtyType;
  nested_type?: { nesting_mode: "single" | "list" | "set" | "map"; attributes: Record<string, SchemaAttribute> };
  computed?: boolean;
  optional?: boolean;
  required?: boolean;
  sensitive?: boolean;
}
export type CtyType = string | [string, CtyType] | ["object", Record<string, CtyType>] | ["tuple", CtyType[]];

/** Resource schemas of hashicorp/aws, by resource type. */
export interface ProviderSchemas {
  readonly provider: string;
  readonly resources: Record<string, { version: number; block: SchemaBlock }>;
}

// ---------------------------------------------------------------------------------------------
// Planning

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
   * Run `terraform validate` before the plan. Every command loads the provider's schema (seconds
   * each); `plan` validates the configuration too, so a test that plans many steps may skip it.
   * @default true
   */
  readonly validate?: boolean;
}

export interface PlanResult {
  /** `terraform show -json` of the plan. */
  readonly plan: PlanJson;
  /** The state as if that plan were applied: `stateFromPlan(plan, schemas)`. */
  readonly appliedState: TerraformState;
  /** Every request the AWS stand-in received during this plan's init, validate, plan and show. */
  readonly awsRequests: readonly StandInRequest[];
  /** With `options.graph`: the DOT text `terraform graph -type=apply -plan=plan.bin` prints. */
  readonly applyGraph?: string;
}

/**
 * Plans a synthesized stack (`cdk.tf.json`, parsed) with the real CLI and provider: a scratch copy
 * (the provider version set to the mirror's; every provider entry `skip_metadata_api_check`, and
 * those without `allowed_account_ids` also `skip_credentials_validation` and
 * `skip_requesting_account_id`, while those with it ask the stand-in whose credentials these
 * are; the backend as `options.backend` says), init (shared), `terraform validate` (unless
 * `options.validate` is false), the optional
 * state, `terraform plan -refresh=false -input=false -lock=false -out=plan.bin`, `terraform show
 * -json plan.bin` (and `terraform graph -type=apply -plan=plan.bin` with `options.graph`). A
 * failing command throws TerraformError with its output. The scratch
 * directory is gone when the promise settles. Concurrent calls take turns.
 */
export async function planStack(stackJson: unknown, options: PlanOptions = {}): Promise<PlanResult> {
  const s = await shared();
  return inTurn(async () => {
    const backend = options.backend ?? "local";
    const { standIn } = s;
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-tf-plan-"));
    const firstRequest = standIn.requests.length;
    try {
      const { json, s3 } = scratchCopy(stackJson, backend);
      standIn.callerAccount = options.callerAccount ?? defaultCallerAccount(json);
      standIn.objects.clear();
      fs.writeFileSync(path.join(scratch, "cdk.tf.json"), JSON.stringify(json, null, 2));
      fs.copyFileSync(s.lockFile, path.join(scratch, ".terraform.lock.hcl"));
      // The S3 backend's init writes its settings into the data dir: it gets its own.
      const env = baseEnv(s, s3 ? { TF_DATA_DIR: path.join(scratch, ".terraform") } : {});
      if (s3) {
        if (options.state) standIn.objects.set(`${s3.bucket}/${s3.key}`, Buffer.from(JSON.stringify(options.state)));
        await terraformCommand(["init", "-input=false"], { cwd: scratch, env });
      } else if (options.state) {
        fs.writeFileSync(path.join(scratch, "terraform.tfstate"), JSON.stringify(options.state, null, 2));
      }
      if (options.validate !== false) await terraformCommand(["validate"], { cwd: scratch, env });
      await terraformCommand(["plan", "-refresh=false", "-input=false", `-lock=${s3 ? "true" : "false"}`, "-out=plan.bin"], { cwd: scratch, env });
      const plan = JSON.parse(await terraformCommand(["show", "-json", "plan.bin"], { cwd: scratch, env }, "show -json")) as PlanJson;
      const applyGraph = options.graph ? await terraformCommand(["graph", "-type=apply", "-plan=plan.bin"], { cwd: scratch, env }, "graph -type=apply") : undefined;
      const appliedState = stateFromPlan(plan, await loadSchemas(s), options.state);
      return { plan, appliedState, awsRequests: standIn.requests.slice(firstRequest), ...(applyGraph !== undefined ? { applyGraph } : {}) };
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
}

type StackJson = {
  terraform?: { required_providers?: Record<string, { source?: string; version?: string }>; backend?: Record<string, Record<string, unknown>> };
  provider?: Record<string, Record<string, unknown>[]>;
  [key: string]: unknown;
};

function scratchCopy(stackJson: unknown, backend: "local" | "s3"): { json: StackJson; s3?: { bucket: string; key: string } } {
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

/** `terraform providers schema -json` for hashicorp/aws, once per process. */
export async function providerSchemas(): Promise<ProviderSchemas> {
  const s = await shared();
  return s.schemas ?? inTurn(() => loadSchemas(s));
}

function loadSchemas(s: Shared): Promise<ProviderSchemas> {
  return (s.schemas ??= terraformCommand(["providers", "schema", "-json"], { cwd: s.initDir, env: baseEnv(s) }, "providers schema -json").then((out) => {
    const all = JSON.parse(out) as { provider_schemas: Record<string, { resource_schemas: ProviderSchemas["resources"] }> };
    const aws = all.provider_schemas[PROVIDER];
    if (!aws) throw new Error(`terraform providers schema -json: no ${PROVIDER} in ${Object.keys(all.provider_schemas).join(", ")}`);
    return { provider: PROVIDER, resources: aws.resource_schemas };
  }));
}

// ---------------------------------------------------------------------------------------------
// The state as if a plan were applied

/**
 * A Terraform state (v4) as if `plan` were applied: every managed resource in the plan's planned
 * values, with the attributes the plan knows and made-up values for those it leaves unknown
 * (`after_unknown`):
 * - an attribute the configuration takes from another resource's attribute (an expression with
 *   `references`, e.g. `${aws_security_group.x.id}`) gets the value made up for that one, so a
 *   rule's `security_group_id` is its group's `id`;
 * - otherwise a value by schema type: a string `id` a deterministic fake with the resource type's
 *   prefix (`sg-<hash of the address>`), an `arn` an ARN-shaped fake, another string
 *   `fake-<attribute>`; lists and sets [], maps {}, numbers 0, bools false.
 * Resources the plan deletes are absent. Outputs get the same filling. Only the root module.
 * `prior` (the state the plan was made against) only lends its lineage and serial.
 */
export function stateFromPlan(plan: PlanJson, schemas: ProviderSchemas, prior?: TerraformState): TerraformState {
  if (plan.planned_values.root_module.child_modules?.length) throw new Error("stateFromPlan: child modules are not supported");
  const planned = (plan.planned_values.root_module.resources ?? []).filter((r) => r.mode === "managed");
  const byAddress = new Map(planned.map((r) => [r.address, r]));
  const changes = new Map((plan.resource_changes ?? []).map((c) => [c.address, c]));
  const configs = new Map((plan.configuration.root_module.resources ?? []).map((r) => [r.address, r]));
  const region = String((plan.configuration.provider_config?.aws?.expressions?.region as Expression | undefined)?.constant_value ?? "us-east-1");

  const filled = new Map<string, Record<string, unknown>>();
  const inProgress = new Set<string>();

  /** The value of `<type>.<name>.<attr>...` once that resource is filled, or undefined if unknown to us. */
  const resolve = (reference: string): { value: unknown } | undefined => {
    const match = /^([a-zA-Z][\w-]*)\.([a-zA-Z_][\w-]*)\.(.+)$/.exec(reference);
    if (!match || match[1] === "data" || match[1] === "var" || match[1] === "local" || match[1] === "module") return undefined;
    const address = `${match[1]}.${match[2]}`;
    if (!byAddress.has(address)) return undefined;
    let value: unknown = attributesOf(address);
    for (const step of match[3].split(".")) {
      if (value === null || typeof value !== "object") return undefined;
      value = (value as Record<string, unknown>)[step];
    }
    return value === undefined ? undefined : { value };
  };

  const attributesOf = (address: string): Record<string, unknown> => {
    const done = filled.get(address);
    if (done) return done;
    if (inProgress.has(address)) throw new Error(`stateFromPlan: reference cycle through ${address}`);
    inProgress.add(address);
    const resource = byAddress.get(address)!;
    const schema = schemas.resources[resource.type];
    if (!schema) throw new Error(`stateFromPlan: no schema for ${resource.type}`);
    const change = changes.get(address);
    const expressions = configs.get(configAddress(address))?.expressions;
    const context: FillContext = { address, type: resource.type, region, resolve };
    const attributes = fillBlock(resource.values, change?.change.after_unknown, schema.block, expressions, context, []);
    filled.set(address, attributes);
    inProgress.delete(address);
    return attributes;
  };

  const grouped = new Map<string, StateResource>();
  for (const resource of planned) {
    const key = `${resource.type}.${resource.name}`;
    const schema = schemas.resources[resource.type];
    let entry = grouped.get(key);
    if (!entry) {
      entry = { mode: "managed", type: resource.type, name: resource.name, provider: `provider["${resource.provider_name}"]`, instances: [] };
      grouped.set(key, entry);
    }
    const dependencies = [...new Set(referencesIn(configs.get(configAddress(resource.address))?.expressions).map(resourceOfReference).filter((a): a is string => !!a && a !== key && byAddress.has(a)))].sort();
    entry.instances.push({
      ...(resource.index !== undefined ? { index_key: resource.index } : {}),
      schema_version: schema?.version ?? resource.schema_version,
      attributes: attributesOf(resource.address),
      sensitive_attributes: [],
      ...(dependencies.length ? { dependencies } : {}),
    });
  }

  const outputs: TerraformState["outputs"] = {};
  for (const [name, out] of Object.entries(plan.planned_values.outputs ?? {})) {
    const change = plan.output_changes?.[name];
    const expression = plan.configuration.root_module.outputs?.[name]?.expression;
    let value: unknown = "value" in out ? out.value : change?.after;
    if (containsUnknown(change?.after_unknown)) {
      const fromConfig = expression ? substituted(expression.constant_value, resolve) : undefined;
      value = fromConfig ? fromConfig.value : fillByShape(value, change?.after_unknown, `fake-output-${name}`);
    }
    if (value === undefined || value === null) continue;
    outputs[name] = { value, type: ctyTypeOfValue(value), ...(out.sensitive ? { sensitive: true } : {}) };
  }

  return {
    version: 4,
    terraform_version: plan.terraform_version,
    serial: (prior?.serial ?? 0) + 1,
    lineage: prior?.lineage ?? randomUUID(),
    outputs,
    resources: [...grouped.values()],
    check_results: null,
  };
}

interface FillContext {
  readonly address: string;
  readonly type: string;
  readonly region: string;
  readonly resolve: (reference: string) => { value: unknown } | undefined;
}

/** Configuration addresses have no instance keys: `aws_x.y[0]` is configured as `aws_x.y`. */
const configAddress = (address: string) => address.replace(/\[[^\]]*\]$/, "");
const resourceOfReference = (reference: string): string | undefined => /^([a-zA-Z][\w-]*\.[a-zA-Z_][\w-]*)(?:\[|\.|$)/.exec(reference)?.[1];

function referencesIn(expressions: unknown): string[] {
  if (!expressions || typeof expressions !== "object") return [];
  if (Array.isArray(expressions)) return expressions.flatMap(referencesIn);
  const out: string[] = [];
  for (const [key, value] of Object.entries(expressions)) {
    if (key === "references" && Array.isArray(value)) out.push(...(value as string[]));
    else if (key !== "constant_value") out.push(...referencesIn(value));
  }
  return out;
}

function containsUnknown(marker: unknown): boolean {
  if (marker === true) return true;
  if (marker && typeof marker === "object") return Object.values(marker).some(containsUnknown);
  return false;
}

/**
 * A configuration value with every `${<reference>}` replaced by the referenced (filled) value;
 * undefined if anything in it is more than a plain reference (a function call, a variable...).
 */
function substituted(value: unknown, resolve: FillContext["resolve"]): { value: unknown } | undefined {
  if (typeof value === "string") {
    const whole = /^\$\{([^${}]+)\}$/.exec(value);
    if (whole) return resolve(whole[1].trim());
    let failed = false;
    const text = value.replace(/\$\{([^${}]+)\}/g, (_, reference: string) => {
      const r = resolve(reference.trim());
      if (!r || (typeof r.value !== "string" && typeof r.value !== "number" && typeof r.value !== "boolean")) failed = true;
      return r ? String(r.value) : "";
    });
    return failed || /\$\{|%\{/.test(text.replace(/\$\$\{|%%\{/g, "")) ? undefined : { value: text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{") };
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => substituted(v, resolve));
    return items.every((i) => i) ? { value: items.map((i) => i!.value) } : undefined;
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, substituted(v, resolve)] as const);
    return entries.every(([, i]) => i) ? { value: Object.fromEntries(entries.map(([k, i]) => [k, i!.value])) } : undefined;
  }
  return { value };
}

const hash = (text: string, length: number) => createHash("sha256").update(text).digest("hex").slice(0, length);

/** EC2-style id prefixes of the resource types mailgate emits; other types get `fake-`. */
const ID_PREFIX: Record<string, string> = {
  aws_security_group: "sg-",
  aws_vpc_security_group_ingress_rule: "sgr-",
  aws_vpc_security_group_egress_rule: "sgr-",
  aws_security_group_rule: "sgrule-",
  aws_ec2_managed_prefix_list: "pl-",
  aws_network_acl_rule: "nacl-",
};

function fakeString(attribute: string, path: readonly (string | number)[], context: FillContext): string {
  if (path.length === 0 && attribute === "id") {
    // Network Firewall's ids are ARNs.
    if (context.type.startsWith("aws_networkfirewall_")) return fakeArn(context);
    return `${ID_PREFIX[context.type] ?? "fake-"}${hash(context.address, 17)}`;
  }
  if (attribute === "arn" || attribute.endsWith("_arn")) return fakeArn(context, attribute);
  return `fake-${attribute}`;
}

/** ARN service and resource kind of the types mailgate emits (others: derived from the type name). */
const ARN_PARTS: Record<string, [string, string]> = {
  aws_security_group: ["ec2", "security-group"],
  aws_vpc_security_group_ingress_rule: ["ec2", "security-group-rule"],
  aws_vpc_security_group_egress_rule: ["ec2", "security-group-rule"],
  aws_ec2_managed_prefix_list: ["ec2", "prefix-list"],
  aws_networkfirewall_rule_group: ["network-firewall", "stateful-rulegroup"],
};

function fakeArn(context: FillContext, attribute = "arn"): string {
  const [service, kind] = ARN_PARTS[context.type] ?? [context.type.replace(/^aws_/, "").split("_")[0], context.type.replace(/^aws_/, "")];
  return `arn:aws:${service}:${context.region}:${DEFAULT_CALLER_ACCOUNT}:${kind}/${hash(`${context.address}.${attribute}`, 17)}`;
}

/** The made-up value of a whole unknown attribute of type `type`. */
function fillType(type: CtyType | undefined, attribute: string, path: readonly (string | number)[], context: FillContext): unknown {
  if (type === "string") return fakeString(attribute, path, context);
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (Array.isArray(type)) {
    const [kind, inner] = type;
    if (kind === "list" || kind === "set" || kind === "tuple") return [];
    if (kind === "map") return {};
    if (kind === "object") {
      const attrs = inner as Record<string, CtyType>;
      return Object.fromEntries(Object.entries(attrs).map(([k, t]) => [k, fillType(t, k, [...path, k], context)]));
    }
  }
  return null;
}

function fillAttribute(schema: SchemaAttribute, attribute: string, path: readonly (string | number)[], context: FillContext): unknown {
  if (schema.type !== undefined) return fillType(schema.type, attribute, path, context);
  const nested = schema.nested_type;
  if (!nested) return null;
  if (nested.nesting_mode === "single") return fillObject({}, true, nested.attributes, undefined, context, path);
  return nested.nesting_mode === "map" ? {} : [];
}

/**
 * Known values with every unknown position (per the plan's `after_unknown` marker) filled: from
 * the configuration's reference when there is one, else by schema type.
 */
function fillBlock(
  known: unknown,
  marker: unknown,
  block: SchemaBlock,
  expressions: Expressions | undefined,
  context: FillContext,
  path: readonly (string | number)[],
): Record<string, unknown> {
  const values = (known && typeof known === "object" ? known : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const markers = (marker && typeof marker === "object" ? marker : {}) as Record<string, unknown>;
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    const expression = expressions?.[name] as Expression | undefined;
    out[name] = fillValue(values[name], marker === true ? true : markers[name], attribute, name, expression, context, [...path, name]);
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const value = values[name];
    const m = marker === true ? true : markers[name];
    const blockExpressions = expressions?.[name] as Record<string, unknown>[] | undefined;
    if (nested.nesting_mode === "single" || nested.nesting_mode === "group") {
      out[name] = value == null && m !== true ? null : fillBlock(value, m, nested.block, blockExpressions?.[0] as Expressions | undefined, context, [...path, name]);
    } else if (nested.nesting_mode === "map") {
      out[name] = m === true ? {} : value ?? {};
    } else if (m === true) {
      out[name] = [];
    } else {
      const items = Array.isArray(value) ? value : [];
      const itemMarkers = Array.isArray(m) ? m : [];
      out[name] = items.map((item, i) =>
        fillBlock(item, itemMarkers[i], nested.block, (nested.nesting_mode === "list" ? blockExpressions?.[i] : undefined) as Expressions | undefined, context, [...path, name, i]),
      );
    }
  }
  return out;
}

function fillObject(
  known: unknown,
  marker: unknown,
  attributes: Record<string, SchemaAttribute>,
  expressions: Expressions | undefined,
  context: FillContext,
  path: readonly (string | number)[],
): Record<string, unknown> {
  return fillBlock(known, marker, { attributes }, expressions, context, path);
}

function fillValue(
  known: unknown,
  marker: unknown,
  schema: SchemaAttribute,
  name: string,
  expression: Expression | undefined,
  context: FillContext,
  path: readonly (string | number)[],
): unknown {
  if (!containsUnknown(marker)) return known === undefined ? null : known;
  // Taken from another resource: the value made up for that one, at the same position.
  const fromConfig = expression?.references?.length ? substituted(expression.constant_value, context.resolve) : undefined;
  if (fromConfig) return fromConfig.value;
  if (marker === true) return fillAttribute(schema, name, path.slice(0, -1), context);
  if (schema.nested_type) {
    const { nesting_mode, attributes } = schema.nested_type;
    if (nesting_mode === "single") return fillObject(known, marker, attributes, undefined, context, path);
    if (nesting_mode === "map") {
      const values = (known ?? {}) as Record<string, unknown>;
      const markers = marker as Record<string, unknown>;
      return Object.fromEntries(Object.keys({ ...values, ...markers }).map((k) => [k, fillObject(values[k], markers[k], attributes, undefined, context, [...path, k])]));
    }
    const items = Array.isArray(known) ? known : [];
    const markers = marker as unknown[];
    return items.map((item, i) => fillObject(item, markers[i], attributes, undefined, context, [...path, i]));
  }
  return fillTyped(known, marker, schema.type, name, context, path);
}

/** A partly known value of a cty type: recurse into lists, maps and objects. */
function fillTyped(known: unknown, marker: unknown, type: CtyType | undefined, name: string, context: FillContext, path: readonly (string | number)[]): unknown {
  if (marker === true) return fillType(type, name, path, context);
  if (!containsUnknown(marker)) return known === undefined ? null : known;
  if (Array.isArray(type)) {
    const [kind, inner] = type;
    if (kind === "list" || kind === "set" || kind === "tuple") {
      const items = Array.isArray(known) ? known : [];
      const markers = marker as unknown[];
      return markers.map((m, i) => fillTyped(items[i], m, kind === "tuple" ? (inner as CtyType[])[i] : (inner as CtyType), name, context, [...path, i]));
    }
    if (kind === "map" || kind === "object") {
      const values = (known ?? {}) as Record<string, unknown>;
      const markers = marker as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys({ ...values, ...markers }).map((k) => [k, fillTyped(values[k], markers[k], kind === "map" ? (inner as CtyType) : (inner as Record<string, CtyType>)[k], k, context, [...path, k])]),
      );
    }
  }
  return known ?? null;
}

/** Outputs have no schema: fill unknown strings by position. */
function fillByShape(known: unknown, marker: unknown, fake: string): unknown {
  if (marker === true) return fake;
  if (Array.isArray(marker)) return marker.map((m, i) => fillByShape((known as unknown[] | undefined)?.[i], m, `${fake}-${i}`));
  if (marker && typeof marker === "object") {
    const values = (known ?? {}) as Record<string, unknown>;
    return Object.fromEntries(Object.keys({ ...values, ...marker }).map((k) => [k, fillByShape(values[k], (marker as Record<string, unknown>)[k], `${fake}-${k}`)]));
  }
  return known;
}

/** The cty type Terraform records for an output value written in JSON configuration. */
function ctyTypeOfValue(value: unknown): CtyType {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return ["tuple", value.map(ctyTypeOfValue)];
  if (value && typeof value === "object") return ["object", Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ctyTypeOfValue(v)]))];
  return "dynamic";
}

// ---------------------------------------------------------------------------------------------
// Reading a plan's actions

/** address -> `change.actions` of every resource change in the plan. */
export function resourceActions(plan: PlanJson): Map<string, Action[]> {
  return new Map((plan.resource_changes ?? []).map((c) => [c.address, c.change.actions]));
}

export type ChangeKind = "no-op" | "create" | "delete" | "update" | "replace" | "read" | "forget";

/** One word for an action list: ["delete","create"] and ["create","delete"] are both "replace". */
export function changeKind(actions: readonly Action[]): ChangeKind {
  if (actions.length === 2 && actions.includes("create") && actions.includes("delete")) return "replace";
  if (actions.length === 1) return actions[0];
  throw new Error(`unexpected action list ${JSON.stringify(actions)}`);
}

/** The change kind of one address, or undefined when the plan does not mention it. */
export function kindOf(plan: PlanJson, address: string): ChangeKind | undefined {
  const actions = resourceActions(plan).get(address);
  return actions && changeKind(actions);
}

/** Sorted addresses by change kind (every kind present, possibly empty). */
export function changesByKind(plan: PlanJson): Record<ChangeKind, string[]> {
  const out: Record<ChangeKind, string[]> = { "no-op": [], create: [], delete: [], update: [], replace: [], read: [], forget: [] };
  for (const [address, actions] of resourceActions(plan)) out[changeKind(actions)].push(address);
  for (const list of Object.values(out)) list.sort();
  return out;
}

export const replaced = (plan: PlanJson, address: string): boolean => kindOf(plan, address) === "replace";
export const updated = (plan: PlanJson, address: string): boolean => kindOf(plan, address) === "update";

/** The top-level attributes an update or replace changes, as `name: before -> after` lines (none for a create or delete). */
export function describeChange(plan: PlanJson, address: string): string[] {
  const change = plan.resource_changes?.find((c) => c.address === address)?.change;
  if (!change || !change.before || !change.after) return [];
  const before = (change.before ?? {}) as Record<string, unknown>;
  const after = (change.after ?? {}) as Record<string, unknown>;
  const unknown = (change.after_unknown ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)])]
    .sort()
    .filter((k) => containsUnknown(unknown[k]) || JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}: ${JSON.stringify(before[k])} -> ${containsUnknown(unknown[k]) ? "(known after apply)" : JSON.stringify(after[k])}`);
}

function assertKinds(plan: PlanJson, allowed: readonly ChangeKind[], what: string, nonEmpty: boolean): void {
  const wrong = [...resourceActions(plan)].filter(([, actions]) => !allowed.includes(changeKind(actions)));
  if (wrong.length) {
    const lines = wrong.map(([address, actions]) => [`  ${address}: ${actions.join(", ")}`, ...describeChange(plan, address).map((l) => `      ${l}`)].join("\n"));
    throw new Error(`expected ${what}, but ${wrong.length} resource(s) differ:\n${lines.join("\n")}`);
  }
  if (nonEmpty && !(plan.resource_changes ?? []).length) throw new Error(`expected ${what}, but the plan has no resources`);
}

/** Throws, listing each offending address and its changed attributes, unless every resource is a no-op and every output unchanged. */
export function assertNoOp(plan: PlanJson): void {
  assertKinds(plan, ["no-op"], "every resource a no-op", false);
  const outputs = Object.entries(plan.output_changes ?? {}).filter(([, c]) => !c.actions.every((a) => a === "no-op"));
  if (outputs.length) throw new Error(`expected no output changes, but: ${outputs.map(([name, c]) => `${name} (${c.actions.join(", ")}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)})`).join("; ")}`);
}
/** Throws unless the plan creates at least one resource and does nothing else. */
export const assertCreateOnly = (plan: PlanJson): void => assertKinds(plan, ["create"], "only creates", true);
/** Throws unless the plan deletes at least one resource and otherwise changes nothing. */
export function assertDeleteOnly(plan: PlanJson): void {
  assertKinds(plan, ["delete", "no-op"], "only deletes", true);
  if (!changesByKind(plan).delete.length) throw new Error("expected only deletes, but the plan deletes nothing");
}

// ---------------------------------------------------------------------------------------------
// Synthesizing

/**
 * Synthesizes a config directory with the cdktf app (`tsx main.ts`, as `cdktf synth` runs it),
 * into a temporary directory that is removed before this returns; every stack of manifest.json
 * as parsed `cdk.tf.json`, by stack name. Throws with mailgate's output when synth fails.
 */
export function synthStacks(configDir: string): Record<string, unknown> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-tf-synth-"));
  try {
    const tfOut = path.join(work, "cdktf.out");
    const tsx = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
    const run = spawnSync(tsx, [path.join(PROJECT_ROOT, "main.ts")], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", DEBUG: "", MAILGATE_CONFIG: configDir, MAILGATE_OUT: path.join(work, "generated"), CDKTF_OUTDIR: tfOut },
      encoding: "utf8",
      timeout: 120_000,
    });
    if (run.status !== 0) throw new Error(`synth of ${configDir} exited ${run.status}:\n${run.stderr}${run.stdout}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(tfOut, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
    return Object.fromEntries(
      Object.entries(manifest.stacks).map(([name, stack]) => [name, JSON.parse(fs.readFileSync(path.join(tfOut, stack.synthesizedStackPath), "utf8")) as unknown]),
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Independent expectations

const WIDTH = { 4: 32, 6: 128 } as const;

/**
 * The minimal exact CIDR cover of a list of CIDRs and addresses (IPv4 and IPv6): merge the
 * address ranges, then cut each into the largest aligned blocks. Written here, from ipaddr.js's
 * parser only, so expectations never come from mailgate's own aggregation. Sorted IPv4 first,
 * then by address; IPv6 in ipaddr.js's compact form.
 */
export function minimalCover(entries: readonly string[]): string[] {
  const spans: { family: 4 | 6; first: bigint; last: bigint }[] = [];
  for (const entry of entries) {
    const [address, length] = entry.includes("/") ? ipaddr.parseCIDR(entry) : [ipaddr.parse(entry), undefined];
    const family = address.kind() === "ipv4" ? 4 : 6;
    const width = WIDTH[family];
    const size = 1n << BigInt(width - (length ?? width));
    const value = address.toByteArray().reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
    const first = value - (value % size);
    spans.push({ family, first, last: first + size - 1n });
  }
  spans.sort((a, b) => a.family - b.family || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const merged: typeof spans = [];
  for (const span of spans) {
    const top = merged[merged.length - 1];
    if (top && top.family === span.family && span.first <= top.last + 1n) top.last = span.last > top.last ? span.last : top.last;
    else merged.push({ ...span });
  }
  const out: string[] = [];
  for (const { family, first, last } of merged) {
    const width = WIDTH[family];
    for (let at = first; at <= last; ) {
      let bits = 0;
      while (bits < width && at % (1n << BigInt(bits + 1)) === 0n && at + (1n << BigInt(bits + 1)) - 1n <= last) bits += 1;
      const bytes: number[] = [];
      for (let i = width / 8 - 1; i >= 0; i -= 1) bytes.push(Number((at >> BigInt(i * 8)) & 0xffn));
      out.push(`${ipaddr.fromByteArray(bytes).toString()}/${width - bits}`);
      at += 1n << BigInt(bits);
    }
  }
  return out;
}
