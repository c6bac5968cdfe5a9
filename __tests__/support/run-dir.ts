/**
 * One scratch directory per `vitest run`, shared by the processes of every test file: the global
 * setup (global-setup.ts) makes it and removes it when the run ends. Work that gives the same
 * answer in every file, such as a Terraform plan of the same stack and state, is done once per
 * run and read by the others (onceInRun). Run without that setup (another vitest config), each
 * process gets a directory of its own, removed when it exits, and shares nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's shared scratch directory (global-setup.ts). */
    mailgateRunDir: string;
  }
}

let own: string | undefined;

/** The run's shared scratch directory. */
export function runDir(): string {
  let provided: string | undefined;
  try {
    provided = inject("mailgateRunDir");
  } catch {
    provided = undefined;
  }
  if (provided && fs.existsSync(provided)) return provided;
  if (!own) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-run-"));
    own = dir;
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return own;
}

const POLL_MS = 50;

/**
 * The text `compute` resolves to, computed once per run for `key` (a file name) within `kind` (a
 * folder): the first process to ask computes it while the others wait, then all read the same
 * text. A failed computation is not kept: each waiting process then computes it itself, and
 * fails the same way with its own error. A process that died while computing (its pid gone) or a
 * wait longer than `waitMs` makes the waiter compute it itself.
 */
export async function onceInRun(kind: string, key: string, compute: () => Promise<string>, waitMs = 600_000): Promise<{ text: string; computed: boolean }> {
  const dir = path.join(runDir(), kind);
  fs.mkdirSync(dir, { recursive: true });
  const result = path.join(dir, `${key}.out`);
  const lock = path.join(dir, `${key}.lock`);
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (fs.existsSync(result)) return { text: fs.readFileSync(result, "utf8"), computed: false };
    if (take(lock) || Date.now() > deadline) {
      try {
        const text = await compute();
        const temporary = `${result}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, text);
        fs.renameSync(temporary, result);
        return { text, computed: true };
      } finally {
        fs.rmSync(lock, { recursive: true, force: true });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Takes the lock (a directory holding the taker's pid), or frees one whose process is gone. */
function take(lock: string): boolean {
  try {
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  let holder: number | undefined;
  try {
    holder = Number(fs.readFileSync(path.join(lock, "pid"), "utf8"));
  } catch {
    return false; // Taken a moment ago: its pid is being written.
  }
  if (holder && !alive(holder)) fs.rmSync(lock, { recursive: true, force: true });
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
