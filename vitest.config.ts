import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests spawn the bundled action and local servers; keep the
    // number of concurrent files at the machine's core count.
    maxWorkers: 2,
  },
});
