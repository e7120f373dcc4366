import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Test files that change what the process holds for the files after them: the working
 * directory (the CLI tests, as a user's shell would) or the model and scenario registries
 * (`--load`). Each runs in a fresh module graph; the others share one per worker, so the
 * models are imported once per worker instead of once per file.
 */
const ISOLATED = [
  "test/cli.test.ts",
  "test/cli-run.test.ts",
  "test/cli-merged.test.ts",
  "test/cli-interrupt.test.ts",
  "test/crash.test.ts",
  "test/examples.test.ts",
];

export default defineConfig({
  test: {
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Forks, not threads: the CLI tests change the working directory, as a user's shell would.
    pool: "forks",
    // Vitest's default leaves a core for itself (one worker on a 2-core machine); the main
    // process idles while the tests run, so use them all.
    maxWorkers: availableParallelism(),
    // A test's vi.stubEnv() ends with the test, as files share a process.
    unstubEnvs: true,
    projects: [
      { extends: true, test: { name: "isolated", include: ISOLATED } },
      {
        extends: true,
        test: { name: "shared", include: ["test/**/*.test.ts"], exclude: ISOLATED, isolate: false },
      },
    ],
  },
});
