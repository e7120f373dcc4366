// The transition relation obeys the kernel's rules for interrupts, preemption and
// migration, checked on every reachable state of real scenarios.

import { describe, expect, it } from "vitest";
import { findArch } from "../model/arch/index";
import type { PreemptionModel } from "../model/kernel/state";
import { buildMachine } from "../model/machine/machine";
import { findScenario } from "../model/scenarios/index";
import { reachable } from "./explore-helpers";

function machine(arch: string, scenario: string, p: PreemptionModel) {
  const a = findArch(arch);
  const s = findScenario(scenario);
  if (!a || !s) throw new Error("missing model");
  return buildMachine(a, s, p);
}

/** The reachable states of a machine, explored once for the three properties that read them. */
const explored = new Map<string, ReturnType<typeof reachable>>();
function reachableOf(m: ReturnType<typeof machine>): ReturnType<typeof reachable> {
  const key = `${m.arch.id} ${m.scenario.id} ${m.preemption}`;
  const hit = explored.get(key);
  if (hit) return hit;
  const all = reachable(m);
  explored.set(key, all);
  return all;
}

const CASES: [string, string][] = [
  ["sparc64@v6.14", "zap-pte-range"],
  ["sparc64@v6.15", "kfence-irq-in-region"],
  ["sparc64@v6.14", "apply-to-pte-range-init-mm"],
];

describe.each(["none", "full", "rt"] as const)("under preemption=%s", (p) => {
  it.each(CASES)("%s %s: interrupts only where enabled and within bound", (arch, scen) => {
    const m = machine(arch, scen, p);
    let irqs = 0;
    for (const { state, out } of reachableOf(m)) {
      for (const t of out) {
        if (t.action.kind !== "irq") continue;
        irqs++;
        const cpu = state.cpus[t.action.cpu];
        expect(cpu?.irqsEnabled).toBe(true);
        expect(cpu?.irq).toBeNull();
        const src = m.scenario.irqs.find(
          (i) => i.id === (t.action.kind === "irq" ? t.action.source : ""),
        );
        expect(state.irqFired[src?.id ?? ""] ?? 0).toBeLessThan(src?.bound ?? 0);
      }
    }
    if (m.scenario.irqs.length > 0) expect(irqs).toBeGreaterThan(0);
  });

  it.each(CASES)("%s %s: preemption only where the model allows it", (arch, scen) => {
    const m = machine(arch, scen, p);
    let preemptions = 0;
    for (const { state, out } of reachableOf(m)) {
      for (const t of out) {
        if (t.action.kind !== "switch-out") continue;
        const a = t.action;
        const task = state.tasks.find((x) => x.id === a.task);
        const cpu = state.cpus[a.cpu];
        expect(task?.status).toBe(a.reason === "exit" ? "done" : "running");
        expect(cpu?.irq).toBeNull();
        if (a.reason === "preempt") {
          preemptions++;
          expect(p).not.toBe("none");
          expect(task?.preemptCount).toBe(0);
          expect(cpu?.irqsEnabled).toBe(true);
        } else if (a.reason === "sleep") {
          expect(task?.atSleepPoint).toBe(true);
        } else {
          expect(task?.status).toBe("done");
          expect(task?.stack).toEqual([]);
        }
      }
    }
    if (p !== "none") expect(preemptions).toBeGreaterThan(0);
  });

  it.each(CASES)(
    "%s %s: only runnable, unpinned tasks with migration enabled migrate",
    (arch, scen) => {
      const m = machine(arch, scen, p);
      let migrations = 0;
      for (const { state, out } of reachableOf(m)) {
        for (const t of out) {
          if (t.action.kind !== "migrate") continue;
          migrations++;
          const a = t.action;
          const task = state.tasks.find((x) => x.id === a.task);
          expect(task?.status).toBe("runnable");
          expect(task?.migrationDisabled).toBe(0);
          expect(m.pinned.has(a.task)).toBe(false);
          expect(a.to).not.toBe(a.from);
        }
      }
      if (p !== "none") expect(migrations).toBeGreaterThan(0);
    },
  );
});

describe("locks", () => {
  it("under PREEMPT_RT the PTL disables migration, not preemption", () => {
    const m = machine("sparc64@v6.14", "zap-pte-range", "rt");
    const inside = reachable(m).filter(({ state }) => state.locks["ptl:user"] === "A");
    expect(inside.length).toBeGreaterThan(0);
    for (const { state } of inside) {
      const a = state.tasks.find((t) => t.id === "A");
      expect(a?.migrationDisabled).toBe(1);
    }
    expect(inside.some(({ out }) => out.some((t) => t.action.kind === "switch-out"))).toBe(true);
  });

  it("without PREEMPT_RT the PTL disables preemption", () => {
    const m = machine("sparc64@v6.14", "zap-pte-range", "full");
    for (const { state, out } of reachableOf(m)) {
      if (state.locks["ptl:user"] !== "A") continue;
      const a = state.tasks.find((t) => t.id === "A");
      expect(a?.preemptCount).toBeGreaterThan(0);
      expect(out.some((t) => t.action.kind === "switch-out" && t.action.task === "A")).toBe(false);
    }
  });
});
