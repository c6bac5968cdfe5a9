/**
 * Running Terraform in the tier: what a test process shares between its commands, and the
 * commands themselves.
 *
 * - `terraform init` once per run (not per file): one TF_DATA_DIR whose providers are links into
 *   the mirror, made by the first process that needs it (run-dir.ts) and used by every plan of
 *   every file; each plan's scratch directory gets a copy of its lock file.
 * - One AWS provider per process (a vitest worker: every test file it runs), started once and
 *   reattached to by every command (startProvider), behind the schema proxy (schema-proxy.ts):
 *   commands take turns (inTurn).
 * - One AWS stand-in per process on 127.0.0.1 (../aws-stand-in.ts), so the provider's
 *   AssumeRole/GetCallerIdentity calls and the S3 backend never leave the machine.
 * - MAILGATE_TEST_TIMINGS=<file> records each command's time (../timings.ts).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startAwsStandIn, type AwsStandIn } from "../aws-stand-in";
import { onceInRun, runDir } from "../run-dir";
import { timed } from "../timings";
import type { ProviderSchemas } from "./json";
import { startSchemaProxy, type SchemaProxy } from "./schema-proxy";
import { DEFAULT_CALLER_ACCOUNT, MIRROR_PROVIDER_VERSION, PROVIDER, requiredSetup, type TerraformSetup } from "./setup";

const COMMAND_TIMEOUT_MS = 180_000;

export interface Session {
  readonly root: string;
  readonly cliConfig: string;
  /** The run's initialised TF_DATA_DIR (shared, read only). */
  readonly dataDir: string;
  /** The lock file `terraform init` wrote for the mirror's provider. */
  readonly lockFile: string;
  readonly emptyFile: string;
  /** One AWS stand-in per process; plans take turns, so each sees only its own requests. */
  readonly standIn: AwsStandIn;
  /** TF_REATTACH_PROVIDERS for commands (the proxy's, or the provider's), or undefined: Terraform starts its own. */
  readonly reattach?: string;
  /** The provider's own TF_REATTACH_PROVIDERS (without the proxy). */
  readonly providerReattach?: string;
  readonly provider?: ChildProcess;
  readonly proxy?: SchemaProxy;
  schemas?: Promise<ProviderSchemas>;
}

let sessionMemo: Promise<Session> | undefined;

// What a process starts serves every test file it runs (test files share their worker's
// modules), until it ends: the provider when the process's end closes its stdin pipe (see
// startProvider), the stand-ins' servers with the process; the scratch directories are in the
// run's directory, which the global setup removes when the run ends.

export function cliConfigText(mirror: string): string {
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

/** Once per process: the run's init, the AWS stand-in, the provider and its proxy. */
export function session(): Promise<Session> {
  return (sessionMemo ??= (async () => {
    const setup = requiredSetup();
    const root = fs.mkdtempSync(path.join(runDir(), "terraform-session-"));
    const emptyFile = path.join(root, "empty");
    fs.writeFileSync(emptyFile, "");
    const { dataDir, lockFile, cliConfig } = await runInit(setup);
    const standIn = await startAwsStandIn();
    const partial: Session = { root, cliConfig, dataDir, lockFile, emptyFile, standIn };
    try {
      if (process.env.MAILGATE_TF_REATTACH === "0") return partial;
      const { reattach, provider } = await startProvider(partial, setup);
      if (process.env.MAILGATE_TF_SCHEMA_PROXY === "0") return { ...partial, reattach, providerReattach: reattach, provider };
      const proxy = await startSchemaProxy(reattach, root);
      return { ...partial, reattach: proxy.reattach, providerReattach: reattach, provider, proxy };
    } catch (error) {
      await standIn.close();
      throw error;
    }
  })());
}

/**
 * `terraform init -backend=false` of a configuration that requires only the mirror's provider,
 * once per run: its TF_DATA_DIR (providers linked from the mirror) and lock file serve every plan
 * of every file (read only: each plan has its own scratch directory and state). The folder is in
 * the run's directory (run-dir.ts), removed when the run ends.
 */
async function runInit(setup: Extract<TerraformSetup, { ok: true }>): Promise<{ dataDir: string; lockFile: string; cliConfig: string }> {
  const { text } = await onceInRun("terraform", "init", async () => {
    const dir = fs.mkdtempSync(path.join(runDir(), "terraform-init-"));
    const initDir = path.join(dir, "init");
    const cliConfig = path.join(dir, "cli.tfrc");
    const dataDir = path.join(dir, "data");
    fs.writeFileSync(cliConfig, cliConfigText(setup.mirror));
    fs.mkdirSync(initDir);
    fs.writeFileSync(path.join(initDir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: MIRROR_PROVIDER_VERSION } } } }));
    const env = { ...cleanEnv(), TF_IN_AUTOMATION: "1", TF_INPUT: "0", TF_CLI_CONFIG_FILE: cliConfig, TF_DATA_DIR: dataDir };
    await terraformCommand(["init", "-input=false", "-backend=false"], { cwd: initDir, env }, "init (once per run)");
    return JSON.stringify({ dataDir, lockFile: path.join(initDir, ".terraform.lock.hcl"), cliConfig });
  });
  return JSON.parse(text) as { dataDir: string; lockFile: string; cliConfig: string };
}

