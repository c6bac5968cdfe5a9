import * as fs from "node:fs";
import * as path from "node:path";
import type { SkippedFileReason } from "./messages";

/**
 * Hard limits on what the loader reads (README, Limits). Config arrives through pull requests
 * from many people, so a file must not be able to make mailgate hang or run out of memory: the
 * size is checked on the open file before reading it, and a read stops at the limit whatever
 * the file claims. The texts of all files are held at once, which the total limit bounds.
 *
 * A domain takes ~200 bytes of YAML, so one file holds ~5,000 domains and the config ~40,000
 * (the largest expected is 10,000, ~2 MiB). On dense nonsense (`[a,a,a,...]`) the YAML
 * parser is several times slower per byte than on a config, which `YAML_LIMITS.maxValues`
 * (read-yaml.ts) cuts short.
 */
export const LIMITS = {
  /** Per file. */
  maxFileBytes: 1024 * 1024,
  /** All files together. */
  maxTotalBytes: 8 * 1024 * 1024,
} as const;

/** Why an entry that looks like a config file is not read (a warning: the user may not know). */
export type SkipReason = SkippedFileReason;

export interface FoundFiles {
  /** `/`-separated paths relative to the config directory, in code-unit order. */
  readonly files: readonly string[];
  /** Entries named like config files (or symlinked directories) that are not read, and why. */
  readonly skipped: readonly { readonly relative: string; readonly reason: SkipReason }[];
  /** Directories that could not be listed (an error: files in them may be missing). */
  readonly unreadable: readonly { readonly relative: string; readonly reason: string }[];
}

/**
 * Config files under `dir`: every `*.yaml` / `*.yml`, recursively, as `/`-separated paths
 * relative to `dir`, in plain code-unit order (not locale order, which differs between
 * machines). Dotfiles and dot-directories are skipped: editors and tools keep state there.
 * Undefined when `dir` is not a directory.
 *
 * Only regular files are read. A FIFO would block the read forever and a device never ends, so
 * they are skipped with a warning. Symlinked directories are not followed (a link cycle could
 * not loop, and nothing outside the directory is read by accident); a symlinked file is read
 * only when it resolves to a regular file inside `dir`: a link to `~/.aws/credentials` must not
 * end up in a CI log as a YAML excerpt.
 */
export function findConfigFiles(dir: string): FoundFiles | undefined {
  if (!isDirectory(dir)) return undefined;
  const root = fs.realpathSync(dir);
  const files: string[] = [];
  const skipped: { relative: string; reason: SkipReason }[] = [];
  const unreadable: { relative: string; reason: string }[] = [];
  const visit = (relative: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, relative), { withFileTypes: true });
    } catch (e) {
      unreadable.push({ relative: relative === "" ? "." : relative, reason: errorCode(e) });
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      const isConfigName = /\.ya?ml$/.test(entry.name);
      if (entry.isDirectory()) visit(child);
      else if (entry.isSymbolicLink()) {
        const reason = symlinkProblem(root, path.join(dir, child), isConfigName);
        if (reason === "skip") continue;
        if (reason) skipped.push({ relative: child, reason });
        else files.push(child);
      } else if (isConfigName) {
        if (entry.isFile()) files.push(child);
        else skipped.push({ relative: child, reason: { kind: "not-regular", what: kindOf(entry) } });
      }
    }
  };
  visit("");
  const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    files: files.sort(byCodeUnits),
    skipped: skipped.sort((a, b) => byCodeUnits(a.relative, b.relative)),
    unreadable: unreadable.sort((a, b) => byCodeUnits(a.relative, b.relative)),
  };
}

/** Undefined: read it. "skip": not a config file at all, say nothing. */
function symlinkProblem(root: string, link: string, isConfigName: boolean): SkipReason | "skip" | undefined {
  let target: string;
  let stat: fs.Stats;
  try {
    target = fs.realpathSync(link);
    stat = fs.statSync(target);
  } catch {
    return isConfigName ? { kind: "broken-symlink" } : "skip";
  }
  if (stat.isDirectory()) return { kind: "symlinked-directory" };
  if (!isConfigName) return "skip";
  const inside = path.relative(root, target);
  if (inside === "" || inside.startsWith("..") || path.isAbsolute(inside)) return { kind: "symlink-outside", target: fs.readlinkSync(link) };
  if (!stat.isFile()) return { kind: "not-regular", what: kindOf(stat) };
  return undefined;
}

