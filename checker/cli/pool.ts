// The matrix on a pool of worker threads (--workers N): each worker runs one cell at a
// time and takes the next when it is done; results are put back in job order, so the
// report is the same whatever the number of workers. A selection of one cell has a second
// thread expand its states once it is large (checker/explore/offload.ts), with the same
// result. Aborting (Ctrl-C) stops the workers at once and returns what had finished.
// Workers run the compiled JavaScript in dist/.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Progress } from "../explore/bfs";
import type { CellRun } from "./job";
import { PACKAGE_ROOT } from "./package-root";
import type { CellRunner } from "./runner";

export type WorkerMessage =
  | { readonly kind: "progress"; readonly progress: Progress }
  | { readonly kind: "done"; readonly run: CellRun };

/** The compiled worker: beside this file in dist/, or in dist/ when run from the sources. */
export function workerFile(): string | undefined {
  const candidates = [
    join(__dirname, "worker.js"),
    join(PACKAGE_ROOT, "dist", "checker", "cli", "worker.js"),
  ];
  return candidates.find((f) => existsSync(f));
}

export function workerPool(size: number): CellRunner {
  return {
    run(jobs, hooks) {
      const file = workerFile();
      if (file === undefined)
        return Promise.reject(new Error("dist/checker/cli/worker.js is missing: npm run build"));
      const results: (CellRun | undefined)[] = jobs.map(() => undefined);
      const workers: Worker[] = [];
      return new Promise((resolve, reject) => {
        let next = 0;
        let running = 0;
        let settled = false;
        const finish = (err?: unknown) => {
          if (settled) return;
          settled = true;
          hooks.signal?.removeEventListener("abort", onAbort);
          for (const w of workers) void w.terminate();
          if (err === undefined) resolve(results);
          else reject(err);
        };
        const onAbort = () => finish();
        const feed = (w: Worker) => {
          const i = next++;
          const job = jobs[i];
          if (job === undefined) {
            if (running === 0) finish();
            return;
          }
          running++;
          w.removeAllListeners("message");
          w.on("message", (m: WorkerMessage) => {
            // After an abort, a late result is dropped: the report already calls it incomplete.
            if (settled) return;
            if (m.kind === "progress") hooks.onProgress?.(i, m.progress);
            else {
              running--;
              results[i] = m.run;
              // The next cell goes out first, so that the worker runs it while this one is
              // reported; when none is left, the pool ends after the report.
              const more = next < jobs.length;
              if (more) feed(w);
              hooks.onDone?.(i, m.run);
              if (!more) feed(w);
            }
          });
          // A cell run alone may use another thread (offload.ts).
          w.postMessage(jobs.length === 1 && size > 1 ? { ...job, parts: size } : job);
        };
        if (hooks.signal?.aborted === true) return finish();
        hooks.signal?.addEventListener("abort", onAbort);
        const n = Math.max(1, Math.min(size, jobs.length));
        if (jobs.length === 0) return finish();
        for (let k = 0; k < n; k++) {
          const w = new Worker(file);
          w.on("error", (err) => finish(err));
          workers.push(w);
          feed(w);
        }
      });
    },
  };
}
