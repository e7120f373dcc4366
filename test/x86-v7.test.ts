// The v7.0 eras of x86 Xen PV (model/arch/x86.ts): x86-xen-pv@v7.0 (66bdd779d344,
// 291b3abed657) and x86-xen-pv@4594437880ce. The window between the generic layer's count
// write and the arch hook (lazy_mmu_mode_enable/disable(), include/linux/pgtable.h) meets
// the context-switch hooks of 291b3abed657, which read the task's count: 4594437880ce
// ("xen_enter_lazy_mmu() and xen_leave_lazy_mmu() don't tolerate this case") is the fix.
// The hybrids below swap one hook of one era into the other, to show that each half of the
// fix (enter, leave) closes its own window, and that the flush of 66bdd779d344 is needed.

import { describe, expect, it } from "vitest";
import { runCell } from "../checker/run";
import type { ArchModel } from "../model/arch/types";
import { x86XenPv4594437880ce, x86XenPvV70, x86XenPvV615 } from "../model/arch/x86-xen-pv";
import { nop } from "../model/kernel/primitives";
import type { Proc } from "../model/kernel/program";
import { findScenario } from "../model/scenarios/index";
import { bundledSpec, run } from "./helpers";

const SPEC = "lazy-mmu-v7.0";

function procOf(arch: ArchModel, name: string): Proc {
  const p = arch.procs.find((x) => x.name === name);
  if (!p) throw new Error(`${arch.id} has no ${name}`);
  return p;
}

/** `base` with the named procedures taken from `from`. */
function hybrid(id: string, base: ArchModel, from: ArchModel, names: readonly string[]): ArchModel {
  return {
    ...base,
    id,
    procs: base.procs.map((p) => (names.includes(p.name) ? procOf(from, p.name) : p)),
  };
}

function check(arch: ArchModel, scenarioId: string, preemption: "none" | "full" | "rt") {
  const scenario = findScenario(scenarioId);
  if (!scenario) throw new Error(`no scenario ${scenarioId}`);
  return runCell(
    { spec: bundledSpec(SPEC), arch, scenario, preemption },
    { maxStates: 500_000, timeoutMs: 120_000, now: () => performance.now() },
  );
}

describe("x86 Xen PV v7.0 eras: shape", () => {
  it("both eras use the v7.0 API and keep no TIF_LAZY_MMU_UPDATES", () => {
    for (const a of [x86XenPvV70, x86XenPv4594437880ce]) {
      expect(a.api).toBe("lazy-mmu-mode");
      expect(a.perTask).toEqual({});
    }
    expect(x86XenPvV615.api).toBeUndefined();
    expect(x86XenPvV615.perTask).toHaveProperty("TIF_LAZY_MMU_UPDATES");
  });
});

describe("x86-xen-pv@v7.0: preemption between enable_count++ and arch_enter", () => {
  it("the switch-in hook enters MMU mode, then the task's own enter_lazy() BUGs", () => {
    const r = run("x86-xen-pv@v7.0", "v7-apply-to-pte-range-init-mm", "full", SPEC);
    const bug = r.violations.find((v) => v.rule === "no-kernel-bug");
    expect(bug?.message).toMatch(
      /enter_lazy\(XEN_LAZY_MMU\): BUG_ON\(xen_lazy_mode != XEN_LAZY_NONE\), it is XEN_LAZY_MMU/,
    );
    const kinds = bug?.steps.map((s) => s.action?.kind ?? "init") ?? [];
    // initial state, the count step, switch-out, switch-in, the enter_lazy() read.
    expect(kinds.filter((k) => k === "switch-out")).toHaveLength(1);
    expect(kinds.filter((k) => k === "switch-in")).toHaveLength(1);
    expect(bug?.steps).toHaveLength(5);
  });

  it("without preemption the window stays shut", () => {
    expect(run("x86-xen-pv@v7.0", "v7-apply-to-pte-range-init-mm", "none", SPEC).verdict).toBe(
      "pass",
    );
  });

  it("under the PTL, full preemption shuts the window and RT opens it", () => {
    expect(run("x86-xen-pv@v7.0", "v7-zap-nested-debug-pagealloc", "full", SPEC).verdict).toBe(
      "pass",
    );
    const rt = run("x86-xen-pv@v7.0", "v7-zap-nested-debug-pagealloc", "rt", SPEC);
    expect(rt.violations.map((v) => v.rule)).toContain("no-kernel-bug");
  });

  it("4594437880ce passes the same cell", () => {
    expect(
      run("x86-xen-pv@4594437880ce", "v7-apply-to-pte-range-init-mm", "full", SPEC).verdict,
    ).toBe("pass");
  });
});

describe("each half of 4594437880ce", () => {
  it("the fixed enter alone leaves the disable-side window: leave_lazy() finds XEN_LAZY_NONE", () => {
    // enable_count 1 -> 0, preempted before arch_leave: start(prev) left MMU mode, end(next)
    // does not re-enter (the task is no longer active), then xen_leave_lazy_mmu() runs.
    const a = hybrid("xen-v7.0+fixed-enter", x86XenPvV70, x86XenPv4594437880ce, [
      "xen_enter_lazy_mmu",
    ]);
    const r = check(a, "v7-apply-to-pte-range-init-mm", "full");
    const bug = r.violations.find((v) => v.rule === "no-kernel-bug");
    expect(bug?.message).toMatch(/leave_lazy\(XEN_LAZY_MMU\): xen_lazy_mode is XEN_LAZY_NONE/);
  });

  it("the fixed leave alone still BUGs in enter_lazy()", () => {
    const a = hybrid("xen-v7.0+fixed-leave", x86XenPvV70, x86XenPv4594437880ce, [
      "xen_leave_lazy_mmu",
    ]);
    const bug = check(a, "v7-apply-to-pte-range-init-mm", "full").violations.find(
      (v) => v.rule === "no-kernel-bug",
    );
    expect(bug?.message).toMatch(/enter_lazy\(XEN_LAZY_MMU\)/);
  });
});

describe("66bdd779d344: the flush issues the buffer", () => {
  it("a flush that issues nothing breaks the nested disable rule", () => {
    const noFlush: ArchModel = {
      ...x86XenPv4594437880ce,
      id: "xen-4594437880ce+noop-flush",
      procs: x86XenPv4594437880ce.procs.map((p) =>
        p.name === "xen_flush_lazy_mmu"
          ? { name: p.name, ops: [nop(p.name, "/* issues nothing */", "test")] }
          : p,
      ),
    };
    const r = check(noFlush, "v7-zap-nested-debug-pagealloc", "none");
    expect(r.verdict).toBe("fail");
    expect(r.violations.map((v) => v.rule)).not.toContain("no-kernel-bug");
  });
});
