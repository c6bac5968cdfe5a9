import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    // Both cores: most files are pure and fast, the few subprocess tests wait on children.
    maxWorkers: 2,
    // cdktf synth and the CLI subprocess tests are slower than pure unit tests.
    testTimeout: 60_000,
    env: { CHECKPOINT_DISABLE: "1" },
    setupFiles: ["__tests__/support/cleanup.ts"],
  },
});
