import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { timedSync } from "./timings";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
/** What the npm scripts run TypeScript with (package.json: `node scripts/run-ts.cjs <entry>`). */
const RUN_TS = path.join(PROJECT_ROOT, "scripts", "run-ts.cjs");

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a TypeScript entry point of this project (main.ts, lib/cli.ts) the way npm scripts do:
 * `node scripts/run-ts.cjs <entry>`, under the Node that runs the tests. (e2e/synth.test.ts also
 * runs cdktf.json's `npx tsx main.ts`, as cdktf does.)
 */
export function runTs(entry: string, args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): RunResult {
  const result = timedSync(`runTs ${entry}`, () => spawnSync(process.execPath, [RUN_TS, path.join(PROJECT_ROOT, entry), ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    // CI=true (as .ci/run sets it) adds CI-only warnings; a test that wants them sets CI itself.
    env: { ...process.env, CHECKPOINT_DISABLE: "1", DEBUG: "", CI: "", ...options.env },
    encoding: "utf8",
    timeout: 120_000,
  }));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const made: string[] = [];

/** A new temporary directory, removed after the test file (see cleanup.ts). */
export function tempDir(prefix = "mailgate-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every directory `tempDir` made in this test file. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (relative path -> text) under a new temp directory and returns it. */
export function writeTree(files: Record<string, string>, root = tempDir()): string {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return root;
}

/** Every file under `dir` as relative path -> bytes (as latin1 text, for exact comparison). */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file).split(path.sep).join("/")] = fs.readFileSync(file, "latin1");
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
