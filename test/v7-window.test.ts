// The v7.0 generic layer writes enable_count before it calls arch_enter_lazy_mmu_mode(), and
// the task can be preempted in between. An architecture whose context-switch code re-enters
// lazy mode for a task that __task_lazy_mmu_mode_active() calls active, and whose enter
// insists the CPU is not lazy yet, then enters twice. That is the shape of Xen PV in v7.0
// (291b3abed657: xen_end_context_switch() enters lazy mode if the next task is active;
// enter_lazy(): BUG_ON(mode != NONE)) before 4594437880ce made enter skip an already-lazy
// CPU. This is a TOY model that isolates the generic layer's window; the real eras are
// x86-xen-pv@v7.0 and x86-xen-pv@4594437880ce in model/arch/x86.ts (test/x86-v7.test.ts
// shows the same BUG_ON there).

import { describe, expect, it } from "vitest";
import { traceText } from "../checker/report/trace-text";
import { runCell } from "../checker/run";
import { genericBuilds } from "../model/arch/preemption";
import type { ArchModel } from "../model/arch/types";
import { BUG_ON } from "../model/kernel/context";
import { __task_lazy_mmu_mode_active } from "../model/kernel/lazy-mmu-mode";
import { preempt_disable, preempt_enable } from "../model/kernel/primitives";
import { proc, step } from "../model/kernel/program";
import { v7ApplyToPteRangeInitMm } from "../model/scenarios/v7";
import { bundledSpec } from "./helpers";

const AT = "test (toy Xen-PV-like v7.0 hooks)";

function toy(enterSkipsIfLazy: boolean): ArchModel {
  return {
    id: enterSkipsIfLazy ? "toy-xen-like@4594437880ce" : "toy-xen-like@291b3abed657",
    arch: "toy",
    era: "v7.0",
    commits: [],
    summary: "toy: per-CPU lazy mode re-entered at switch-in for an active task",
    ran: [{ why: "a toy model of no kernel, for the test" }],
    builds: genericBuilds,
    sources: [],
    departures: ["A toy for this test: no multicall buffer, no CPU lazy mode."],
    api: "lazy-mmu-mode",
    perCpu: { mode: "NONE" },
    perTask: {},
    procs: [
      proc("arch_enter_lazy_mmu_mode", [
        preempt_disable("arch_enter_lazy_mmu_mode", AT),
        step("arch_enter_lazy_mmu_mode", "enter_lazy(XEN_LAZY_MMU)", AT, (d, env) => {
          const c = d.cpus[env.cpu];
          if (!c) return;
          if (enterSkipsIfLazy && c.arch.mode === "MMU") return;
          BUG_ON(env, c.arch.mode !== "NONE", "enter_lazy(): mode != XEN_LAZY_NONE");
          (c.arch as Record<string, string>).mode = "MMU";
        }),
        preempt_enable("arch_enter_lazy_mmu_mode", AT),
      ]),
      proc("arch_leave_lazy_mmu_mode", [
        step("arch_leave_lazy_mmu_mode", "leave_lazy(XEN_LAZY_MMU)", AT, (d, env) => {
          const c = d.cpus[env.cpu];
          if (c) (c.arch as Record<string, string>).mode = "NONE";
        }),
      ]),
      proc("arch_flush_lazy_mmu_mode", [
        step("arch_flush_lazy_mmu_mode", "flush", AT, () => undefined),
      ]),
    ],
    contextSwitch: [
      {
        fn: "xen_start_context_switch",
        label: "if (mode == MMU) leave_lazy(MMU)",
        at: AT,
        run: (d, sw) => {
          const c = d.cpus[sw.cpu];
          if (sw.prev === null || !c || c.arch.mode !== "MMU") return false;
          (c.arch as Record<string, string>).mode = "NONE";
          return true;
        },
      },
      {
        fn: "xen_end_context_switch",
        label: "if (__task_lazy_mmu_mode_active(next)) enter_lazy(MMU)",
        at: AT,
        run: (d, sw) => {
          const c = d.cpus[sw.cpu];
          const next = d.tasks.find((t) => t.id === sw.next);
          if (!c || !next || !__task_lazy_mmu_mode_active(next)) return false;
          (c.arch as Record<string, string>).mode = "MMU";
          return true;
        },
      },
    ],
  };
}

function check(arch: ArchModel) {
  return runCell(
    {
      spec: bundledSpec("lazy-mmu-v7.0"),
      arch,
      scenario: v7ApplyToPteRangeInitMm,
      preemption: "full",
    },
    { maxStates: 200_000, timeoutMs: 60_000, now: () => performance.now() },
  );
}

describe("the window between enable_count++ and arch_enter_lazy_mmu_mode()", () => {
  it("a switch-in that re-enters for an active task, then the task's own enter: BUG_ON", () => {
    const r = check(toy(false));
    if (process.env.PRINT_TRACE === "1") {
      const v = r.violations.find((x) => x.rule === "no-kernel-bug");
      if (v) process.stdout.write(traceText(r, v));
    }
    const bugv = r.violations.find((v) => v.rule === "no-kernel-bug");
    expect(bugv?.message).toMatch(/enter_lazy\(\): mode != XEN_LAZY_NONE/);
    // The shortest trace: the count step, a preemption, the switch back in, the enter.
    const actions = bugv?.steps.map((s) => s.action?.kind ?? "init") ?? [];
    expect(actions).toContain("switch-out");
    expect(actions).toContain("switch-in");
  });

  it("an enter that skips an already lazy CPU (the 4594437880ce shape) is safe here", () => {
    expect(check(toy(true)).verdict).toBe("pass");
  });
});
