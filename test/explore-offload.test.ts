// The expansion of states on another thread (checker/explore/offload.ts): the components
// both threads share (shared-store.ts) number alike, and an offloaded exploration is
// explore()'s to the last field (states, transitions, depth, limits, findings and their
// paths), this thread expanding states too or not, cut by a state limit or not; through
// the compiled worker thread as well. A reduced run stays on one thread.

import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { type CellJob, type CellRun, runJob, runJobOffloaded } from "../checker/cli/job";
import { type Exploration, explore } from "../checker/explore/bfs";
import { kernelSystem } from "../checker/explore/kernel-system";
import { exploreOffloaded, localExpander } from "../checker/explore/offload";
import { SharedComponents, SharedInterner, SharedStore } from "../checker/explore/shared-store";
import { StateStore } from "../checker/explore/store";
import { monitor } from "../checker/rules/monitor";
import { architectures } from "../model/arch/index";
import { buildMachine } from "../model/machine/machine";
import { incompatibility } from "../model/scenarios/api";
import { scenarios } from "../model/scenarios/index";
import { tempDir } from "./cli";
import { bundledSpec } from "./helpers";

const spec = bundledSpec("lazy-mmu-v6.15");

describe("shared components", () => {
  it("a shared store numbers components as the store does, and another thread's copy reads them", () => {
    const plain = new StateStore();
    const shared = SharedStore.create();
    const keyOf = (i: number) => Uint8Array.from({ length: i % 11 }, (_, j) => (i * 31 + j) & 0xff);
    const wrong: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const k = keyOf(i % 2000); // some keys twice
      if (plain.add(k) !== shared.add(k) || plain.added !== shared.added) wrong.push(i);
    }
    const again = new SharedStore(shared.data);
    for (let i = 0; i < plain.size; i++)
      if (Buffer.compare(plain.get(i), again.get(i)) !== 0) wrong.push(i);
    expect(wrong).toEqual([]);
    expect(again.size).toBe(plain.size);
  });

  it("two threads adding the same components at once give each one number, the same in both", async () => {
    // The compiled store (the global setup builds dist/), in a thread that adds the keys in
    // the other order while this one adds them: both start when the thread is ready.
    const file = join(__dirname, "..", "dist", "checker", "explore", "shared-store.js");
    const shared = SharedStore.create();
    const go = new Int32Array(new SharedArrayBuffer(8));
    const n = 100_000;
    const keyOf = (i: number) =>
      Uint8Array.from({ length: 1 + (i % 13) }, (_, j) => (i >> (j % 3)) & 0xff);
    const worker = new Worker(
      `const { workerData, parentPort } = require("node:worker_threads");
       const { SharedStore } = require(workerData.file);
       const s = new SharedStore(workerData.data);
       const keyOf = ${keyOf.toString()};
       const go = new Int32Array(workerData.go);
       Atomics.store(go, 1, 1);
       Atomics.wait(go, 0, 0);
       const got = [];
       for (let i = workerData.n - 1; i >= 0; i--) got[i] = s.add(keyOf(i));
       parentPort.postMessage(got);`,
      { eval: true, workerData: { file, data: shared.data, n, go: go.buffer } },
    );
    const theirs = new Promise<number[]>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    while (Atomics.load(go, 1) === 0) await new Promise((r) => setTimeout(r, 5));
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    const mine: number[] = [];
    for (let i = 0; i < n; i++) mine[i] = shared.add(keyOf(i));
    const other = await theirs;
    await worker.terminate();
    // The keys repeat (keyOf is not one to one): as many numbers as distinct keys.
    const distinct = new Set(Array.from({ length: n }, (_, i) => keyOf(i).join(","))).size;
    expect(other).toEqual(mine);
    expect(new Set(mine).size).toBe(distinct);
    expect(shared.size).toBe(distinct);
    for (let i = 0; i < n; i += 997) expect([...shared.get(mine[i] ?? -1)]).toEqual([...keyOf(i)]);
  });

  it("a shared interner gives each string one number, which another copy reads back", () => {
    const a = SharedInterner.create();
    const ids = ["ptl:user", "A", "ptl:user", "kfence0"].map((s) => a.id(s));
    expect(ids).toEqual([0, 1, 0, 2]);
    const b = new SharedInterner(a.data);
    expect([b.string(2), b.string(0), b.id("A"), b.id("new")]).toEqual([
      "kfence0",
      "ptl:user",
      1,
      3,
    ]);
    expect([a.string(3), a.numberId(0.5), b.number(0)]).toEqual(["new", 0, 0.5]);
  });
});

/** What must agree: all but the times and the offload's own fields. */
const comparable = (r: Exploration<unknown>) => ({
  findings: r.findings,
  stats: { ...r.stats, seconds: 0 },
  stoppedBy: r.stoppedBy,
  error: r.error,
});

