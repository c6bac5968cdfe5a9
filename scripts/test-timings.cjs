"use strict";
// Sums the timing lines the test helpers append with MAILGATE_TEST_TIMINGS=<file>
// (__tests__/support/timings.ts): per test file, then per step, count and total seconds.
//
//   node scripts/test-timings.cjs <file> [vitest-json-report...]
//
// With vitest JSON reports (--reporter=json --outputFile.json=...) also each file's duration.
const fs = require("node:fs");
const path = require("node:path");

const [timingsFile, ...reports] = process.argv.slice(2);
if (!timingsFile) {
  process.stderr.write("usage: node scripts/test-timings.cjs <timings.jsonl> [vitest-report.json...]\n");
  process.exit(2);
}
const s = (ms) => (ms / 1000).toFixed(1).padStart(7);

for (const report of reports) {
  const r = JSON.parse(fs.readFileSync(report, "utf8"));
  const files = r.testResults.map((t) => ({ file: path.relative(process.cwd(), t.name), ms: t.endTime - t.startTime, tests: t.assertionResults.length }));
  files.sort((a, b) => b.ms - a.ms);
  const total = files.reduce((n, f) => n + f.ms, 0);
  console.log(`== ${report}: ${files.length} files, ${r.numTotalTests} tests, sum of file durations ${s(total)} s`);
  for (const f of files) console.log(`${s(f.ms)} s  ${String(f.tests).padStart(4)} tests  ${f.file}`);
}

const lines = fs.existsSync(timingsFile) ? fs.readFileSync(timingsFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
const byFile = new Map();
for (const { file, step, ms } of lines) {
  const steps = byFile.get(file) ?? new Map();
  const t = steps.get(step) ?? { n: 0, ms: 0 };
  t.n += 1;
  // "max: ..." steps are running totals (a process's CPU so far): the last, largest one counts.
  t.ms = step.startsWith("max: ") ? Math.max(t.ms, ms) : t.ms + ms;
  steps.set(step, t);
  byFile.set(file, steps);
}
const all = new Map();
for (const [file, steps] of [...byFile].sort()) {
  console.log(`== ${file}`);
  for (const [step, t] of [...steps].sort((a, b) => b[1].ms - a[1].ms)) console.log(`${s(t.ms)} s  ${String(t.n).padStart(4)} x  ${step}  (${(t.ms / t.n / 1000).toFixed(2)} s each)`);
}
// Over every file: running totals by their own step (one process), then summed under one name.
const maxima = new Map();
for (const { step, ms } of lines) if (step.startsWith("max: ")) maxima.set(step, Math.max(maxima.get(step) ?? 0, ms));
for (const { step, ms } of lines) {
  const key = step.startsWith("max: ") ? step.replace(/ \d+ /, " ") : step;
  const a = all.get(key) ?? { n: 0, ms: 0 };
  if (step.startsWith("max: ")) {
    if (maxima.has(step)) {
      a.n += 1;
      a.ms += maxima.get(step);
      maxima.delete(step);
    }
  } else {
    a.n += 1;
    a.ms += ms;
  }
  all.set(key, a);
}
console.log("== every file");
for (const [step, t] of [...all].sort((a, b) => b[1].ms - a[1].ms)) console.log(`${s(t.ms)} s  ${String(t.n).padStart(4)} x  ${step}  (${(t.ms / t.n / 1000).toFixed(2)} s each)`);