/**
 * Terraform starts the provider afresh for every command (twice for validate, three times for
 * plan): a 700 MB binary whose start costs about a second of CPU each time. Instead the process
 * starts it once, in the provider's own debug mode, and every command reattaches to it
 * (TF_REATTACH_PROVIDERS), the way provider developers run Terraform: the same binary and
 * protocol, only its lifetime differs. Commands take turns (inTurn), as the provider keeps one
 * configuration at a time. MAILGATE_TF_REATTACH=0 turns this off.
 *
 * The provider runs under `sh`, which ends it when its stdin closes: when this process exits or
 * dies in any way, so no provider outlives the tests. It serves every test file the process runs.
 */
/**
 * In debug mode the provider logs every call at TRACE level to its stderr (3.5 MB for a plan of
 * examples/advanced, which this process must read): warnings and errors only, unless the
 * caller's environment sets these (providerEnv keeps TF_LOG*).
 */
const QUIET_PROVIDER: NodeJS.ProcessEnv = Object.fromEntries(
  ["TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_MUX", "TF_LOG_SDK_HELPER_SCHEMA", "TF_LOG_SDK_HELPER_RESOURCE"].map((name) => [name, "WARN"]),
);

async function startProvider(s: Session, setup: Extract<TerraformSetup, { ok: true }>): Promise<{ reattach: string; provider: ChildProcess }> {
  const dir = path.join(setup.mirror, "registry.terraform.io", "hashicorp", "aws", MIRROR_PROVIDER_VERSION, setup.platform);
  const binary = fs.readdirSync(dir).find((f) => f.startsWith("terraform-provider-aws"));
  if (!binary) throw new Error(`no terraform-provider-aws binary in ${dir}`);
  const script = `"$1" -debug </dev/null & p=$!; trap 'kill "$p" 2>/dev/null; wait "$p"' EXIT; cat >/dev/null`;
  const child = spawn("sh", ["-c", script, "sh", path.join(dir, binary)], { env: { ...QUIET_PROVIDER, ...providerEnv(s) }, stdio: ["pipe", "pipe", "pipe"] });
  // Ending stdin of a provider that already exited is an EPIPE: an unhandled 'error' would fail
  // the run outside every test (vitest exits 1 with no failed test).
  child.stdin.on("error", () => undefined);
  child.on("error", () => undefined);
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

/** Every Terraform command and the provider run one at a time per process. */
let turn: Promise<unknown> = Promise.resolve();
export function inTurn<T>(fn: () => Promise<T>): Promise<T> {
  const run = turn.then(fn, fn);
  turn = run.catch(() => undefined);
  return run;
}

/** This process's environment without the caller's AWS or Terraform settings (profiles, tokens, plugin caches, workspaces) or proxies. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|TF_(?!LOG))/.test(key) || /^(https?|all|no)_proxy$/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, CHECKPOINT_DISABLE: "1" };
}

/**
 * The children's environment: cleanEnv, no proxies; fake credentials of DEFAULT_CALLER_ACCOUNT
 * (the stand-in says whose they are); every AWS service, STS and S3 above all, is the stand-in,
 * so nothing reaches AWS.
 */
function providerEnv(s: Pick<Session, "emptyFile" | "standIn">): NodeJS.ProcessEnv {
  return {
    ...cleanEnv(),
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

/** The environment of a command run in a plan's scratch directory. */
export function commandEnv(s: Session, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
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
 * naming the CLI found here. Unlike planStack, no shared data dir, no reattached provider and no
 * schema proxy: each folder gets its own `.terraform`, each command its own provider, as for a
 * user. Once per process.
 */
export function directTerraformEnv(): Promise<{ readonly env: NodeJS.ProcessEnv; readonly standIn: AwsStandIn }> {
  return (directMemo ??= (async () => {
    const setup = requiredSetup();
    const root = fs.mkdtempSync(path.join(runDir(), "terraform-direct-"));
    const cliConfig = path.join(root, "cli.tfrc");
    const emptyFile = path.join(root, "empty");
    fs.writeFileSync(cliConfig, cliConfigText(setup.mirror));
    fs.writeFileSync(emptyFile, "");
    const standIn = await startAwsStandIn();
    const env = { ...providerEnv({ emptyFile, standIn }), TF_INPUT: "0", TF_CLI_CONFIG_FILE: cliConfig, TERRAFORM_BINARY_NAME: setup.terraform };
    return { root, env, standIn };
  })());
}

export class TerraformError extends Error {
  constructor(
    readonly step: string,
    readonly output: string,
  ) {
    super(`terraform ${step} failed:\n${output}`);
    this.name = "TerraformError";
  }
}

/**
 * Runs terraform asynchronously (the AWS stand-in answers on this process's event loop). With a
 * schema proxy, `keep` is what the command may see of the provider's schema: the resource types
 * of its configuration and state, or "all".
 */
export function terraformCommand(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; proxy?: SchemaProxy; keep?: ReadonlySet<string> | "all" },
  step = args[0],
): Promise<string> {
  const { terraform } = requiredSetup();
  if (options.proxy) options.proxy.keep = options.keep ?? "all";
  return timed(
    `terraform ${step}`,
    () =>
      new Promise<string>((resolve, reject) => {
        execFile(
          terraform,
          [...args, "-no-color"],
          { cwd: options.cwd, env: options.env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: COMMAND_TIMEOUT_MS },
          (error, stdout, stderr) => {
            if (error) reject(new TerraformError(step, `${error.killed ? `(killed after ${COMMAND_TIMEOUT_MS / 1000} s)\n` : ""}${stderr}\n${stdout}`.trim()));
            else resolve(stdout);
          },
        );
      }),
  );
}

/**
 * The resource schemas of hashicorp/aws: `terraform providers schema -json` (the whole schema),
 * once per run, kept in the run's directory and read by every process.
 */
export async function providerSchemas(): Promise<ProviderSchemas> {
  const s = await session();
  return (s.schemas ??= (async () => {
    const { text } = await onceInRun("terraform", "providers-schema", async () => {
      const dir = fs.mkdtempSync(path.join(s.root, "schema-"));
      fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: MIRROR_PROVIDER_VERSION } } } }));
      fs.copyFileSync(s.lockFile, path.join(dir, ".terraform.lock.hcl"));
      const out = await inTurn(() => terraformCommand(["providers", "schema", "-json"], { cwd: dir, env: commandEnv(s), proxy: s.proxy, keep: "all" }, "providers schema -json"));
      const all = JSON.parse(out) as { provider_schemas: Record<string, { resource_schemas: ProviderSchemas["resources"] }> };
      const aws = all.provider_schemas[PROVIDER];
      if (!aws) throw new Error(`terraform providers schema -json: no ${PROVIDER} in ${Object.keys(all.provider_schemas).join(", ")}`);
      return JSON.stringify(aws.resource_schemas);
    });
    return { provider: PROVIDER, resources: JSON.parse(text) as ProviderSchemas["resources"] };
  })());
}
