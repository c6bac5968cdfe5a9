/**
 * Synthesizing for the Terraform tier: main.ts in a process of its own, as `npm run synth` runs it
 * (`node scripts/run-ts.cjs main.ts`: the TypeScript compiled once per version of each file, not
 * at every start as `tsx` does; e2e/synth.test.ts runs cdktf.json's own `npx tsx main.ts`).
 * Settings come from the environment, as cdktf passes them: MAILGATE_CONFIG, MAILGATE_OUT,
 * CDKTF_OUTDIR, MAILGATE_PHASE.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../run";
import { recordTiming, timedSync } from "../timings";

export interface SynthSettings {
  readonly config: string;
  readonly out: string;
  readonly terraformOut: string;
  /** @default "contract" */
  readonly phase?: "expand" | "contract";
}

export interface SynthRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const RUN_TS = path.join(PROJECT_ROOT, "scripts", "run-ts.cjs");
const MAIN = path.join(PROJECT_ROOT, "main.ts");
const TIMEOUT_MS = 120_000;

function synthEnv(settings: SynthSettings): NodeJS.ProcessEnv {
  // CI=true (as .ci/run sets it) adds CI-only warnings; DEBUG as a user's shell has it.
  return {
    ...process.env,
    CI: "",
    CHECKPOINT_DISABLE: "1",
    DEBUG: "",
    MAILGATE_CONFIG: settings.config,
    MAILGATE_OUT: settings.out,
    CDKTF_OUTDIR: settings.terraformOut,
    MAILGATE_PHASE: settings.phase === "expand" ? "expand" : "",
  };
}

/** The cdktf app, in a child process; resolves when it exits. */
export function synthProcess(settings: SynthSettings): Promise<SynthRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_TS, MAIN], { cwd: PROJECT_ROOT, env: synthEnv(settings), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill(), TIMEOUT_MS);
    child.once("error", reject);
    child.once("close", (status) => {
      clearTimeout(timer);
      recordTiming(`synth ${settings.phase ?? "contract"} (run-ts main.ts)`, started);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The cdktf app, in a child process, synchronously. */
export function synthProcessSync(settings: SynthSettings): SynthRun {
  const run = timedSync(`synth ${settings.phase ?? "contract"} (run-ts main.ts)`, () =>
    spawnSync(process.execPath, [RUN_TS, MAIN], { cwd: PROJECT_ROOT, env: synthEnv(settings), encoding: "utf8", timeout: TIMEOUT_MS }),
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** manifest.json's stacks, by name, as `cdk.tf.json` text exactly as written, in name order. */
export function readStacks(terraformOut: string): Map<string, string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(terraformOut, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return new Map(
    Object.entries(manifest.stacks)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, stack]) => [name, fs.readFileSync(path.join(terraformOut, stack.synthesizedStackPath), "utf8")]),
  );
}

/**
 * Synthesizes a config directory into a temporary directory that is removed before this
 * returns; every stack of manifest.json as parsed `cdk.tf.json`, by stack name. Throws with
 * mailgate's output when synth fails.
 */
export function synthStacks(configDir: string): Record<string, unknown> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-tf-synth-"));
  try {
    const terraformOut = path.join(work, "cdktf.out");
    const run = synthProcessSync({ config: configDir, out: path.join(work, "generated"), terraformOut });
    if (run.status !== 0) throw new Error(`synth of ${configDir} exited ${run.status}:\n${run.stderr}${run.stdout}`);
    return Object.fromEntries([...readStacks(terraformOut)].map(([name, text]) => [name, JSON.parse(text) as unknown]));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
