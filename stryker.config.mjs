// @ts-check
// Mutation testing of the safety nets: `npm run mutate` (not part of .ci/run; see README,
// Development). Scope: the policy core, the validators and the proofs.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.mts" },
  // Per test: each mutant runs only the tests that reach it.
  coverageAnalysis: "perTest",
  // A mutant reached only while a module or a test file's fixtures load cannot be traced to a
  // test, and would otherwise rerun every test with a fresh module graph (most of the hour).
  // Reached by a test as well, it still runs against that test.
  ignoreStatic: true,
  mutate: [
    // policy core
    "lib/model/cidr.ts",
    "lib/model/names.ts",
    "lib/model/ip-catalog.ts",
    "lib/policy/**/*.ts",
    // each kind's planner, limits, checks and identity
    "lib/kinds/**/*.ts",
    // validators
    "lib/config/check-*.ts",
    "lib/config/cross-file.ts",
    "lib/validate.ts",
    // proofs
    "lib/audit/coverage.ts",
    "lib/audit/intervals.ts",
    "lib/audit/required.ts",
  ],
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, reportTests: false, reportMutants: false, reportScoreTable: true },
  tempDirName: ".stryker-tmp",
  ignorePatterns: ["cdktf.out", ".gen", "coverage", "reports", "generated/*.tmp-*"],
  cleanTempDir: "always",
};
