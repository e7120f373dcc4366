// The expanding thread of one large cell (expander.ts): builds the cell's system as the
// coordinating thread did, on its shared components, then expands the states it is sent.

import { parentPort, workerData } from "node:worker_threads";
import { buildMachine } from "../../model/machine/machine";
import { expandRequest } from "../explore/offload";
import { SharedComponents } from "../explore/shared-store";
import { monitor } from "../rules/monitor";
import { cellSystem } from "../run";
import type { ExpanderCommand, ExpanderData, ExpanderMessage } from "./expander";
import { jobCell, jobOptions, loadJobFiles } from "./job";

const commands = parentPort;
const data = workerData as ExpanderData;
if (commands !== null) {
  const port = data.answers;
  const count = new Int32Array(data.count);
  const answer = (m: ExpanderMessage, transfer: ArrayBuffer[] = []) => {
    port.postMessage(m, transfer);
    Atomics.add(count, 0, 1);
    Atomics.notify(count, 0);
  };
  const failed = (err: unknown) =>
    answer({ kind: "failed", message: err instanceof Error ? err.message : String(err) });
  void loadJobFiles(data.job).then(() => {
    const cell = jobCell(data.job);
    const mon = monitor(cell.spec);
    const sys = cellSystem(
      buildMachine(cell.arch, cell.scenario, cell.preemption),
      mon,
      jobOptions(data.job),
      undefined,
      new SharedComponents(data.shared),
    );
    commands.on("message", (cmd: ExpanderCommand) => {
      try {
        if (cmd.kind === "asked") {
          answer({ kind: "asked", rules: [...mon.triggered()] });
          return;
        }
        const r = expandRequest(sys, cmd, data.job.tracesPerRule);
        const transfer = [
          r.counts.buffer,
          r.stuck.buffer,
          r.bytes.buffer,
          r.ends.buffer,
          r.hashes.buffer,
        ].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
        answer({ kind: "expanded", ...r }, transfer);
      } catch (err) {
        failed(err);
      }
    });
  }, failed);
}
