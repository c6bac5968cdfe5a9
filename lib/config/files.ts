import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Config files under `dir`: every `*.yaml` / `*.yml`, recursively, as `/`-separated paths
 * relative to `dir`, in plain code-unit order (not locale order, which differs between
 * machines). Dotfiles and dot-directories are skipped: editors and tools keep state there.
 * Undefined when `dir` is not a directory.
 */
export function findConfigFiles(dir: string): string[] | undefined {
  if (!isDirectory(dir)) return undefined;
  const found: string[] = [];
  const visit = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      // Symlinked directories are not followed, so a link cycle cannot loop forever.
      if (entry.isDirectory()) visit(child);
      else if (/\.ya?ml$/.test(entry.name) && isFile(path.join(dir, child))) found.push(child);
    }
  };
  visit("");
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The path shown in diagnostics: as the user named the directory, with forward slashes. */
export function displayPath(dir: string, relative: string): string {
  return path.join(dir, relative).split(path.sep).join("/");
}

/** The file's text, or why it cannot be read. A byte-order mark is dropped so columns stay right. */
export function readConfigFile(file: string): { text: string } | { reason: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    return { reason: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { reason: "it is not valid UTF-8" };
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
