import * as fs from "node:fs";
import * as path from "node:path";
import { OutputError } from "./exit-codes";
import { strayEntries } from "./owned";

/** File name (relative to the output directory) -> exact bytes to write. */
export type Artifacts = ReadonlyMap<string, string>;

/** How to stage: synth owns more of the artifacts directory than a command rewriting one file. */
export interface StageOptions {
  /**
   * Directories (relative to the output directory) that mailgate owns whole: files directly in
   * them that are not among the artifacts are removed by `commit`, after the renames (lib/io/owned.ts
   * says what is never removed). @default none: every other file is left alone
   */
  readonly ownedDirectories?: readonly string[];
}

/** Artifacts written to temporary files beside their final names, not yet visible. */
export interface StagedArtifacts {
  /** Files (relative, `/`-separated, sorted) that `commit` removes: no longer produced, in an owned directory. */
  readonly removed: readonly string[];
  /**
   * Renames every temporary file into place, then removes `removed`: the only step that changes
   * what readers see.
   */
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
export function writeArtifactsAtomically(outDir: string, artifacts: Artifacts, options: StageOptions = {}): void {
  stageArtifacts(outDir, artifacts, options).commit();
}

/**
 * The first half of `writeArtifactsAtomically`: everything that can fail for ordinary reasons
 * (a missing permission, a full disk, a file where a directory should be) happens here, so the
 * caller can do other work that may fail (synthesizing Terraform) before `commit`. A failure
 * throws `OutputError` and leaves nothing behind.
 */
export function stageArtifacts(outDir: string, artifacts: Artifacts, options: StageOptions = {}): StagedArtifacts {
  const staging = new Staging(outDir);
  try {
    for (const file of staging.plan(artifacts, options)) {
      // A failed write names its own file, not the last one planned.
      staging.current = file.final;
      writeTextSync(file.temporary, file.content);
    }
  } catch (error) {
    staging.abort();
    throw new OutputError(staging.current, error);
  }
  return staging.staged();
}

interface StagedFile {
  readonly temporary: string;
  readonly final: string;
  readonly content: string;
}

/** Temporary files beside their final names, and how to commit or remove them. */
class Staging {
  private readonly files: [temporary: string, final: string][] = [];
  /** Relative names of files no longer produced in an owned directory, removed at commit. */
  private removals: string[] = [];
  private created: string | undefined;
  /** The path being worked on, for an error message. */
  current: string;

  constructor(private readonly outDir: string) {
    this.current = outDir;
  }

  /**
   * Creates the directories and checks nothing is in the way; returns where each artifact goes
   * (temporary files are registered for `abort` before they are written). Finds what the commit
   * will remove, and checks it may: a refusal is found now, not after the renames.
   */
  plan(artifacts: Artifacts, options: StageOptions = {}): StagedFile[] {
    this.created = fs.mkdirSync(this.outDir, { recursive: true });
    const planned: StagedFile[] = [];
    for (const [name, content] of [...artifacts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const final = path.join(this.outDir, name);
      this.current = final;
      prepareRenameTarget(final);
      const temporary = `${final}.tmp-${process.pid}`;
      this.files.push([temporary, final]);
      planned.push({ temporary, final, content });
    }
    this.removals = strayEntries(this.outDir, options.ownedDirectories ?? [], artifacts.keys())
      .filter((entry) => entry.kept === undefined)
      .map((entry) => entry.name);
    for (const dir of new Set(this.removals.map((name) => path.dirname(path.join(this.outDir, name))))) {
      this.current = dir;
      fs.accessSync(dir, fs.constants.W_OK);
    }
    return planned;
  }

  abort(): void {
    // Best effort, and never throwing: abort runs while another error is being reported, and a
    // temporary name can be held by something that is not ours (a directory) that we leave alone.
    for (const [temporary] of this.files) {
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // not ours to remove
      }
    }
    this.files.length = 0;
    if (this.created) fs.rmSync(this.created, { recursive: true, force: true });
    this.created = undefined;
  }

