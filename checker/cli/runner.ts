// How a list of cells is run: the interface the commands code against, and the simplest
// runner, one cell after another in this thread (what tests use; the command line uses the
// worker pool of pool.ts). Results come back in job order whatever the order of completion.

import type { Progress } from "../explore/bfs";
import type { CellJob, CellRun } from "./job";

export interface RunHooks {
  /** A running cell's progress (from the explorer, now and then). */
  readonly onProgress?: (job: number, p: Progress) => void;
  /** A cell finished; called in completion order. */
  readonly onDone?: (job: number, run: CellRun) => void;
  /** When aborted, cells not yet finished are left out (undefined). */
  readonly signal?: AbortSignal;
}

export interface CellRunner {
  run(jobs: readonly CellJob[], hooks: RunHooks): Promise<readonly (CellRun | undefined)[]>;
}

export const inProcessRunner: CellRunner = {
  async run(jobs, hooks) {
    // Loaded here, not at the top, so that `--help` does not load the models.
    const { loadJobFiles, runJob } = await import("./job");
    const out: (CellRun | undefined)[] = [];
    for (const [i, job] of jobs.entries()) {
      if (hooks.signal?.aborted === true) {
        out.push(undefined);
        continue;
      }
      await loadJobFiles(job);
      const r = runJob(job, (p) => hooks.onProgress?.(i, p));
      hooks.onDone?.(i, r);
      out.push(r);
    }
    return out;
  },
};
