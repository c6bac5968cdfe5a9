// `mailgate plan [stack...]`: synth, then the Terraform CLI itself (init, plan, show -json) in
// each stack's folder of the manifest, several stacks at a time, and one summary line per stack.
// cdktf-cli is not needed: the stacks are plain Terraform JSON, and `cdktf plan` is left as it was.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EXIT } from "./io/report-errors";
import { fromUser, parseCommandLine } from "./settings";

/** Exit codes of `terraform plan -detailed-exitcode`, which `mailgate plan` keeps (contract: DESIGN.md). */
export const PLAN_EXIT = { noChanges: 0, error: 1, changes: 2 } as const;

/** The file `-out` writes in each stack's folder: the name `cdktf plan` uses, for `terraform show plan` or `apply plan`. */
export const PLAN_FILE = "plan";

const USAGE = `Usage: mailgate plan [--config DIR] [--out DIR] [--terraform-out DIR] [--phase expand] [--parallel N] [stack...]

Synthesizes (as mailgate synth does, MAILGATE_ASSUME and MAILGATE_PHASE honoured), then runs
terraform init and terraform plan in the folder of every stack of the manifest (emptied stacks
included: their plans show what they destroy), or only of the stacks named. Each stack's output is
printed whole when it ends, in manifest order; then one summary line per stack and a total.
The plan is saved in each stack's folder as "${PLAN_FILE}" (terraform -chdir=<folder> show ${PLAN_FILE}).

  --config DIR         Config directory (default: $MAILGATE_CONFIG, else "config").
  --out DIR            Artifacts directory (default: $MAILGATE_OUT, else "generated").
  --terraform-out DIR  Terraform output (default: $CDKTF_OUTDIR, else "cdktf.out").
  --phase PHASE        expand: plan the first of two applies (default: $MAILGATE_PHASE, else contract).
  --parallel N         Stacks planned at a time (default: the number of CPUs, at least 2, at most 4).
  -h, --help           Show this help.

Runs \`terraform\` from PATH (or $TERRAFORM_BINARY_NAME, as cdktf does), with CHECKPOINT_DISABLE=1.
Exit codes, as terraform plan -detailed-exitcode: 0 no changes in any stack, 2 changes in some
stack, 1 an error (in a stack, whose output says which; the other stacks are still planned; or an
invalid config). A usage error also exits 2: scripts that take 2 as "changes" should check the
summary line "total:".`;

// ---------------------------------------------------------------------------------------------
// Counting a plan

/** What one plan does, counted from `terraform show -json`'s `resource_changes`. */
export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly import: number;
  /** Destroy-and-create of one address (either order): counted once, not as an add and a destroy. */
  readonly replace: number;
  /** Resources at a new address by a `moved` block (`previous_address`). */
  readonly move: number;
  /** Resources dropped from state but not destroyed (`removed` blocks). */
  readonly forget: number;
}

/** The parts of `terraform show -json <planfile>` read here (Terraform's JSON output format). */
export interface PlanJson {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly previous_address?: string;
    readonly mode?: string;
    readonly change: { readonly actions: readonly string[]; readonly importing?: unknown };
  }[];
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly string[] }>>;
}

const NO_CHANGES: ChangeCounts = { add: 0, change: 0, destroy: 0, import: 0, replace: 0, move: 0, forget: 0 };

export function countChanges(plan: PlanJson): ChangeCounts {
  const counts = { ...NO_CHANGES };
  for (const resource of plan.resource_changes ?? []) {
    // A data source read changes nothing; Terraform's own summary leaves it out too.
    if (resource.mode === "data") continue;
    const { actions, importing } = resource.change;
    if (actions.includes("create") && actions.includes("delete")) counts.replace += 1;
    else {
      for (const action of actions) {
        if (action === "create") counts.add += 1;
        else if (action === "update") counts.change += 1;
        else if (action === "delete") counts.destroy += 1;
        else if (action === "forget") counts.forget += 1;
      }
    }
    // An import may come with an update; both count, as in Terraform's own "Plan:" line.
    if (importing !== undefined && importing !== null) counts.import += 1;
    if (resource.previous_address !== undefined && resource.previous_address !== resource.address) counts.move += 1;
  }
  return counts;
}

/** Whether a plan changes outputs, which Terraform's exit code counts as a change. */
function changesOutputs(plan: PlanJson): boolean {
  return Object.values(plan.output_changes ?? {}).some((c) => c.actions.some((a) => a !== "no-op"));
}

