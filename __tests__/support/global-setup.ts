/**
 * Vitest's global setup (vitest.config.mts): the run's shared scratch directory (run-dir.ts),
 * made before the first test file and removed after the last.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TestProject } from "vitest/node";

export default function setup(project: TestProject): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-run-"));
  project.provide("mailgateRunDir", dir);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
