import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    setupFiles: ["__tests__/setup.ts"],
    // cdktf synth and the CLI subprocess tests are slower than pure unit tests.
    testTimeout: 60_000,
    env: { CHECKPOINT_DISABLE: "1" },
  },
});
