import * as fs from "node:fs";
import * as path from "node:path";
import { strayEntries, type StrayEntry } from "./owned";
import type { Artifacts } from "./write-atomic";

/** How the artifacts directory compares with a fresh rendering. Names sorted. */
export interface Freshness {
  /** Files mailgate produces that are not there. */
  readonly missing: readonly string[];
  /** Files that are there with other bytes (or are not files). */
  readonly stale: readonly string[];
  readonly fresh: readonly string[];
  /** What is in a directory mailgate owns (`firewalls/`) that it does not produce: synth removes the files. */
  readonly extra: readonly StrayEntry[];
}

/**
 * Compares, byte for byte, each artifact with the file of that name in `outDir`. Files mailgate
 * does not produce are ignored (teams keep other things next to the artifacts), except in the
 * directories it owns (`owned`, as synth is told): there they are extra, as synth would remove them.
 */
export function compareWithDisk(outDir: string, artifacts: Artifacts, owned: readonly string[] = []): Freshness {
  const missing: string[] = [];
  const stale: string[] = [];
  const fresh: string[] = [];
  for (const [name, content] of [...artifacts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    let onDisk: Buffer;
    try {
      onDisk = fs.readFileSync(path.join(outDir, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") missing.push(name);
      else if (code === "EISDIR") stale.push(name);
      else throw error;
      continue;
    }
    (onDisk.equals(Buffer.from(content, "utf8")) ? fresh : stale).push(name);
  }
  return { missing, stale, fresh, extra: strayEntries(outDir, owned, artifacts.keys()) };
}