/** `3 to add, 0 to change, 1 to destroy, 0 to import, 0 to replace`, then moves and forgets when there are any. */
export function formatCounts(c: ChangeCounts): string {
  const always = `${c.add} to add, ${c.change} to change, ${c.destroy} to destroy, ${c.import} to import, ${c.replace} to replace`;
  return always + (c.move > 0 ? `, ${c.move} moved` : "") + (c.forget > 0 ? `, ${c.forget} to forget` : "");
}

function addCounts(a: ChangeCounts, b: ChangeCounts): ChangeCounts {
  return {
    add: a.add + b.add,
    change: a.change + b.change,
    destroy: a.destroy + b.destroy,
    import: a.import + b.import,
    replace: a.replace + b.replace,
    move: a.move + b.move,
    forget: a.forget + b.forget,
  };
}

/** How one stack's plan ended. */
export type StackOutcome =
  | { readonly stack: string; readonly status: "no-changes" | "changes"; readonly counts: ChangeCounts; readonly outputsChange: boolean }
  | { readonly stack: string; readonly status: "failed"; readonly reason: string };

/** 1 when any stack failed (the others still ran), else 2 when any has changes, else 0. */
export function overallExitCode(outcomes: readonly StackOutcome[]): number {
  if (outcomes.some((o) => o.status === "failed")) return PLAN_EXIT.error;
  return outcomes.some((o) => o.status === "changes") ? PLAN_EXIT.changes : PLAN_EXIT.noChanges;
}

/** One line per stack, then the total. */
export function summaryLines(outcomes: readonly StackOutcome[]): string[] {
  const lines = outcomes.map((o) => {
    if (o.status === "failed") return `${o.stack}: failed (${o.reason}; its output is above)`;
    // Terraform reports a change (exit 2) when only outputs change: say why there is one.
    const onlyOutputs = o.status === "changes" && o.outputsChange && Object.values(o.counts).every((n) => n === 0);
    return `${o.stack}: ${formatCounts(o.counts)}${onlyOutputs ? "; only outputs change" : ""}`;
  });
  const planned = outcomes.filter((o): o is Extract<StackOutcome, { counts: ChangeCounts }> => o.status !== "failed");
  const total = planned.reduce((sum, o) => addCounts(sum, o.counts), NO_CHANGES);
  const withChanges = planned.filter((o) => o.status === "changes").length;
  const failed = outcomes.length - planned.length;
  const stacks = `${outcomes.length} stack${outcomes.length === 1 ? "" : "s"}, ${withChanges} with changes${failed > 0 ? `, ${failed} failed` : ""}`;
  lines.push(`total: ${formatCounts(total)} (${stacks})`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Running Terraform

export interface ManifestStack {
  readonly name: string;
  /** The stack's folder, as the user would type it (`cdktf.out/stacks/mailgate-us-east-1`). */
  readonly shown: string;
  /** The folder, for this process. */
  readonly dir: string;
}

/** The stacks of `<terraformOut>/manifest.json`, in its order. */
export function readManifest(terraformOut: string, shownOut: string): ManifestStack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(terraformOut, "manifest.json"), "utf8")) as { stacks?: Record<string, { workingDirectory: string }> };
  return Object.entries(manifest.stacks ?? {}).map(([name, stack]) => ({
    name,
    shown: `${shownOut}/${stack.workingDirectory.split(path.sep).join("/")}`,
    dir: path.join(terraformOut, stack.workingDirectory),
  }));
}

export interface RunPlansOptions {
  /** The Terraform CLI, resolved (findExecutable). */
  readonly terraform: string;
  readonly env: NodeJS.ProcessEnv;
  readonly parallel: number;
  /** Let Terraform colour its output (a terminal, and no NO_COLOR). */
  readonly color: boolean;
}

