"use strict";
// npm run build (and prepack, so npm pack always ships fresh JavaScript): compiles main.ts and
// lib/ to dist/ with tsconfig.build.json. It compiles into a staging directory and renames it
// into place, so a mailgate started meanwhile (bin/mailgate.js) finds the old dist/, none for an
// instant (and runs the sources), or the new one: never half of one, nor files of sources since
// removed.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");
const staging = path.join(root, `.dist.staging-${process.pid}`);

const tsc = spawnSync(process.execPath, [require.resolve("typescript/lib/tsc.js"), "-p", path.join(root, "tsconfig.build.json"), "--outDir", staging], {
  cwd: root,
  stdio: "inherit",
});
if (tsc.status !== 0) {
  fs.rmSync(staging, { recursive: true, force: true });
  process.exit(tsc.status ?? 1);
}
// Two renames, then the removal: dist/ is missing only between the renames.
const old = `${staging}-old`;
if (fs.existsSync(dist)) fs.renameSync(dist, old);
fs.renameSync(staging, dist);
fs.rmSync(old, { recursive: true, force: true });
