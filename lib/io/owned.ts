import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Directories of the artifacts directory that mailgate owns whole (`firewalls/`): what is in them
 * and not produced by this rendering was left by an earlier synth (a removed target's list that a
 * CI would keep publishing), so synth removes it and `check` reports it. Everywhere else in the
 * artifacts directory, files mailgate does not produce are the team's and are ignored.
 */
export interface StrayEntry {
  /** `/`-separated, relative to the artifacts directory (`firewalls/old.nft`). */
  readonly name: string;
  /**
   * Undefined: a file (or a symbolic link) synth removes. Otherwise why synth leaves it, as a
   * clause ("a directory"): mailgate never deletes a directory, nor anything through a link.
   */
  readonly kept?: string;
}

/**
 * Entries directly inside each owned directory of `outDir` that `produced` (artifact names) does
 * not name, sorted. A missing owned directory has none.
 */
export function strayEntries(outDir: string, owned: readonly string[], produced: Iterable<string>): StrayEntry[] {
  const names = new Set(produced);
  const found: StrayEntry[] = [];
  for (const dir of owned) {
    const stat = fs.lstatSync(path.join(outDir, dir), { throwIfNoEntry: false });
    if (!stat) continue;
    // A link to a directory elsewhere may be shared with files that are not mailgate's at all.
    const throughLink = stat.isSymbolicLink();
    if (!throughLink && !stat.isDirectory()) {
      found.push({ name: dir, kept: `${kindOf(stat)} where mailgate's directory goes` });
      continue;
    }
    if (throughLink && !fs.statSync(path.join(outDir, dir), { throwIfNoEntry: false })?.isDirectory()) continue;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(outDir, dir), { withFileTypes: true });
    } catch (error) {
      found.push({ name: dir, kept: `a directory mailgate cannot list (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
      continue;
    }
    for (const entry of entries) {
      const name = `${dir}/${entry.name}`;
      if (names.has(name)) continue;
      const removable = entry.isFile() || entry.isSymbolicLink();
      if (throughLink) found.push({ name, kept: `behind the symbolic link ${dir}` });
      else found.push(removable ? { name } : { name, kept: kindOf(entry) });
    }
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function kindOf(entry: fs.Dirent | fs.Stats): string {
  if (entry.isDirectory()) return "a directory";
  if (entry.isFIFO()) return "a named pipe";
  if (entry.isSocket()) return "a socket";
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return "a device";
  if (entry.isFile()) return "a file";
  return "not a regular file";
}