interface Streams {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/**
 * Plans `stacks` with at most `parallel` at a time. Each stack's output is held until it ends and
 * printed whole, in the order given, so two stacks never interleave; then the summary. Resolves
 * to the exit code.
 */
export async function runPlans(stacks: readonly ManifestStack[], options: RunPlansOptions, io: Streams): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...options.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: options.env.TF_IN_AUTOMATION ?? "1" };
  // Terraform's plugin cache is not safe for concurrent inits: with one configured, inits take turns.
  const initsTakeTurns = (env.TF_PLUGIN_CACHE_DIR ?? "") !== "";
  let initTurn: Promise<unknown> = Promise.resolve();
  const init = (stack: ManifestStack, log: Output) => {
    const args = [`-chdir=${stack.dir}`, "init", "-input=false", ...(options.color ? [] : ["-no-color"])];
    if (!initsTakeTurns) return runTerraform(options.terraform, args, env, log);
    const run = initTurn.then(() => runTerraform(options.terraform, args, env, log));
    initTurn = run.catch(() => undefined);
    return run;
  };

  const outcomes: StackOutcome[] = new Array(stacks.length);
  const outputs: (Output | undefined)[] = new Array(stacks.length);
  let printed = 0;
  const flush = () => {
    while (printed < stacks.length && outputs[printed]) {
      io.stdout.write(outputs[printed]!.text());
      outputs[printed] = undefined; // printed: let it go (plans of big stacks are long)
      printed += 1;
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < stacks.length) {
      const index = next++;
      const log = new Output(`==> ${stacks[index].name} (${stacks[index].shown})\n`);
      outcomes[index] = await planStack(stacks[index], options, env, log, init);
      outputs[index] = log;
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, stacks.length)) }, worker));

  io.stdout.write(`\n${summaryLines(outcomes).join("\n")}\n`);
  const failed = outcomes.filter((o) => o.status === "failed");
  if (failed.length > 0) {
    io.stderr.write(`mailgate: terraform failed in ${failed.length === 1 ? "stack" : "stacks"} ${failed.map((o) => o.stack).join(", ")}; ${failed.length === 1 ? "its" : "their"} output is above\n`);
  }
  return overallExitCode(outcomes);
}

async function planStack(
  stack: ManifestStack,
  options: RunPlansOptions,
  env: NodeJS.ProcessEnv,
  log: Output,
  init: (stack: ManifestStack, log: Output) => Promise<Run>,
): Promise<StackOutcome> {
  const failed = (reason: string): StackOutcome => ({ stack: stack.name, status: "failed", reason });
  const noColor = options.color ? [] : ["-no-color"];
  // A plan file left by an earlier run must never pass for this one's.
  fs.rmSync(path.join(stack.dir, PLAN_FILE), { force: true });
  // Init's output is noise when it works (the same lines for every stack): shown when it fails.
  const initLog = new Output("");
  const initRun = await init(stack, initLog);
  if (initRun.code !== 0) {
    log.append(initLog.text());
    return failed(initRun.failure ?? `terraform init exited ${initRun.code}`);
  }
  const planRun = await runTerraform(options.terraform, [`-chdir=${stack.dir}`, "plan", "-input=false", "-detailed-exitcode", `-out=${PLAN_FILE}`, ...noColor], env, log);
  if (planRun.code !== PLAN_EXIT.noChanges && planRun.code !== PLAN_EXIT.changes) return failed(planRun.failure ?? `terraform plan exited ${planRun.code}`);
  const json = new Output("");
  const showRun = await runTerraform(options.terraform, [`-chdir=${stack.dir}`, "show", "-json", PLAN_FILE], env, log, json);
  if (showRun.code !== 0) return failed(showRun.failure ?? `terraform show -json exited ${showRun.code}`);
  let plan: PlanJson;
  try {
    plan = JSON.parse(json.text()) as PlanJson;
  } catch {
    return failed("terraform show -json printed no JSON");
  }
  return {
    stack: stack.name,
    status: planRun.code === PLAN_EXIT.changes ? "changes" : "no-changes",
    counts: countChanges(plan),
    outputsChange: changesOutputs(plan),
  };
}

/** A stack's output as it arrives, stdout and stderr in arrival order. */
class Output {
  private readonly chunks: Buffer[] = [];

  constructor(header: string) {
    if (header) this.chunks.push(Buffer.from(header));
  }

  append(chunk: Buffer | string): void {
    this.chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

interface Run {
  readonly code: number;
  /** Why it did not run or was killed, when it did not exit on its own. */
  readonly failure?: string;
}

/** Runs Terraform; stdout goes to `stdout` (JSON of show) or the log, stderr to the log. */
function runTerraform(terraform: string, args: readonly string[], env: NodeJS.ProcessEnv, log: Output, stdout: Output = log): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(terraform, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => stdout.append(chunk));
    child.stderr.on("data", (chunk: Buffer) => log.append(chunk));
    child.once("error", (error: NodeJS.ErrnoException) => resolve({ code: PLAN_EXIT.error, failure: `could not run ${terraform}: ${error.code ?? error.message}` }));
    child.once("close", (code, signal) => resolve(code === null ? { code: PLAN_EXIT.error, failure: `terraform ${args[1]} was ended by ${signal}` } : { code }));
  });
}

/**
 * The executable `name` stands for: itself when it has a directory part, else the first match on
 * PATH (with PATHEXT's extensions on Windows); undefined when there is none.
 */