function kindOf(entry: fs.Dirent | fs.Stats): string {
  if (entry.isFIFO()) return "a named pipe (FIFO)";
  if (entry.isSocket()) return "a socket";
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return "a device";
  if (entry.isDirectory()) return "a directory";
  return "not a regular file";
}

/** The path shown in diagnostics: as the user named the directory, with forward slashes. */
export function displayPath(dir: string, relative: string): string {
  return path.join(dir, relative).split(path.sep).join("/");
}

/** Why a file's bytes cannot be config text. Offsets are byte offsets into the file. */
export type ReadProblem =
  | { readonly kind: "unreadable"; readonly reason: string }
  | { readonly kind: "not-regular"; readonly what: string }
  | { readonly kind: "too-large"; readonly size: number; readonly limit: number }
  | { readonly kind: "binary"; readonly bytes: Buffer; readonly offset: number }
  | { readonly kind: "utf16"; readonly bytes: Buffer; readonly littleEndian: boolean }
  | { readonly kind: "not-utf8"; readonly bytes: Buffer; readonly offset: number };

/**
 * The file's text, or why it is not config text. The size is checked on the open file before
 * reading, and at most `maxBytes + 1` bytes are ever read (a file may grow, and files under
 * /proc report size 0), so memory stays bounded whatever the file is. Opening non-blocking means
 * a FIFO that appeared since the directory was listed cannot hang the read. A UTF-8 byte-order
 * mark is dropped (by the decoder), so columns stay right.
 */
export function readConfigFile(file: string, maxBytes: number = LIMITS.maxFileBytes): { text: string; size: number } | ReadProblem {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return { kind: "unreadable", reason: errorCode(e) };
  }
  let bytes: Buffer;
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { kind: "not-regular", what: kindOf(stat) };
    if (stat.size > maxBytes) return { kind: "too-large", size: stat.size, limit: maxBytes };
    bytes = readAtMost(fd, maxBytes + 1, stat.size + 1);
    if (bytes.length > maxBytes) return { kind: "too-large", size: Math.max(stat.size, bytes.length), limit: maxBytes };
  } catch (e) {
    return { kind: "unreadable", reason: errorCode(e) };
  } finally {
    fs.closeSync(fd);
  }
  return decodeConfigBytes(bytes);
}

/** Strict UTF-8, refusing binary content: what a text editor would show is what YAML parses. */
export function decodeConfigBytes(bytes: Buffer): { text: string; size: number } | ReadProblem {
  // UTF-16 text is full of NUL bytes; say what it is rather than "binary".
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { kind: "utf16", bytes, littleEndian: bytes[0] === 0xff };
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { kind: "binary", bytes, offset: nul };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), size: bytes.length };
  } catch {
    return { kind: "not-utf8", bytes, offset: firstInvalidUtf8(bytes) };
  }
}

/** Up to `limit` bytes; `expected` (the size stat reported, plus one to see the end) sizes the first read. */
function readAtMost(fd: number, limit: number, expected: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.allocUnsafe(Math.min(total === 0 ? expected : 64 * 1024, limit - total));
    const n = fs.readSync(fd, chunk, 0, chunk.length, null);
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
    // A short read of a regular file is its end.
    if (n < chunk.length) break;
  }
  // Nearly always one read: its buffer as it is (concat would copy a 1 MiB file once more).
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/**
 * Offset of the first byte that does not belong to a well-formed UTF-8 sequence (Unicode 15,
 * table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), as WHATWG's decoder
 * judges it. Only called once the decoder has refused the bytes.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return i;
    }
    i += length;
  }
  return bytes.length;
}

/**
 * Line and column (1-based, columns in UTF-16 code units like every other position) of a byte
 * offset, and the text of its line as a replacement-decoded string, for a file that is not valid
 * UTF-8 text.
 */
export function bytePosition(bytes: Buffer, offset: number): { line: number; column: number; lineText: string } {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  const start = Math.max(lineStart, line === 1 ? bom : 0);
  const lineEnd = bytes.indexOf(0x0a, offset);
  const decode = (b: Buffer) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(b);
  const column = decode(bytes.subarray(start, Math.max(start, offset))).length + 1;
  const lineText = decode(bytes.subarray(start, lineEnd === -1 ? bytes.length : lineEnd)).replace(/\r$/, "");
  return { line, column, lineText };
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}
