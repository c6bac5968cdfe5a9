import * as fs from "node:fs";
import * as path from "node:path";

/** File name (relative to the output directory) -> exact bytes to write. */
export type Artifacts = ReadonlyMap<string, string>;

/**
 * Writes every artifact so that a reader never sees a half-written file: each goes to a
 * temporary file in the same directory (same filesystem, so rename is atomic) and is renamed
 * into place only after all of them were written. A failure before the renames leaves every
 * earlier output as it was.
 */
export function writeArtifactsAtomically(outDir: string, artifacts: Artifacts): void {
  fs.mkdirSync(outDir, { recursive: true });
  const staged: [temporary: string, final: string][] = [];
  try {
    for (const [name, content] of [...artifacts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const final = path.join(outDir, name);
      fs.mkdirSync(path.dirname(final), { recursive: true });
      const temporary = `${final}.tmp-${process.pid}`;
      fs.writeFileSync(temporary, content);
      staged.push([temporary, final]);
    }
  } catch (error) {
    for (const [temporary] of staged) fs.rmSync(temporary, { force: true });
    throw error;
  }
  for (const [temporary, final] of staged) fs.renameSync(temporary, final);
}
