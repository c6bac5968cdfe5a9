/**
 * Where a test file's time goes, for the suite's own measurements (issue 23): with
 * MAILGATE_TEST_TIMINGS=<file>, every timed step (each Terraform command, each synth process)
 * appends one JSON line `{ file, step, ms, at }` to that file; without it, nothing is written.
 * `node scripts/test-timings.cjs <file>` sums the lines per file and per step.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

const OUT = process.env.MAILGATE_TEST_TIMINGS;

function currentFile(): string {
  try {
    const file = expect.getState().testPath;
    if (file) return path.relative(PROJECT_ROOT, file);
  } catch {
    // Outside a test (a hook of another runner): no file to name.
  }
  return "?";
}

/** Records how long `step` took, if timings are asked for. */
export function recordTiming(step: string, startedAt: number, file = currentFile()): void {
  if (!OUT) return;
  const ms = Math.round(performance.now() - startedAt);
  fs.appendFileSync(OUT, `${JSON.stringify({ file, step, ms, at: new Date().toISOString() })}\n`);
}

/** `fn`, timed as `step` (when MAILGATE_TEST_TIMINGS is set). */
export async function timed<T>(step: string, fn: () => Promise<T>): Promise<T> {
  if (!OUT) return fn();
  const file = currentFile();
  const start = performance.now();
  try {
    return await fn();
  } finally {
    recordTiming(step, start, file);
  }
}

/** `fn`, timed as `step`, synchronously. */
export function timedSync<T>(step: string, fn: () => T): T {
  if (!OUT) return fn();
  const file = currentFile();
  const start = performance.now();
  try {
    return fn();
  } finally {
    recordTiming(step, start, file);
  }
}

/** Records the CPU time (user + system) a process and its descendants have used so far, from /proc (Linux). */
export function recordCpu(step: string, pid: number): void {
  if (!OUT) return;
  const ticks = (p: number): number => {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const own = Number(fields[11]) + Number(fields[12]);
      const children = fs.readFileSync(`/proc/${p}/task/${p}/children`, "utf8").split(" ").filter(Boolean).map(Number);
      return own + children.reduce((n, c) => n + ticks(c), 0);
    } catch {
      return 0;
    }
  };
  fs.appendFileSync(OUT, `${JSON.stringify({ file: currentFile(), step, ms: ticks(pid) * 10, at: new Date().toISOString() })}\n`);
}
