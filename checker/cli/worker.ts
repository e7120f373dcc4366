// A worker thread of the matrix pool (pool.ts): runs the cells it is sent, one at a time,
// and posts back their progress and results. Runs as compiled JavaScript (dist/).

import { parentPort } from "node:worker_threads";
import { type CellJob, loadJobFiles, runJobOffloaded } from "./job";
import type { WorkerMessage } from "./pool";

const port = parentPort;
if (port !== null) {
  port.on("message", (job: CellJob) => {
    const post = (m: WorkerMessage) => port.postMessage(m);
    // The files --load names, before the job's ids are looked up; a failure ends the pool.
    void loadJobFiles(job)
      .then(() => runJobOffloaded(job, (progress) => post({ kind: "progress", progress })))
      .then((run) => post({ kind: "done", run }));
  });
}
