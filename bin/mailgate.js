#!/usr/bin/env node
"use strict";
// The `mailgate` command. Every path is resolved from this file, so it works from any directory.
//
// An installed package (npm pack builds it first: prepack) runs its compiled JavaScript in dist/
// with plain require: no TypeScript, tsx or compile cache, none of which a user's install has.
// A development checkout runs dist/ too after `npm run build`, but only while no source is newer
// than it; otherwise the TypeScript sources through the compile cache (scripts/run-ts.cjs, which
// needs the devDependencies), so an edit is never run stale.
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const compiled = path.join(root, "dist", "lib", "cli.js");
const runTs = path.join(root, "scripts", "run-ts.cjs");
const developing = fs.existsSync(runTs);

enableCompileCache();

if (fs.existsSync(compiled) && !(developing && sourcesNewerThan(fs.statSync(compiled).mtimeMs))) {
  const { main } = require(compiled);
  const { runGuarded } = require(path.join(root, "dist", "lib", "io", "report-errors.js"));
  runGuarded(() => main(process.argv.slice(2)));
} else if (developing) {
  require(runTs);
  const { main } = require(path.join(root, "lib", "cli.ts"));
  const { runGuarded } = require(path.join(root, "lib", "io", "report-errors.ts"));
  runGuarded(() => main(process.argv.slice(2)));
} else {
  process.stderr.write(`mailgate: this copy of mailgate has no compiled code (${compiled})\nhint: install it from a tarball npm pack made, or run npm run build in its checkout\n`);
  process.exitCode = 70;
}

/** Whether main.ts or anything under lib/ changed after the build (a stat per file: a few ms). */
function sourcesNewerThan(builtMs) {
  const sources = [path.join(root, "main.ts"), ...fs.readdirSync(path.join(root, "lib"), { recursive: true }).map((f) => path.join(root, "lib", f))];
  return sources.some((file) => {
    try {
      return fs.statSync(file).mtimeMs > builtMs;
    } catch {
      return true; // removed since the build: dist/ may still hold it
    }
  });
}

/**
 * On a Node that can (22.1 and later), V8 keeps the code it compiled for every module between
 * runs: most of a short command's start. In mailgate's cache directory, chosen as
 * lib/config/reading-cache.ts chooses it ($MAILGATE_CACHE_DIR, "off" for none, else
 * $XDG_CACHE_HOME/mailgate or ~/.cache/mailgate), never inside the package or the repository.
 */
function enableCompileCache() {
  const { enableCompileCache: enable } = require("node:module");
  const chosen = process.env.MAILGATE_CACHE_DIR;
  if (typeof enable !== "function" || chosen === "off") return;
  const base = chosen ? path.resolve(chosen) : path.join(process.env.XDG_CACHE_HOME || path.join(require("node:os").homedir(), ".cache"), "mailgate");
  enable(path.join(base, "compile"));
}
