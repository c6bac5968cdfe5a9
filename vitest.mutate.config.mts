// The test run Stryker repeats for every mutant (`npm run mutate`, stryker.config.mjs): the
// in-process tiers that check behaviour. Left out, because each would cost seconds per mutant
// while its assertions are made in-process elsewhere too (all of them still run in `npm test`):
// - the Terraform tier (terraform CLI and AWS provider) and the packet test (network namespaces);
// - end-to-end and CLI tests that spawn `tsx` or other children (seconds each, and a child would
//   run the sandbox's code without Stryker's mutant switch);
// - the robustness tests of the whole pipeline: fuzzing (22 s), hostile text in every field
//   synthesized with cdktf (25 s), the size limits (20,000-domain files, 5 s) and the YAML
//   reader's refusals (5 s). They assert "never throws, refuses at a line", not which rules or
//   diagnostics come out, and a surviving mutant would run all of them: half a minute each.
// `isolate: false`: the test files share one module graph, so a mutant run does not load cdktf,
// zod and the rest again for each test file (no test mocks modules or needs a fresh one; the
// results are the same, in 60% of the time). Stryker switches mutants at run time: no reload.
// MUTATE_EXCLUDE (comma-separated globs) leaves out more, e.g. to score a file without some tests.
import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.mts";

export default mergeConfig(
  base,
  defineConfig({
    test: {
      isolate: false,
      exclude: [
        ...configDefaults.exclude,
        "__tests__/terraform/**",
        "__tests__/e2e/**",
        "__tests__/firewalls/nftables-packets*",
        "__tests__/ci-workflow.test.ts",
        "__tests__/cli/check.test.ts",
        "__tests__/cli/diff.test.ts",
        "__tests__/cli/usage.test.ts",
        "__tests__/hostile/atomic.test.ts",
        "__tests__/hostile/errors.test.ts",
        "__tests__/hostile/files.test.ts",
        "__tests__/ranges/command.test.ts",
        "__tests__/ranges/workflow.test.ts",
        "__tests__/hostile/fuzz.property.test.ts",
        "__tests__/hostile/interpolation.test.ts",
        "__tests__/hostile/limits.test.ts",
        "__tests__/hostile/yaml-reading.test.ts",
        ...(process.env.MUTATE_EXCLUDE ? process.env.MUTATE_EXCLUDE.split(",") : []),
      ],
    },
  }),
);
