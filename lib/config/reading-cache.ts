// A content-addressed cache of YAML readings, so a file that has not changed since the last run
// is not read again: at 10,000 domains the reading is most of `validate`'s time (issue 23).
//
// It stores what the one reader (read-yaml.ts) returned, never a reading of its own: an entry is
// the reader's result for exactly these bytes, under exactly this reader, so a hit returns what
// the reader would return. Keyed by the SHA-256 of the text and of the reader's fingerprint
// (mailgate's version, the yaml library's version, Node's major version, and the source of the
// modules that decide the reading), so an edit of the file or of the reader is a miss, never a
// stale answer.
//
// Only clean readings are stored (a value, no diagnostic, nothing omitted): a file with
// problems is read afresh, so every diagnostic comes from the reader itself, with its file's
// path. Entries hold plain values (v8's serializer keeps -0, NaN, an own `__proto__` key and
// alias identity exactly), never a path or a name: the same bytes in two places share one entry.
//
// The cache lives outside the repository and every output: $MAILGATE_CACHE_DIR, else
// $XDG_CACHE_HOME/mailgate, else ~/.cache/mailgate. MAILGATE_CACHE_DIR=off turns it off. Any
// failure (unwritable directory, damaged entry) only costs the reading it would have saved.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import type { IndexedYamlReading } from "./read-yaml";
import type { PositionIndex } from "./source";

/**
 * Entries kept: past a quarter more, or past `MAX_BYTES` in all, the least recently written are
 * removed down to this many and that size. An entry is about four times its file's size (the
 * positions take most of it), so editing a 1 MiB file again and again would otherwise fill the
 * disk.
 */
export const MAX_ENTRIES = 256;
export const MAX_BYTES = 64 * 1024 * 1024;


/** Where entries go, or undefined when caching is off. */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return cacheFolder("readings", env);
}

/** `<mailgate's cache directory>/<name>`, or undefined when caching is off. */
export function cacheFolder(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env.MAILGATE_CACHE_DIR;
  if (chosen === "off") return undefined;
  if (chosen) return path.resolve(chosen, name);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "mailgate", name);
}

/**
 * An entry's file: the byte length of its head (a 32-bit little-endian number), the head
 * (`v8.serialize` of `Head`), then the positions (`v8.serialize` of the reading's
 * `PositionIndex`). A hit reads the head only; the positions are read when a diagnostic first
 * needs one. A valid config never does, and they are most of the entry (for 5,000 domains,
 * 100,000 nodes and 50,000 keys: three quarters of 3.7 MB).
 */
interface Head {
  readonly value: unknown;
  readonly lineStarts: Int32Array;
}

const LENGTH_BYTES = 4;

/**
 * The reader's result for `text`, from the cache when an entry for these bytes exists, else from
 * `read` (stored when it is clean). `read` must be the one reader applied to `text`. No `dir`:
 * no cache.
 */
export function cachedReading(
  text: string,
  read: () => IndexedYamlReading,
  { dir, maxBytes = MAX_BYTES }: { readonly dir?: string; readonly maxBytes?: number } = { dir: cacheDirectory() },
): IndexedYamlReading {
  // Small files too: when every file is found, the yaml library is not even loaded.
  if (dir === undefined) return read();
  const file = path.join(dir, `${entryKey(text)}.v8`);
  const hit = loadHead(file);
  if (hit) {
    const positions = positionsWhenRead(file, hit.positionsAt, () => read().positions);
    return { value: hit.head.value, diagnostics: [], positions, lineStarts: hit.head.lineStarts, omitted: { errors: 0, warnings: 0 } };
  }
  const reading = read();
  if ("value" in reading && reading.diagnostics.length === 0 && reading.omitted.errors + reading.omitted.warnings === 0) {
    storeEntry(dir, file, { value: reading.value, lineStarts: reading.lineStarts }, reading.positions, maxBytes);
  }
  return reading;
}

/** The entry's name: the text and everything that decides how it is read. */
export function entryKey(text: string): string {
  return crypto.createHash("sha256").update(readerFingerprint()).update("\0").update(text).digest("base64url");
}

let fingerprint: string | undefined;

/**
 * What decides a reading besides the text: mailgate's and yaml's versions, Node's (for v8's
 * serialization format), and the source of the reader's modules (read-yaml, source, files), so
 * a development checkout that edits the reader never gets an old reading back.
 */
function readerFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const hash = crypto.createHash("sha256");
  hash.update(`${versionOf(packageJsonAbove(__dirname))} yaml ${versionOf(require.resolve("yaml/package.json"))} node ${process.versions.v8}\0`);
  const extension = path.extname(__filename);
  for (const name of ["read-yaml", "source", "files", "reading-cache"]) {
    try {
      hash.update(fs.readFileSync(path.join(__dirname, `${name}${extension}`)));
    } catch {
      hash.update(`missing ${name}`);
    }
    hash.update("\0");
  }
  return (fingerprint = hash.digest("base64url"));
}

function packageJsonAbove(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "package.json");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function versionOf(packageJson: string | undefined): string {
  try {
    return packageJson ? String((JSON.parse(fs.readFileSync(packageJson, "utf8")) as { version?: unknown }).version) : "unknown";
  } catch {
    return "unknown";
  }
}

/** A stored entry's head and where its positions start, or undefined when there is none or it is not one this code wrote. */
function loadHead(file: string): { head: Head; positionsAt: number } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const length = readExactly(fd, 0, LENGTH_BYTES)?.readUInt32LE(0);
    // A length past the file's end is no entry of ours (and must not size a buffer).
    const bytes = length === undefined || length > fs.fstatSync(fd).size - LENGTH_BYTES ? undefined : readExactly(fd, LENGTH_BYTES, length);
    if (!bytes) return undefined;
    const head = v8.deserialize(bytes) as Partial<Head> | null;
    if (head === null || typeof head !== "object" || !("value" in head) || !(head.lineStarts instanceof Int32Array)) return undefined;
    return { head: head as Head, positionsAt: LENGTH_BYTES + bytes.length };
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** `length` bytes at `position`, or undefined when the file ends before. */
function readExactly(fd: number, position: number, length: number): Buffer | undefined {
  const bytes = Buffer.allocUnsafe(length);
  for (let done = 0; done < length; ) {
    const n = fs.readSync(fd, bytes, done, length - done, position + done);
    if (n === 0) return undefined;
    done += n;
  }
  return bytes;
}

/**
 * The entry's positions, read when first asked for. Should the entry be gone by then (another
 * run pruned it) or its positions not be an index this code wrote, the reader reads the text
 * again: a diagnostic's place is always the reader's.
 */
function positionsWhenRead(file: string, offset: number, reread: () => PositionIndex): PositionIndex {
  let index: PositionIndex | undefined;
  const resolve = (): PositionIndex => (index ??= storedPositions(file, offset) ?? reread());
  return {
    get nodes() {
      return resolve().nodes;
    },
    get edges() {
      return resolve().edges;
    },
    get keys() {
      return resolve().keys;
    },
  };
}

function storedPositions(file: string, offset: number): PositionIndex | undefined {
  try {
    const index = v8.deserialize(fs.readFileSync(file).subarray(offset)) as Partial<PositionIndex> | null;
    if (index && index.nodes instanceof Int32Array && index.edges instanceof Int32Array && Array.isArray(index.keys)) return index as PositionIndex;
  } catch {
    // Below.
  }
  return undefined;
}

/** Written whole and renamed into place: a concurrent run sees the old entry, the new one or none. */
function storeEntry(dir: string, file: string, head: Head, positions: PositionIndex, maxBytes: number): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    const headBytes = v8.serialize(head);
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt32LE(headBytes.length, 0);
    fs.writeFileSync(temporary, Buffer.concat([length, headBytes, v8.serialize(positions)]), { mode: 0o600 });
    fs.renameSync(temporary, file);
    prune(dir, maxBytes);
  } catch {
    // An unwritable cache only costs the next run this reading.
  }
}

/**
 * Keeps the newest entries within `MAX_ENTRIES` and `maxBytes`: each edit of a file leaves its
 * old entry behind. Run after each write only (a miss, which has just cost a whole reading).
 */
function prune(dir: string, maxBytes: number): void {
  const dated = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".v8"))
    .map((name) => {
      try {
        const stat = fs.statSync(path.join(dir, name));
        return { name, ms: stat.mtimeMs, bytes: stat.size };
      } catch {
        return { name, ms: 0, bytes: 0 };
      }
    });
  let total = dated.reduce((sum, e) => sum + e.bytes, 0);
  if (dated.length <= MAX_ENTRIES + MAX_ENTRIES / 4 && total <= maxBytes) return;
  // Newest first; the oldest go until both limits hold.
  dated.sort((a, b) => b.ms - a.ms || (a.name < b.name ? -1 : 1));
  let kept = dated.length;
  while (kept > 1 && (kept > MAX_ENTRIES || total > maxBytes)) {
    const oldest = dated[--kept];
    fs.rmSync(path.join(dir, oldest.name), { force: true });
    total -= oldest.bytes;
  }
}
