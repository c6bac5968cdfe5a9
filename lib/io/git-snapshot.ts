import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LIMITS } from "../config/files";

/** A config directory as it was at a git ref, copied to a temporary directory. */
export type GitConfig =
  | {
      readonly ok: true;
      /** Temporary directory holding the files; remove with `cleanup`. */
      readonly dir: string;
      /** How to show the files to the user: `<ref>:<path in repo>`, what `git show` accepts. */
      readonly label: string;
      readonly cleanup: () => void;
    }
  | {
      readonly ok: false;
      /** `usage`: the ref or the repository is wrong (exit 2); `config`: no config there (exit 1). */
      readonly kind: "usage" | "config";
      readonly message: string;
    };

/**
 * Copies `configDir` (relative to `cwd`, inside the repository that contains `cwd`) as it was
 * at `ref` into a temporary directory. Reads blobs with `git cat-file`, so nothing in the
 * working tree or index changes. `cwd` is explicit so tests can use their own repository.
 * A blob over the loader's per-file limit is not read at all: it becomes a sparse file of its
 * size, which the loader refuses (FILE_TOO_LARGE) by its size alone, as it would on disk.
 */
export function configAtGitRef(ref: string, configDir: string, cwd: string): GitConfig {
  const git = (args: string[]) => execFileSync("git", args, { cwd, encoding: "buffer", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 << 20 });
  let top: string;
  try {
    top = git(["rev-parse", "--show-toplevel"]).toString("utf8").trim();
  } catch (error) {
    return { ok: false, kind: "usage", message: `cannot read git:${ref}: ${cwd} is not inside a git repository (${gitMessage(error)})` };
  }
  // A ref starting with "-" would be read as an option.
  let commit: string | undefined;
  if (ref !== "" && !ref.startsWith("-")) {
    try {
      commit = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).toString("utf8").trim();
    } catch {
      commit = undefined;
    }
  }
  if (!commit) return { ok: false, kind: "usage", message: `unknown git ref "${ref}": no commit by that name in ${top}` };

  const inRepo = path.relative(fs.realpathSync(top), path.resolve(fs.realpathSync(cwd), configDir)).split(path.sep).join("/");
  if (inRepo.startsWith("..") || path.isAbsolute(inRepo)) {
    return { ok: false, kind: "usage", message: `cannot read git:${ref}: the config directory ${configDir} is outside the repository ${top}` };
  }
  const treePath = inRepo === "" ? "" : inRepo;
  const label = `${ref}:${treePath}`;
  let listing: Buffer;
  try {
    listing = git(["ls-tree", "-r", "-l", "-z", `${commit}:${treePath}`]);
  } catch {
    return { ok: false, kind: "config", message: `${label}: there is no config directory ${treePath || "."} at git ref ${ref}` };
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-git-"));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    for (const entry of listing.toString("utf8").split("\0")) {
      const match = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t(.+)$/s.exec(entry);
      // Only regular files: symlinks and submodules could point outside the snapshot.
      if (!match || match[2] !== "blob" || match[1] === "120000") continue;
      const file = path.join(dir, ...match[5].split("/"));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const size = Number(match[4]);
      if (size > LIMITS.maxFileBytes) {
        fs.writeFileSync(file, "");
        fs.truncateSync(file, size);
      } else {
        fs.writeFileSync(file, git(["cat-file", "blob", match[3]]));
      }
    }
  } catch (error) {
    cleanup();
    throw error;
  }
  return { ok: true, dir, label, cleanup };
}

function gitMessage(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString("utf8").trim();
  return stderr || (error as Error).message;
}
