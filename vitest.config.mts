import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Forks, not threads: the CLI tests change the working directory, as a user's shell would.
    pool: "forks",
    // Vitest's default leaves a core for itself (one worker on a 2-core machine); the main
    // process idles while the tests run, so use them all.
    maxWorkers: availableParallelism(),
  },
});
