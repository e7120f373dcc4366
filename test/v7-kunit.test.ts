// The KUnit test of ee628d9cc8d5 (mm/tests/lazy_mmu_mode_kunit.c), run through the model's
// own steps: the v7.0 generic layer and an architecture's hooks, one step at a time, with
// is_lazy_mmu_mode_active() read by the probe steps as the kernel test reads it.

import { describe, expect, it } from "vitest";
import { findArch } from "../model/arch/index";
import type { Kernel } from "../model/kernel/state";
import { buildMachine, initialState } from "../model/machine/machine";
import { allDone, successors } from "../model/machine/transitions";
import { v7ApplyToPteRangeInitMm, v7Kunit } from "../model/scenarios/v7";
import { run } from "./helpers";

// After: (start), enable, enable, disable, pause, [enable, disable, pause, resume], resume, disable.
const EXPECTED = [false, true, true, true, false, false, false, false, false, true, false];

function runKunit(archId: string): { final: Kernel; bugs: string[] } {
  const arch = findArch(archId);
  if (!arch) throw new Error(`no architecture model ${archId}`);
  const m = buildMachine(arch, v7Kunit, "none");
  let s = initialState(m);
  const bugs: string[] = [];
  for (let i = 0; i < 1000 && !allDone(s); i++) {
    // No interrupts, no sleep points, preemption none, CPU 1 idle: only the task's step.
    const steps = successors(m, s).filter((t) => t.action.kind === "step");
    expect(steps).toHaveLength(1);
    const t = steps[0];
    if (!t) break;
    for (const e of t.events) if (e.kind === "bug") bugs.push(e.message);
    s = t.next;
  }
  expect(allDone(s)).toBe(true);
  return { final: s, bugs };
}

describe("KUnit lazy_mmu_mode_active (ee628d9cc8d5)", () => {
  for (const archId of ["sparc64@v7.0", "generic", "sparc64@v6.15"]) {
    it(`is_lazy_mmu_mode_active() reads F, T, T, T, F, [F, F, F, F], T, F on ${archId}`, () => {
      const { final, bugs } = runKunit(archId);
      const flags = final.tasks[0]?.flags ?? {};
      const got = EXPECTED.map((_, i) => flags[`kunit.${i}`]);
      expect(got).toEqual(EXPECTED);
      expect(bugs).toEqual([]);
      expect(flags["lazy_mmu_state.enable_count"]).toBe(0);
      expect(flags["lazy_mmu_state.pause_count"]).toBe(0);
    });
  }

  it("passes the v7.0 contract under the checker", () => {
    const r = run("sparc64@v7.0", "v7-kunit-lazy-mmu-mode", "none", "lazy-mmu-v7.0");
    expect(r.violations.map((v) => v.rule)).toEqual([]);
    expect(r.verdict).toBe("pass");
  });
});

describe("the v7.0 generic layer's steps", () => {
  it("writes the count in one step and calls the hook in a later one: the task can be preempted in between", () => {
    const arch = findArch("sparc64@v7.0");
    if (!arch) throw new Error("no sparc64@v7.0");
    const m = buildMachine(arch, v7ApplyToPteRangeInitMm, "full");
    const s0 = initialState(m);
    const first = successors(m, s0).find((t) => t.action.kind === "step" && t.action.ctx === "A");
    expect(first?.action.kind === "step" && first.action.fn).toBe("lazy_mmu_mode_enable");
    const s1 = first?.next;
    if (!s1) throw new Error("no step");
    const a = s1.tasks.find((t) => t.id === "A");
    expect(a?.flags["lazy_mmu_state.enable_count"]).toBe(1);
    expect(a?.stack[a.stack.length - 1]?.proc).toBe("arch_enter_lazy_mmu_mode");
    expect(a?.preemptCount).toBe(0);
    const preempt = successors(m, s1).filter(
      (t) => t.action.kind === "switch-out" && t.action.task === "A",
    );
    expect(preempt).toHaveLength(1);
  });
});
