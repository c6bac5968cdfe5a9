"use strict";
// The least a cold `validate` can cost while the `yaml` library stays the one reader (issue 23):
// start Node, load yaml, and run its Lexer and Parser (the syntax tree only: no document, no
// values, no checks) over every .yaml/.yml file under the directory given. run.ts measures it
// beside "mailgate, no reading cache" as that figure's floor.
//
//   node scripts/bench/yaml-parse-floor.cjs CONFIG_DIR
const fs = require("node:fs");
const path = require("node:path");
const { Parser } = require("yaml");

function files(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

let tokens = 0;
for (const file of files(process.argv[2])) {
  for (const _token of new Parser().parse(fs.readFileSync(file, "utf8"))) tokens++;
}
if (tokens === 0) {
  process.stderr.write(`yaml-parse-floor: no YAML under ${process.argv[2]}\n`);
  process.exitCode = 1;
}
