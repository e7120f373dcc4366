// Focused tests of the powerpc-hash and arm64 models: what their per-CPU and per-task state
// does along chosen paths, and what no reachable state may (or some must) show. The
// verdicts against the rules are in test/verdicts/{powerpc,arm64}.json.

import { describe, expect, it } from "vitest";
import { proc } from "../model/kernel/program";
import type { Kernel, Task } from "../model/kernel/state";
import type { Transition } from "../model/machine/transitions";
import { lazyRegion, pteClear } from "../model/scenarios/callers";
import type { Scenario } from "../model/scenarios/types";
import { machine, reach, runAlone } from "./explore-helpers";

function task(s: Kernel, id: string): Task {
  const t = s.tasks.find((x) => x.id === id);
  if (!t) throw new Error(`no task ${id}`);
  return t;
}

const hooksRan = (ts: readonly Transition[]) =>
  ts.filter(
    (t) =>
      (t.action.kind === "switch-out" || t.action.kind === "switch-in") && t.action.hooks.length,
  );

/** A region that changes a present user PTE, then a present init_mm PTE. */
const mixedMm: Scenario = {
  id: "test-mixed-mm",
  summary: "one region clears a user PTE and then a kernel PTE",
  source: "test",
  cpus: 1,
  tasks: [{ id: "A", cpu: 0, entry: "mixed" }],
  irqs: [],
  ptes: { "user:0": 1, "kernel:0": 1 },
  procs: [proc("mixed", lazyRegion([pteClear("user:0"), pteClear("kernel:0")]))],
  preemption: ["none"],
};

describe("powerpc-hash", () => {
  it("batches the hash flush of a present PTE inside a region and flushes it at leave", () => {
    const trail = runAlone(machine("powerpc-hash@47b8def9358c", "zap-pte-range", "none"), "A");
    const inRegion = trail.filter((s) => task(s, "A").ghost.lazyDepth === 1);
    expect(inRegion.some((s) => s.cpus[0]?.batch.includes("user:0"))).toBe(true);
    expect(inRegion.some((s) => s.hw.stale.includes("user:0"))).toBe(true);
    expect(inRegion.every((s) => task(s, "A").preemptCount >= 1)).toBe(true);
    const end = trail[trail.length - 1];
    expect(end?.cpus[0]?.batch).toEqual([]);
    expect(end?.cpus[0]?.arch.active).toBe(0);
    expect(end?.hw.stale).toEqual([]);
    expect(end && task(end, "A").preemptCount).toBe(0);
  });

  it("flushes the batch first when the next entry belongs to another mm (user, then init_mm)", () => {
    const trail = runAlone(machine("powerpc-hash@47b8def9358c", mixedMm, "none"), "A");
    const before = trail.find((s) => s.pte["kernel:0"] === 0);
    expect(before?.cpus[0]?.batch).toEqual(["user:0"]);
    const after = trail.find((s) => s.cpus[0]?.batch.includes("kernel:0"));
    expect(after?.cpus[0]?.batch).toEqual(["kernel:0"]);
    expect(after?.hw.stale).toEqual(["kernel:0"]);
  });

  it("v6.0: __switch_to hands an active batch over to the preempted task", () => {
    const { states, transitions } = reach(machine("powerpc-hash@v6.0", "zap-pte-range", "rt"));
    expect(states.some((s) => task(s, "A").flags._TLF_LAZY_MMU === 1)).toBe(true);
    const handed = hooksRan(transitions);
    expect(handed.length).toBeGreaterThan(0);
    // Switching A out of an active region marks A, flushes its CPU's batch and deactivates it.
    for (const t of handed) {
      if (t.action.kind !== "switch-out" || t.action.task !== "A") continue;
      expect(task(t.next, "A").flags._TLF_LAZY_MMU).toBe(1);
      expect(t.next.cpus[t.action.cpu]?.batch).toEqual([]);
      expect(t.next.cpus[t.action.cpu]?.arch.active).toBe(0);
    }
    expect(handed.some((t) => t.action.kind === "switch-out" && t.action.task === "A")).toBe(true);
  });

  it("v6.0: a region preempted between this_cpu_ptr() and active = 1 activates the old CPU's batch", () => {
    const { states } = reach(machine("powerpc-hash@v6.0", "apply-to-pte-range-init-mm", "full"));
    const stray = states.some(
      (s) => task(s, "A").cpu === 1 && s.cpus[1]?.current === "A" && s.cpus[0]?.arch.active === 1,
    );
    expect(stray).toBe(true);
  });

  for (const id of ["powerpc-hash@b9ef323ea168", "powerpc-hash@47b8def9358c"]) {
    for (const sc of ["apply-to-pte-range-init-mm", "zap-pte-range"]) {
      it(`${id}: the __switch_to hand-over never runs (${sc}, rt)`, () => {
        const { states, transitions } = reach(machine(id, sc, "rt"));
        expect(hooksRan(transitions)).toEqual([]);
        expect(states.every((s) => s.tasks.every((t) => t.flags._TLF_LAZY_MMU !== 1))).toBe(true);
      });
    }
  }

  it("9fee28baa601: the inner leave of set_ptes() ends batching for the outer region", () => {
    const trail = runAlone(
      machine("powerpc-hash@9fee28baa601", "remap-pte-range-set-ptes", "none"),
      "A",
    );
    const afterInner = trail.find(
      (s) => s.pte["user:0"] === 1 && task(s, "A").ghost.lazyDepth === 1,
    );
    expect(afterInner?.cpus[0]?.arch.active).toBe(0);
    expect(trail.some((s) => task(s, "A").ghost.lazyDepth === 2)).toBe(true);
    const end = trail[trail.length - 1];
    expect(end && task(end, "A").preemptCount).toBe(0);
  });
});

