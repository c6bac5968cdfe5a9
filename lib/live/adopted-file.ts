import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The file `mailgate adopt` writes in the artifacts directory, in a module of its own: `validate`,
 * `check` and synth look for it before loading the reader (lib/live/adopted.ts, and every kind's live
 * part with it), which is never loaded when the file is absent, the usual case.
 */
export const ADOPTED_FILE = "adopted.json";

/**
 * False only when nothing is at `<outDir>/adopted.json` (ENOENT, ENOTDIR), as readAdopted reads
 * that; anything else (a file, a damaged one, a directory) is the reader's to judge.
 */
export function adoptedFileMayExist(outDir: string): boolean {
  try {
    fs.lstatSync(path.join(outDir, ADOPTED_FILE));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== "ENOENT" && code !== "ENOTDIR";
  }
}