export function findExecutable(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const extensions = process.platform === "win32" ? ["", ...(env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  const usable = (file: string) => {
    try {
      if (!fs.statSync(file).isFile()) return false;
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const candidates = name.includes("/") || name.includes(path.sep) ? [name] : (env.PATH ?? "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, name));
  for (const candidate of candidates) for (const ext of extensions) if (usable(candidate + ext)) return candidate + ext;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The command

export interface PlanIo extends Streams {
  readonly env: NodeJS.ProcessEnv;
  /** Where the user ran the command: relative paths they typed are relative to it. */
  readonly cwd: string;
}

/** The synth step: `mailgate synth` with these arguments, resolving to its exit code. Tests pass their own. */
export type Synth = (argv: readonly string[]) => Promise<number>;

const defaultSynth: Synth = async (argv) => (await import("../main")).synth(argv);

/** Stacks at a time by default: 2 to 4, as the CPUs allow (each plan runs its own AWS provider). */
export function defaultParallel(): number {
  return Math.min(4, Math.max(2, os.availableParallelism()));
}

export async function planCommand(argv: readonly string[], io: PlanIo, synth: Synth = defaultSynth): Promise<number> {
  const parsed = parseCommandLine(argv, {
    config: { type: "string" },
    out: { type: "string" },
    "terraform-out": { type: "string" },
    phase: { type: "string" },
    parallel: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if ("refused" in parsed) return usageError(io, parsed.refused);
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  let parallel = defaultParallel();
  if (values.parallel !== undefined) {
    parallel = Number(values.parallel);
    if (!/^\d+$/.test(values.parallel) || parallel < 1 || parallel > 64) return usageError(io, `--parallel needs a whole number from 1 to 64, got "${values.parallel}"`);
  }
  if (values.phase !== undefined && values.phase !== "expand" && values.phase !== "contract") {
    return usageError(io, `--phase must be expand or contract, got "${values.phase}"`);
  }
  // Before synth: without Terraform there is nothing to plan, and nothing needs writing.
  const binaryName = io.env.TERRAFORM_BINARY_NAME?.trim() || "terraform";
  const terraform = findExecutable(binaryName, io.env);
  if (!terraform) {
    const where = binaryName.includes("/") || binaryName.includes(path.sep) ? `at ${binaryName}` : "on PATH";
    io.stderr.write(`mailgate: no Terraform CLI (\`${binaryName}\`) ${where}: mailgate plan runs Terraform 1.5 or later; install it, or name it in TERRAFORM_BINARY_NAME\n`);
    return PLAN_EXIT.error;
  }

  const flags = (["config", "out", "terraform-out", "phase"] as const).flatMap((name) => (values[name] !== undefined ? [`--${name}`, values[name]!] : []));
  const synthCode = await synth(flags);
  if (synthCode !== EXIT.ok) return synthCode;

  const given = values["terraform-out"] ?? (io.env.CDKTF_OUTDIR?.trim() ? io.env.CDKTF_OUTDIR : undefined) ?? "cdktf.out";
  const terraformOut = fromUser(given, io.cwd);
  const stacks = readManifest(terraformOut, shownPath(given));
  const asked = [...new Set(positionals)];
  const unknown = asked.filter((name) => !stacks.some((s) => s.name === name));
  if (unknown.length > 0) {
    const known = stacks.map((s) => s.name);
    return usageError(
      io,
      `no stack ${unknown.map((n) => `"${n}"`).join(", ")} in ${shownPath(given)}/manifest.json; ${known.length > 0 ? `its stacks: ${known.join(", ")}` : "it has no stacks"}`,
    );
  }
  const chosen = asked.length > 0 ? stacks.filter((s) => asked.includes(s.name)) : stacks;
  if (chosen.length === 0) {
    io.stdout.write(`${shownPath(given)}/manifest.json has no stacks (no domain names an AWS firewall): nothing to plan.\n`);
    return PLAN_EXIT.noChanges;
  }
  const color = (io.stdout as { isTTY?: boolean }).isTTY === true && (io.env.NO_COLOR ?? "") === "";
  return runPlans(chosen, { terraform, env: io.env, parallel, color }, io);
}

/** `./out/` as `out`: the user's own path, tidied, with forward slashes. */
function shownPath(p: string): string {
  const tidy = path.normalize(p).split(path.sep).join("/");
  return tidy.length > 1 ? tidy.replace(/\/+$/, "") : tidy;
}

function usageError(io: Streams, problem: string): number {
  io.stderr.write(`mailgate: ${problem}\n(mailgate plan --help shows the usage)\n`);
  return EXIT.usage;
}
