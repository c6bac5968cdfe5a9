import * as fs from "node:fs";
import * as path from "node:path";
import { OutputError } from "../report-errors";

/** File name (relative to the output directory) -> exact bytes to write. */
export type Artifacts = ReadonlyMap<string, string>;

/** Artifacts written to temporary files beside their final names, not yet visible. */
export interface StagedArtifacts {
  /** Renames every temporary file into place: the only step that changes what readers see. */
  commit(): void;
  /** Removes the temporary files (and the output directory, if staging created it). */
  abort(): void;
}

/**
 * Writes every artifact so that a reader never sees a half-written file: each goes to a
 * temporary file in the same directory (same filesystem, so rename is atomic) and is renamed
 * into place only after all of them were written. A failure before the renames leaves every
 * earlier output as it was.
 */
export function writeArtifactsAtomically(outDir: string, artifacts: Artifacts): void {
  stageArtifacts(outDir, artifacts).commit();
}

/**
 * The first half of `writeArtifactsAtomically`: everything that can fail for ordinary reasons
 * (a missing permission, a full disk, a file where a directory should be) happens here, so the
 * caller can do other work that may fail (synthesizing Terraform) before `commit`. A failure
 * throws `OutputError` and leaves nothing behind.
 */
export function stageArtifacts(outDir: string, artifacts: Artifacts): StagedArtifacts {
  const staged: [temporary: string, final: string][] = [];
  let created: string | undefined;
  const abort = () => {
    for (const [temporary] of staged) fs.rmSync(temporary, { force: true });
    staged.length = 0;
    if (created) fs.rmSync(created, { recursive: true, force: true });
    created = undefined;
  };
  let current = outDir;
  try {
    created = fs.mkdirSync(outDir, { recursive: true });
    for (const [name, content] of [...artifacts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const final = path.join(outDir, name);
      current = final;
      fs.mkdirSync(path.dirname(final), { recursive: true });
      // rename() cannot replace a directory: find that now, not halfway through the renames.
      if (fs.statSync(final, { throwIfNoEntry: false })?.isDirectory()) {
        throw Object.assign(new Error(`EISDIR: a directory is in the way of ${final}`), { code: "EISDIR" });
      }
      const temporary = `${final}.tmp-${process.pid}`;
      staged.push([temporary, final]);
      fs.writeFileSync(temporary, content);
    }
  } catch (error) {
    abort();
    throw new OutputError(current, error);
  }
  return {
    commit() {
      for (const [i, [temporary, final]] of staged.entries()) {
        try {
          fs.renameSync(temporary, final);
        } catch (error) {
          for (const [left] of staged.slice(i)) fs.rmSync(left, { force: true });
          staged.length = 0;
          throw new OutputError(final, error);
        }
      }
      staged.length = 0;
    },
    abort,
  };
}
