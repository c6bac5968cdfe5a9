// mailgate's own package: its version, and the files it ships beside its code (templates/,
// schema/). Found from this module's location, so the same code works from the sources
// (lib/io/) and from the compiled package (dist/lib/io/), wherever npm installed it.
import * as fs from "node:fs";
import * as path from "node:path";

/** The nearest directory above `from` that holds a package.json: mailgate's root (dist/ has none). */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json in ${from} or above it`);
  }
}

/** The version in mailgate's package.json. */
export function packageVersion(root: string = packageRoot()): string {
  return (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
}
