#!/usr/bin/env node
"use strict";
// The `mailgate` command (`npx mailgate <command>` inside the project). It runs the CLI's
// TypeScript through the project's compile cache (scripts/run-ts.cjs), every path resolved from
// this file, so it works from any directory: `node --require tsx/cjs lib/cli.ts` resolved tsx
// from the user's directory and failed outside the project.
const path = require("node:path");

const root = path.join(__dirname, "..");
require(path.join(root, "scripts", "run-ts.cjs"));
const { main } = require(path.join(root, "lib", "cli.ts"));
const { runGuarded } = require(path.join(root, "lib", "io", "report-errors.ts"));

runGuarded(() => main(process.argv.slice(2)));
