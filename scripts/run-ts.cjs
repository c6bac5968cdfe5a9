"use strict";
// Runs one of the project's TypeScript entry points as JavaScript compiled once per version of
// each source file, instead of compiling every module at every start (`tsx`):
//
//   node scripts/run-ts.cjs lib/cli.ts validate
//
// Required instead (`require(".../run-ts.cjs")`), it only installs its loader (bin/mailgate.js).
//
// Each `.ts` module is still loaded from its own path (so __dirname, relative requires and
// JSON imports behave as under tsx) but its code comes from a cache: one file per compiled
// module, named by the SHA-1 of its path and source, so an edited file is recompiled on its next
// load, never run stale, and checkouts sharing one node_modules (git worktrees) never evict each
// other's entries. TypeScript is loaded only when some module has changed. The cache lives in
// node_modules/.cache, outside the repository and every output, and holds nothing but compiled
// code. On a Node with a compile cache (22.1 and later) V8's compiled code is kept there too
// (MAILGATE_CACHE_DIR=off turns that off). Type checking stays with `npm run typecheck`; this
// only strips types, as tsx does. Like tsx, it needs the devDependencies (typescript).
//
// DEBUG=mailgate turns on source maps, so a stack names the TypeScript lines.
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

const DEBUG = /(^|,)\s*mailgate\s*(,|$)/.test(process.env.DEBUG ?? "");

/** Source maps only for DEBUG=mailgate, the one time they are read: otherwise half the code to load is maps. */
const COMPILER_OPTIONS = {
  module: "commonjs",
  target: "es2022",
  esModuleInterop: true,
  resolveJsonModule: true,
  inlineSourceMap: DEBUG,
};
/** The compiler and its options are part of the key: a change of either recompiles everything. */
const CACHE_DIR = path.join(
  ROOT,
  "node_modules",
  ".cache",
  "mailgate-run-ts",
  hash(`${typescriptVersion()} ${JSON.stringify(COMPILER_OPTIONS)} ${process.version.split(".")[0]}`).slice(0, 12),
);
let typescript;

// V8's code for every module, this one's and the packages' (zod alone is 76 modules); the
// directory is Node's to manage. Before any other module loads, so all of them benefit.
if (process.env.MAILGATE_CACHE_DIR !== "off") Module.enableCompileCache?.(path.join(ROOT, "node_modules", ".cache", "mailgate-node-compile"));

if (DEBUG) process.setSourceMapsEnabled(true);

Module._extensions[".ts"] = function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  // The path is part of the key: the inline source map names the file.
  const cached = path.join(CACHE_DIR, `${hash(`${filename}\0${source}`)}.js`);
  let js;
  try {
    js = fs.readFileSync(cached, "utf8");
  } catch {
    js = compile(source, filename);
    store(cached, js);
    compiled = true;
  }
  module._compile(js, filename);
};

let compiled = false;

/** Entries kept: every edit of a module leaves its old entry behind. */
const MAX_ENTRIES = 2000;

// After a run that compiled (and so has already paid for loading TypeScript): the oldest
// entries go once there are too many.
process.on("exit", () => {
  if (!compiled) return;
  try {
    const names = fs.readdirSync(CACHE_DIR).filter((name) => name.endsWith(".js"));
    if (names.length <= MAX_ENTRIES) return;
    const dated = names.map((name) => ({ name, ms: fs.statSync(path.join(CACHE_DIR, name)).mtimeMs })).sort((a, b) => b.ms - a.ms);
    for (const { name } of dated.slice(MAX_ENTRIES)) fs.rmSync(path.join(CACHE_DIR, name), { force: true });
  } catch {
    // Pruning is only housekeeping.
  }
});

/** Written whole and renamed into place: a concurrent run reads the entry whole or not at all. */
function store(file, js) {
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, js);
    fs.renameSync(temporary, file);
  } catch {
    // A read-only node_modules only costs the next run this module's compile time.
  }
}

if (require.main === module) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    process.stderr.write("usage: node scripts/run-ts.cjs <entry.ts> [args...]\n");
    process.exit(2);
  }
  // The entry runs as the main module (`require.main === module` holds in it), as under tsx.
  process.argv = [process.argv[0], path.resolve(entry), ...args];
  Module._load(path.resolve(entry), null, true);
}

function compile(source, filename) {
  typescript ??= require("typescript");
  const options = typescript.convertCompilerOptionsFromJson(COMPILER_OPTIONS, ROOT).options;
  return typescript.transpileModule(source, { fileName: filename, compilerOptions: options }).outputText;
}

function hash(text) {
  return crypto.createHash("sha1").update(text).digest("base64url");
}

function typescriptVersion() {
  try {
    return JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
}
