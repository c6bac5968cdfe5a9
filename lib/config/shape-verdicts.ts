// Whether a file's value has the config's shape, remembered per file (issue 23): the shape check
// (shape.ts, zod) is a pure function of the value, and the value one of the bytes and the reader.
// A pass is recorded as an empty file named by the SHA-256 of the reading cache's key for the
// bytes (the text and the reader's fingerprint) and of the schema's fingerprint (zod's version and
// the source of every module that decides the shape), so an edit of the file, the reader or the
// schema is a miss, never a stale pass. Only passes are recorded: a file with shape problems is
// checked again, so every problem comes from the check itself.
//
// When every file has passed before, zod (76 modules, some 60 ms to load) is not even loaded.
// Beside the readings, in mailgate's cache directory ($MAILGATE_CACHE_DIR, "off" for none); any
// failure to read or write it only costs the check it would have saved.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Diagnostic } from "./diagnostic";
import { cacheFolder, entryKey } from "./reading-cache";
import { loadShapeCheck } from "./shape-loader";
import type { SourceFile } from "./source";

/** Passes kept: past a quarter more, the least recently recorded go down to this many. */
export const MAX_VERDICTS = 1024;

/** `checkShape(source, value)`, skipped when these bytes passed it before under this reader and schema. */
export function checkShapeOnce(source: SourceFile, value: unknown, dir: string | undefined = cacheFolder("shapes")): Diagnostic[] {
  if (dir === undefined) return loadShapeCheck()(source, value);
  const marker = path.join(dir, verdictKey(source.text));
  if (fs.existsSync(marker)) return [];
  const problems = loadShapeCheck()(source, value);
  if (problems.length === 0) record(dir, marker);
  return problems;
}

function verdictKey(text: string): string {
  return crypto.createHash("sha256").update(schemaFingerprint()).update("\0").update(entryKey(text)).digest("base64url");
}

let fingerprint: string | undefined;

/** zod's version and the source of the schema's modules (`schemaModules`). */
function schemaFingerprint(): string {
  return (fingerprint ??= fingerprintOf(schemaModules(), zodVersion()));
}

/** The SHA-256 of a zod version and of each module's place (its folder and name) and bytes; a missing module counts as such. */
export function fingerprintOf(modules: readonly string[], zod: string): string {
  const hash = crypto.createHash("sha256").update(`zod ${zod}\0`);
  for (const file of modules) {
    hash.update(`${path.basename(path.dirname(file))}/${path.basename(file)}\0`);
    try {
      hash.update(fs.readFileSync(file));
    } catch {
      hash.update("(missing)");
    }
    hash.update("\0");
  }
  return hash.digest("base64url");
}

/** The modules that decide the shape: lib/config's schema and its translation, the kinds' shared fields, every kind's schema. */
export function schemaModules(): string[] {
  const extension = path.extname(__filename);
  const kinds = path.join(__dirname, "..", "kinds");
  return [
    ...["schema", "shape"].map((name) => path.join(__dirname, `${name}${extension}`)),
    ...["schema-fields", "schemas", "schema-bounds"].map((name) => path.join(kinds, `${name}${extension}`)),
    ...kindFolders(kinds).map((kind) => path.join(kinds, kind, `schema${extension}`)),
  ];
}

function kindFolders(kinds: string): string[] {
  try {
    return fs
      .readdirSync(kinds, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** The installed zod's version, "unknown" when it cannot be read. */
export function zodVersion(): string {
  try {
    return String((JSON.parse(fs.readFileSync(require.resolve("zod/package.json"), "utf8")) as { version?: unknown }).version);
  } catch {
    return "unknown";
  }
}

/** Created whole (an empty file needs no rename); then the oldest go past the bound. */
function record(dir: string, marker: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(marker, "w", 0o600));
    prune(dir);
  } catch {
    // An unwritable cache only costs the next run this check.
  }
}

function prune(dir: string): void {
  const names = fs.readdirSync(dir);
  if (names.length <= MAX_VERDICTS + MAX_VERDICTS / 4) return;
  const dated = names.map((name) => {
    try {
      return { name, ms: fs.statSync(path.join(dir, name)).mtimeMs };
    } catch {
      return { name, ms: 0 };
    }
  });
  // Newest first; everything past the bound goes.
  dated.sort((a, b) => b.ms - a.ms || (a.name < b.name ? -1 : 1));
  for (const { name } of dated.slice(MAX_VERDICTS)) fs.rmSync(path.join(dir, name), { force: true });
}
