// The thread that expands one large cell's states (checker/explore/offload.ts): it builds
// the cell's system from the job (plain data) on the coordinating thread's shared
// components and answers its requests in order. A thread that fails or exits fails the
// requests it had, and the run's verdict says so. Runs the compiled JavaScript in dist/.

import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from "node:worker_threads";
import type { Expander, ExpandRequest, ExpandResult } from "../explore/offload";
import type { SharedComponentsData } from "../explore/shared-store";
import type { CellJob } from "./job";
import { PACKAGE_ROOT } from "./package-root";

/** What the expanding thread is started with. */
export interface ExpanderData {
  readonly job: CellJob;
  readonly shared: SharedComponentsData;
  /** Where it answers, and a count of its answers it raises after each (to wait on). */
  readonly answers: MessagePort;
  readonly count: SharedArrayBuffer;
}

export type ExpanderCommand =
  | ({ readonly kind: "expand" } & ExpandRequest)
  | { readonly kind: "asked" };

export type ExpanderMessage =
  | ({ readonly kind: "expanded" } & ExpandResult)
  | { readonly kind: "asked"; readonly rules: readonly string[] }
  | { readonly kind: "failed"; readonly message: string };

function expanderFile(): string {
  const candidates = [
    join(__dirname, "expand-worker.js"),
    join(PACKAGE_ROOT, "dist", "checker", "cli", "expand-worker.js"),
  ];
  const file = candidates.find((f) => existsSync(f));
  if (file === undefined)
    throw new Error("dist/checker/cli/expand-worker.js is missing: npm run build");
  return file;
}

export function threadExpander(job: CellJob, shared: SharedComponentsData): Expander {
  const { port1, port2 } = new MessageChannel();
  const count = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(expanderFile(), {
    workerData: { job, shared, answers: port2, count: count.buffer } satisfies ExpanderData,
    transferList: [port2],
  });
  let failure: Error | undefined;
  worker.on("error", (err) => {
    failure ??= err;
  });
  worker.on("exit", (code) => {
    failure ??= new Error(`the expanding thread exited (code ${code})`);
  });
  let taken = 0;
  const take = (): ExpanderMessage | undefined => {
    const m = receiveMessageOnPort(port1);
    if (m === undefined) return undefined;
    taken++;
    const message = m.message as ExpanderMessage;
    if (message.kind === "failed") throw new Error(message.message);
    return message;
  };
  // Waits on the count of answers, a while at a time, then lets this thread's events run
  // (the thread's error or exit).
  const wait = async (): Promise<ExpanderMessage> => {
    for (;;) {
      const m = take();
      if (m !== undefined) return m;
      if (failure !== undefined) throw failure;
      if (Atomics.wait(count, 0, taken, 100) === "timed-out")
        await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const expanded = (m: ExpanderMessage): ExpandResult => {
    if (m.kind !== "expanded") throw new Error(`checker error: the expander answered ${m.kind}`);
    return m;
  };
  return {
    send(req) {
      if (failure !== undefined) throw failure;
      const transfer = [req.bytes.buffer, req.ends.buffer].filter(
        (b): b is ArrayBuffer => b instanceof ArrayBuffer,
      );
      worker.postMessage({ kind: "expand", ...req } satisfies ExpanderCommand, transfer);
    },
    take() {
      const m = take();
      return m === undefined ? undefined : expanded(m);
    },
    async wait() {
      return expanded(await wait());
    },
    async asked() {
      worker.postMessage({ kind: "asked" } satisfies ExpanderCommand);
      // The answers to the requests still in flight come first.
      for (;;) {
        const m = await wait();
        if (m.kind === "asked") return m.rules;
      }
    },
    close() {
      worker.removeAllListeners("exit");
      port1.close();
      void worker.terminate();
    },
  };
}
