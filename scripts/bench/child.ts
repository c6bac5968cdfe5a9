// Runs a project entry point the way cdktf and npm scripts do (`tsx <entry>`, or any command)
// and measures it: wall time, plus peak RSS and CPU time reported by each Node process through
// usage-preload.cjs.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const PRELOAD = path.join(__dirname, "usage-preload.cjs");

export interface ChildRun {
  readonly status: number | null;
  readonly ms: number;
  /** Peak RSS of the largest Node process of the run (tsx runs the entry in a child), in kB. */
  readonly peakRssKb: number | undefined;
  /**
   * CPU time (user + system) of the run's Node processes, in ms: far less sensitive than wall
   * time to other work on the machine.
   */
  readonly cpuMs: number | undefined;
  readonly stderr: string;
}

/**
 * How an entry point is started: `tsx <entry>` as cdktf.json does; `node --require tsx/cjs
 * <entry>`, which skips tsx's wrapper process and ESM loader thread (~0.6 s less start-up on the
 * 2-core CI machines; fine for this CommonJS project); or `node scripts/run-ts.cjs <entry>`,
 * which runs JavaScript compiled once per source version (the CLI's npm scripts).
 */
export type Runner = "tsx" | "cjs" | "run-ts";

/** The runner an npm script's command line uses (`node --require tsx/cjs lib/cli.ts validate`). */
export function runnerOfScript(script: string): Runner {
  if (/^node scripts\/run-ts\.cjs /.test(script)) return "run-ts";
  if (script.startsWith("node --require tsx/cjs ")) return "cjs";
  return "tsx";
}

/** `root`: the checkout to run (another one, for a before/after comparison in one run). */
export function runEntry(entry: string, args: readonly string[], env: Record<string, string>, runner: Runner = "tsx", root: string = PROJECT_ROOT): ChildRun {
  const usageDir = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-bench-usage-"));
  try {
    const [command, prefix] =
      runner === "tsx"
        ? [path.join(root, "node_modules", ".bin", "tsx"), []]
        : runner === "cjs"
          ? [process.execPath, ["--require", "tsx/cjs"]]
          : [process.execPath, [path.join(root, "scripts", "run-ts.cjs")]];
    return measured(command, [...prefix, path.join(root, entry), ...args], env, usageDir, root);
  } finally {
    fs.rmSync(usageDir, { recursive: true, force: true });
  }
}

/** Any command (`npm run validate`), measured like an entry point, in `cwd`. */
export function runCommand(command: string, args: readonly string[], env: Record<string, string>, cwd: string = PROJECT_ROOT): ChildRun {
  const usageDir = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-bench-usage-"));
  try {
    return measured(command, args, env, usageDir, cwd);
  } finally {
    fs.rmSync(usageDir, { recursive: true, force: true });
  }
}

function measured(command: string, args: readonly string[], env: Record<string, string>, usageDir: string, cwd: string): ChildRun {
  const nodeOptions = [process.env.NODE_OPTIONS ?? "", `--require "${PRELOAD}"`].join(" ").trim();
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", DEBUG: "", ...env, NODE_OPTIONS: nodeOptions, BENCH_USAGE_DIR: usageDir },
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
    timeout: 15 * 60_000,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const figures = fs
    .readdirSync(usageDir)
    .map((f) => JSON.parse(fs.readFileSync(path.join(usageDir, f), "utf8")) as { maxRssKb: number; cpuUs: number });
  const peakRssKb = figures.length > 0 ? Math.max(...figures.map((f) => f.maxRssKb)) : undefined;
  // Every Node process of the run (npm, tsx's wrapper), each with all its threads.
  const cpuMs = figures.length > 0 ? figures.reduce((sum, f) => sum + f.cpuUs, 0) / 1000 : undefined;
  return { status: result.status, ms, peakRssKb, cpuMs, stderr: result.error ? String(result.error) : result.stderr };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