describe("an offloaded exploration is explore()'s", () => {
  it("on a spread of cells, reduced or not, one trace per rule or three, cut or not", async () => {
    let compared = 0;
    let offloaded = 0;
    let withFindings = 0;
    let cut = 0;
    let turning = 0; // findings whose path takes a choice other than the first
    let expandedHere = 0; // states the coordinating thread expanded while the expander was late
    let reducedOffloaded = 0;
    const differ: string[] = [];
    let n = 0;
    const chosen = new Set([
      "sparc64@v6.5 apply-to-pte-range-init-mm",
      "x86-xen-pv@v6.15 zap-pte-range",
    ]);
    for (const a of architectures)
      for (const s of scenarios)
        for (const pre of ["none", "full"] as const) {
          const pick = n++ % 89 === 0 || (pre === "full" && chosen.has(`${a.id} ${s.id}`));
          if (!pick || incompatibility(a, s) !== undefined) continue;
          const m = buildMachine(a, s, pre);
          // `late`: of every late + 1 looks, the expander has answered at one only.
          for (const [symmetry, most, maxStates, late] of [
            [true, 1, 1_000_000, 1],
            [false, 3, 1_000_000, 0],
            [false, 1, 1_000_000, 2],
            [false, 1, 150, 1],
          ] as const) {
            const limits = {
              maxStates,
              timeoutMs: 1e9,
              now: () => performance.now(),
              tracesPerRule: most,
            };
            const one = explore(kernelSystem(m, monitor(spec), { symmetry }), limits);
            // The coordinating system makes the shared stores; the expander's attaches to them.
            const shared = SharedComponents.create();
            const coordinating = kernelSystem(m, monitor(spec), { symmetry, shared });
            const mon = monitor(spec);
            const expanding = kernelSystem(m, mon, {
              symmetry,
              shared: new SharedComponents(shared.data),
            });
            const r = await exploreOffloaded(coordinating, limits, {
              handOffAt: 2,
              start: () => localExpander(expanding, most, () => mon.triggered(), late),
              chunk: 16,
            });
            compared++;
            expandedHere += r.expandedHere;
            if (r.offloaded && coordinating.reduced === true) reducedOffloaded++;
            if (r.offloaded) {
              offloaded++;
              if (r.findings.length > 0) withFindings++;
              if (r.findings.some((f) => f.path.some((c) => c !== 0))) turning++;
              if (r.stoppedBy !== null) cut++;
            }
            if (!isDeepStrictEqual(comparable(one), comparable(r)))
              differ.push(
                `${a.id} ${s.id} ${pre} symmetry=${symmetry} traces=${most} max=${maxStates}`,
              );
          }
        }
    expect(differ).toEqual([]);
    // The comparison reached what it is for: offloaded runs, with findings, and cut ones.
    expect(compared).toBeGreaterThan(40);
    expect(offloaded).toBeGreaterThan(20);
    expect(withFindings).toBeGreaterThan(3);
    expect(cut).toBeGreaterThan(3);
    expect(turning).toBeGreaterThan(0);
    expect(expandedHere).toBeGreaterThan(100);
    // A reduced run stays in one thread: which thread numbered a component first would
    // change which state of an orbit is stored.
    expect(reducedOffloaded).toBe(0);
  });

  it("through the compiled worker thread: the same summary and trace files", async () => {
    const out = tempDir("lazymmu-offload-");
    const job = (arch: string, scenario: string, symmetry: boolean): CellJob => ({
      cell: 0,
      spec,
      arch,
      commits: [],
      scenario,
      preemption: "full",
      maxStates: 1_000_000,
      timeoutMs: 600_000,
      symmetry,
      memo: true,
      tracesPerRule: 1,
      coverage: false,
      load: [],
      out: join(out, "traces"),
      parts: 2,
    });
    const alike = (r: CellRun) => {
      const { threads: _, ...summary } = r.summary;
      return { summary: { ...summary, stats: { ...summary.stats, seconds: 0 } }, files: r.files };
    };
    let traces = 0;
    for (const [j, threads] of [
      [job("sparc64@v6.5", "apply-to-pte-range-init-mm", false), 2],
      [job("x86-xen-pv@v6.15", "zap-pte-range", false), 2],
      // A reduced run stays in one thread.
      [job("x86-xen-pv@v6.15", "zap-pte-range", true), undefined],
    ] as const) {
      const alone = runJob(j);
      const offloaded = await runJobOffloaded(j, undefined, 10);
      expect(offloaded.summary.threads).toBe(threads);
      expect(alone.summary.threads).toBeUndefined();
      expect(alike(offloaded)).toEqual(alike(alone));
      if (threads !== undefined) traces += offloaded.files.length;
    }
    // The trace files compared were made of findings of the two threads' run.
    expect(traces).toBeGreaterThan(0);
  });
});