describe("arm64", () => {
  it("defers the barrier of a kernel entry in a region and emits it at leave", () => {
    const trail = runAlone(
      machine("arm64@1ef3095b1405", "apply-to-pte-range-init-mm", "none"),
      "A",
    );
    const owed = trail.find((s) => s.pte["kernel:0"] === 1 && task(s, "A").ghost.lazyDepth === 1);
    expect(owed?.hw.unsynced).toContain("0|kernel:0");
    const pending = trail.filter((s) => task(s, "A").flags.TIF_LAZY_MMU_PENDING === 1);
    expect(pending.length).toBeGreaterThan(0);
    const end = trail[trail.length - 1];
    expect(end?.hw.unsynced).toEqual([]);
    expect(end && task(end, "A").flags).toMatchObject({ TIF_LAZY_MMU: 0, TIF_LAZY_MMU_PENDING: 0 });
  });

  it("user entries never owe a barrier", () => {
    const { states } = reach(machine("arm64@5fdd05efa1cd", "zap-pte-range", "full"));
    expect(states.every((s) => s.hw.unsynced.length === 0)).toBe(true);
  });

  it("a migrating task's store is published by the dsb(ish) of __switch_to on the old CPU", () => {
    const { states, transitions } = reach(
      machine("arm64@1ef3095b1405", "apply-to-pte-range-init-mm", "full"),
    );
    const published = transitions.filter(
      (t) => t.action.kind === "switch-out" && t.action.task === "A" && t.action.hooks.length > 0,
    );
    expect(published.length).toBeGreaterThan(0);
    for (const t of published)
      expect(t.next.hw.unsynced.some((k) => k.startsWith("0|"))).toBe(false);
    // A still owes its flush (PENDING) while nothing is unsynced: the isb is what remains.
    expect(
      states.some(
        (s) => task(s, "A").flags.TIF_LAZY_MMU_PENDING === 1 && s.hw.unsynced.length === 0,
      ),
    ).toBe(true);
  });

  it("5fdd05efa1cd: an interrupt's kernel store sets the interrupted task's PENDING", () => {
    const { states } = reach(machine("arm64@5fdd05efa1cd", "kfence-irq-in-region", "full"));
    expect(states.some((s) => task(s, "A").flags.TIF_LAZY_MMU_PENDING === 1)).toBe(true);
  });

  it("b81c688426a9: an interrupt never touches the task's flags and never leaves a store unsynced", () => {
    const { states } = reach(machine("arm64@b81c688426a9", "kfence-irq-in-region", "full"));
    expect(states.every((s) => task(s, "A").flags.TIF_LAZY_MMU_PENDING !== 1)).toBe(true);
    const irqDone = states.filter(
      (s) => (s.irqFired.kfence ?? 0) === 1 && s.cpus.every((c) => !c.irq),
    );
    expect(irqDone.length).toBeGreaterThan(0);
    expect(irqDone.every((s) => s.hw.unsynced.length === 0)).toBe(true);
  });

  it("1ef3095b1405: an inner leave clears TIF_LAZY_MMU while the outer region is open", () => {
    const trail = runAlone(machine("arm64@1ef3095b1405", "debug-pagealloc-nested", "none"), "A");
    const after = trail.find((s) => s.pte["kernel:4"] === 1 && task(s, "A").ghost.lazyDepth === 1);
    expect(after && task(after, "A").flags.TIF_LAZY_MMU).toBe(0);
    expect(after?.hw.unsynced).toEqual([]);
  });
});