  staged(): StagedArtifacts {
    const files = this.files;
    const outDir = this.outDir;
    const removals = this.removals;
    return {
      removed: [...removals],
      commit() {
        for (const [i, [temporary, final]] of files.entries()) {
          try {
            fs.renameSync(temporary, final);
          } catch (error) {
            for (const [left] of files.slice(i)) fs.rmSync(left, { force: true });
            files.length = 0;
            throw new OutputError(final, error);
          }
        }
        files.length = 0;
        for (const name of removals) {
          const file = path.join(outDir, name);
          try {
            // Not recursive: only files and links were planned; a directory that appeared since is left.
            fs.rmSync(file, { force: true });
          } catch (error) {
            throw new OutputError(file, error, "the new artifacts are in place; remove it by hand");
          }
        }
      },
      abort: () => this.abort(),
    };
  }
}

/** A directory to write a whole tree into, whose files `commit` moves into the final directory. */
export interface StagedDirectory {
  /** Where to write (a fresh directory beside the final one: same filesystem, so renames). */
  readonly dir: string;
  /**
   * Moves every file written under `dir` to the same place under the final directory, keeping
   * files already there that were not rewritten (cdktf keeps `.terraform/` in a stack's folder).
   * Everything that can fail for ordinary reasons (a directory where a file goes, a file where a
   * directory goes) is found before the first rename, and throws `OutputError` with nothing moved.
   * Then removes the folders `pruneUnder` names that this tree no longer has.
   */
  commit(): void;
  /** Removes `dir` and everything in it. */
  abort(): void;
}

export interface StageDirectoryOptions {
  /**
   * A folder of the final directory (`stacks`) whose subfolders are each the whole output of one
   * thing: after the renames, a subfolder the staged tree does not have is removed with all it
   * holds (a stack no longer in the manifest, with its `.terraform/`), as `cdktf synth` does.
   * @default none: nothing is removed
   */
  readonly pruneUnder?: string;
}

/**
 * A staging directory for `finalDir` (cdktf's output: the stacks and the manifest), so that a
 * synthesis that fails halfway leaves the previous output whole. Throws `OutputError` if the
 * parent of `finalDir` cannot hold it.
 */
export function stageDirectory(finalDir: string, options: StageDirectoryOptions = {}): StagedDirectory {
  const parent = path.dirname(path.resolve(finalDir));
  let dir: string;
  try {
    // Like `cdktf synth --output a/b`: a missing parent is made (empty, if the synth then fails).
    fs.mkdirSync(parent, { recursive: true });
    dir = fs.mkdtempSync(path.join(parent, `.${path.basename(finalDir)}.staging-`));
  } catch (error) {
    throw new OutputError(finalDir, error);
  }
  const abort = () => fs.rmSync(dir, { recursive: true, force: true });
  return {
    dir,
    abort,
    commit() {
      const moves = filesUnder(dir).map((relative) => [path.join(dir, relative), path.join(finalDir, relative)] as const);
      let current = finalDir;
      try {
        for (const [, final] of moves) {
          current = final;
          prepareRenameTarget(final);
        }
      } catch (error) {
        abort();
        throw new OutputError(current, error);
      }
      for (const [i, [staged, final]] of moves.entries()) {
        try {
          fs.renameSync(staged, final);
        } catch (error) {
          abort();
          throw new OutputError(final, error, i === 0 ? "earlier outputs are unchanged" : `${finalDir} is partly rewritten: synthesize again once this is fixed`);
        }
      }
      const gone = options.pruneUnder === undefined ? [] : foldersGone(dir, finalDir, options.pruneUnder);
      for (const [i, folder] of gone.entries()) {
        try {
          // Into the staging directory, which is removed as a whole: one rename per folder here.
          fs.renameSync(path.join(finalDir, folder), path.join(dir, `pruned-${i}`));
        } catch (error) {
          abort();
          throw new OutputError(path.join(finalDir, folder), error, `${finalDir} is rewritten but this folder is left: remove it by hand and synthesize again`);
        }
      }
      abort();
    },
  };
}

/** Subfolders of `finalDir/under` that `stagedDir/under` does not have, as relative paths. */
function foldersGone(stagedDir: string, finalDir: string, under: string): string[] {
  const listing = (dir: string) => fs.readdirSync(path.join(dir, under), { withFileTypes: true }).filter((e) => e.isDirectory() || e.isSymbolicLink());
  let existing: fs.Dirent[];
  try {
    existing = listing(finalDir);
  } catch {
    return [];
  }
  const kept = new Set(fs.existsSync(path.join(stagedDir, under)) ? listing(stagedDir).map((e) => e.name) : []);
  return existing.filter((e) => !kept.has(e.name)).map((e) => path.join(under, e.name));
}

/**
 * Makes `final`'s directory and checks nothing that rename() cannot replace (a directory) is
 * there: found now, not halfway through the renames.
 */
function prepareRenameTarget(final: string): void {
  fs.mkdirSync(path.dirname(final), { recursive: true });
  if (fs.statSync(final, { throwIfNoEntry: false })?.isDirectory()) {
    throw Object.assign(new Error(`EISDIR: a directory is in the way of ${final}`), { code: "EISDIR" });
  }
}

/**
 * Every file under `dir`, relative to it, in the order renames happen: deepest first, so an index
 * at the top (cdktf's manifest.json, naming the stacks) moves last, after what it points to.
 */
function filesUnder(dir: string): string[] {
  const files: string[] = [];
  const walk = (prefix: string) => {
    for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
      const relative = path.join(prefix, entry.name);
      if (entry.isDirectory()) walk(relative);
      else files.push(relative);
    }
  };
  walk("");
  const depth = (file: string) => file.split(path.sep).length;
  return files.sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * One buffer, reused by every write. At 10,000 domains the artifacts are 18 MB: copying each
 * file into fresh memory (`Buffer.from`, as `fs.writeFile` of a string does) cost more than the
 * writes, on this page-fault-heavy VM some 3.5 ms per MB, and the external memory made V8 collect
 * sooner. Through one warm buffer, synth took 0.2 s less (scripts/bench, 10,000 domains).
 */
let chunk: Buffer | undefined;
const CHUNK_BYTES = 1 << 20;

/**
 * Writes `text` as UTF-8 to `file` (created or truncated). An ASCII text (every artifact in
 * practice: UTF-8 takes more bytes than characters for anything past U+007F, so equal counts mean
 * ASCII) goes through the reused buffer a megabyte at a time, encoded as Latin-1, which for ASCII
 * is the same bytes; any other text through Node's UTF-8 encoder at once.
 */
export function writeTextSync(file: string, text: string): void {
  if (Buffer.byteLength(text, "utf8") !== text.length) {
    fs.writeFileSync(file, text, "utf8");
    return;
  }
  chunk ??= Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = fs.openSync(file, "w");
  try {
    for (let at = 0; at < text.length; at += CHUNK_BYTES) {
      const length = chunk.write(text.slice(at, at + CHUNK_BYTES), 0, "latin1");
      for (let done = 0; done < length; ) done += fs.writeSync(fd, chunk, done, length - done);
    }
  } finally {
    fs.closeSync(fd);
  }
}
