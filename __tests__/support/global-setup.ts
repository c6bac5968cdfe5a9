/**
 * Vitest's global setup (vitest.config.mts): the run's shared scratch directory (run-dir.ts),
 * made before the first test file and removed after the last.
 *
 * The test processes' temporary directory is inside it too (TMPDIR, which os.tmpdir() reads and
 * the workers and every process they start inherit): cdktf's `Testing.app()` makes a
 * `cdktf.outdir.*` directory there for each app and never removes it (a run left ~1,000 in /tmp),
 * and anything else a library leaves behind goes with the run directory.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TestProject } from "vitest/node";

export default function setup(project: TestProject): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-run-"));
  project.provide("mailgateRunDir", dir);
  const tmp = path.join(dir, "tmp");
  fs.mkdirSync(tmp);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
