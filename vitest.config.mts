import * as path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take longest start first, so that no worker is left running one of them alone
 * at the end while the other has nothing to do. Vitest orders by the last run's durations when it
 * has them, but `npm ci` (as .ci/run runs it) removes that cache with node_modules, and it then
 * goes by file size, which put the installed-package test (a small file, half a minute of npm)
 * last. So the files measured slowest (issue 23; durations of one run on 2 cores) start first,
 * in this order; the rest keep vitest's order. A stale entry costs only time.
 */
const SLOWEST_FIRST = [
  "terraform/safe-apply.test.ts", // one chain of 19 plans and 26 synths, ~75 s
  "terraform/mailgate-plan.test.ts", // 12 Terraform commands that each start the provider, ~55 s
  "terraform/change-scenarios.test.ts", // ~45 s
  "e2e/package.test.ts", // npm install of the packed tarball, ~30 s
  "e2e/synth.test.ts", // cdktf-cli and npm run synth, ~30 s
  "hostile/interpolation.test.ts", // ~25 s
  "hostile/fuzz.property.test.ts", // ~25 s
  "ranges/command.test.ts", // ~25 s
  "terraform/adopt.test.ts", // ~25 s
  "firewalls/nftables-packets.test.ts", // ~20 s
  "hostile/atomic.test.ts", // ~20 s
  "cli/plan.test.ts", // ~18 s
  "live/adopt.test.ts", // ~16 s
  "terraform/plan.test.ts",
  "terraform/state.test.ts",
  "cli/diff.test.ts",
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const at = SLOWEST_FIRST.findIndex((name) => spec.moduleId.replaceAll("\\", "/").endsWith(`__tests__/${name}`));
      return at < 0 ? SLOWEST_FIRST.length : at;
    };
    // Array.prototype.sort is stable: files of equal rank keep vitest's order.
    return [...base].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  resolve: {
    // lib/config/shape-loader.ts loads shape.ts with require, which vitest cannot do for TypeScript.
    alias: [{ find: /^\.\/shape-loader$/, replacement: path.resolve("__tests__/support/shape-loader.ts") }],
  },
  test: {
    include: ["__tests__/**/*.test.ts"],
    // Both cores: most files are pure and fast, the few subprocess tests wait on children.
    maxWorkers: 2,
    // The test files of a worker share one module graph: cdktf, zod, the AWS provider bindings
    // and the rest load once per worker instead of once per file (they were 30 s of the unit
    // tier's time). Safe because no test file changes what another one sees: none sets
    // process.env, the working directory, globals or prototypes, none mocks a module, spies are
    // restored after each test (aws/deprecated-node-apis), lib's module-level caches are pure
    // (same input, same answer), and each file's temporary directories go after it (cleanup.ts,
    // which runs again before every file). What the Terraform tier starts (the provider, the AWS
    // stand-ins) serves every file of the worker, one command at a time (support/terraform).
    isolate: false,
    sequence: { sequencer: SlowestFirst },
    // cdktf synth and the CLI subprocess tests are slower than pure unit tests.
    testTimeout: 60_000,
    // MAILGATE_CACHE_DIR=off: the tests and the processes they start write no reading cache
    // under ~/.cache (mailgate's cache of read files, where present).
    env: { CHECKPOINT_DISABLE: "1", MAILGATE_CACHE_DIR: "off" },
    setupFiles: ["__tests__/support/cleanup.ts"],
    // The run's shared scratch directory (support/run-dir.ts): one `terraform init`, one
    // provider schema and each distinct plan per run, whichever files need them.
    globalSetup: ["__tests__/support/global-setup.ts"],
  },
});
