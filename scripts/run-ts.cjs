"use strict";
// Runs one of the project's TypeScript entry points as JavaScript compiled once per version of
// each source file, instead of compiling every module at every start (`tsx`):
//
//   node scripts/run-ts.cjs lib/cli.ts validate
//
// Required instead (`require(".../run-ts.cjs")`), it only installs its loader (bin/mailgate.js).
//
// Each `.ts` module is still loaded from its own path (so __dirname, relative requires and
// JSON imports behave as under tsx) but its code comes from a cache keyed by the SHA-1 of its
// source: an edited file is recompiled on its next load, never run stale. TypeScript is loaded
// only when some module has changed. The cache lives in node_modules/.cache, outside the
// repository and every output, and holds nothing but compiled code. Type checking stays with
// `npm run typecheck`; this only strips types, as tsx does. Like tsx, it needs the
// devDependencies (typescript).
//
// DEBUG=mailgate turns on source maps, so a stack names the TypeScript lines.
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

const COMPILER_OPTIONS = {
  module: "commonjs",
  target: "es2022",
  esModuleInterop: true,
  resolveJsonModule: true,
  inlineSourceMap: true,
};
/** The compiler and its options are part of the key: a change of either recompiles everything. */
const CACHE_FILE = path.join(
  ROOT,
  "node_modules",
  ".cache",
  "mailgate-run-ts",
  `modules-${hash(`${typescriptVersion()} ${JSON.stringify(COMPILER_OPTIONS)} ${process.version.split(".")[0]}`).slice(0, 12)}.json`,
);

/** @type {Record<string, { hash: string; js: string }>} */
let cache = {};
try {
  cache = JSON.parse(fs.readFileSync(CACHE_FILE, "utf8"));
} catch {
  // No cache yet (or an unreadable one): every module is compiled on first load.
}
let changed = false;
let typescript;

if (/(^|,)\s*mailgate\s*(,|$)/.test(process.env.DEBUG ?? "")) process.setSourceMapsEnabled(true);

Module._extensions[".ts"] = function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const key = path.relative(ROOT, filename);
  const digest = hash(source);
  let compiled = cache[key];
  if (!compiled || compiled.hash !== digest) {
    compiled = cache[key] = { hash: digest, js: compile(source, filename) };
    changed = true;
  }
  module._compile(compiled.js, filename);
};

process.on("exit", () => {
  if (!changed) return;
  // Written whole and renamed into place: a concurrent run reads the old cache or the new one.
  try {
    fs.mkdirSync(path.dirname(CACHE_FILE), { recursive: true });
    const temporary = `${CACHE_FILE}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(cache));
    fs.renameSync(temporary, CACHE_FILE);
  } catch {
    // A read-only node_modules only costs the next run its compile time.
  }
});

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
