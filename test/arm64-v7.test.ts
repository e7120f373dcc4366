// arm64@v7.0 (4dd9b4d7a8d5): TIF_LAZY_MMU is gone, queue_pte_barriers() asks the generic
// layer's is_lazy_mmu_mode_active(), enter is empty and leave = flush. These tests pin what
// the era does under the v7.0 layer, and show that each v7.0 scenario would catch a plausible
// mistake in those few lines: mutants of the era (written here, not kernel code) must fail
// the rule the mistake breaks.

import { describe, expect, it } from "vitest";
import { type CellResult, runCell } from "../checker/run";
import { arm64V70 } from "../model/arch/arm64";
import type { ArchModel } from "../model/arch/types";
import { dsb } from "../model/kernel/hardware";
import {
  __task_lazy_mmu_mode_active,
  ENABLE_COUNT,
  PAUSE_COUNT,
} from "../model/kernel/lazy-mmu-mode";
import { nop } from "../model/kernel/primitives";
import { type Proc, proc, step } from "../model/kernel/program";
import type { PreemptionModel } from "../model/kernel/state";
import { buildMachine } from "../model/machine/machine";
import type { Scenario } from "../model/scenarios/types";
import {
  v7ApplyToPteRangeInitMm,
  v7IrqApi,
  v7KasanPauseResume,
  v7Vmalloc,
  v7ZapNestedDebugPagealloc,
} from "../model/scenarios/v7";
import { reachable } from "./explore-helpers";
import { bundledSpec } from "./helpers";

const AT = "test (mutant of arm64@v7.0)";
const PENDING = "TIF_LAZY_MMU_PENDING";

/** arm64@v7.0 with some procedures replaced. */
function mutant(id: string, replace: readonly Proc[]): ArchModel {
  const names = new Set(replace.map((p) => p.name));
  return {
    ...arm64V70,
    id: `arm64@v7.0~${id}`,
    procs: [...arm64V70.procs.filter((p) => !names.has(p.name)), ...replace],
  };
}

function check(arch: ArchModel, scenario: Scenario, preemption: PreemptionModel): CellResult {
  return runCell(
    { spec: bundledSpec("lazy-mmu-v7.0"), arch, scenario, preemption },
    { maxStates: 200_000, timeoutMs: 60_000, now: () => performance.now() },
  );
}

const rules = (r: CellResult) => [...new Set(r.violations.map((v) => v.rule))];

describe("arm64@v7.0: the era itself", () => {
  it("is a v7.0 API model whose only per-task state is TIF_LAZY_MMU_PENDING", () => {
    expect(arm64V70.api).toBe("lazy-mmu-mode");
    expect(arm64V70.perTask).toEqual({ [PENDING]: 0 });
    expect(arm64V70.commits).toContain("4dd9b4d7a8d5");
  });

  it("passes the nested, pause/resume and interrupt scenarios under every preemption model", () => {
    for (const sc of [v7ZapNestedDebugPagealloc, v7KasanPauseResume, v7IrqApi]) {
      for (const p of ["none", "full", "rt"] as const) {
        expect(check(arm64V70, sc, p).verdict, `${sc.id} ${p}`).toBe("pass");
      }
    }
  });

  it("never owes a barrier while paused: KASAN's writes between pause and resume are immediate", () => {
    const m = buildMachine(arm64V70, v7KasanPauseResume, "full");
    let paused = 0;
    for (const { state } of reachable(m)) {
      for (const t of state.tasks) {
        if (Number(t.flags[PAUSE_COUNT] ?? 0) > 0) paused++;
        expect(t.flags[PENDING] ?? 0, `task ${t.id}`).toBe(0);
      }
    }
    expect(paused).toBeGreaterThan(0);
  });

  it("batches the nested kernel store, and owes nothing once a task has finished", () => {
    const m = buildMachine(arm64V70, v7ZapNestedDebugPagealloc, "full");
    let owed = 0;
    for (const { state } of reachable(m)) {
      for (const t of state.tasks) {
        if (t.flags[PENDING] === 1) owed++;
        if (t.status === "done") expect(t.flags[PENDING] ?? 0, `task ${t.id}`).toBe(0);
      }
    }
    // The kernel:4 store of the nested __kernel_map_pages() is batched in the zap region.
    expect(owed).toBeGreaterThan(0);
  });
});

describe("mutants of arm64@v7.0 fail the rule their mistake breaks", () => {
  it("a flush that forgets the pending barriers breaks nested-disable-flushes", () => {
    const r = check(
      mutant("flush-noop", [
        proc("arch_flush_lazy_mmu_mode", [nop("arch_flush_lazy_mmu_mode", "{}", AT)]),
      ]),
      v7ZapNestedDebugPagealloc,
      "full",
    );
    expect(r.verdict).toBe("fail");
    expect(rules(r)).toContain("nested-disable-flushes");
  });

  const leaveNoop = () =>
    mutant("leave-noop", [
      proc("arch_leave_lazy_mmu_mode", [nop("arch_leave_lazy_mmu_mode", "{}", AT)]),
    ]);

  it("a leave that does not flush breaks effective-at-leave", () => {
    const r = check(leaveNoop(), v7Vmalloc, "none");
    expect(r.verdict).toBe("fail");
    expect(rules(r)).toContain("effective-at-leave");
  });

  // Here the leave is the task's last step. The task's exit (and __switch_to()'s dsb(ish) to
  // idle) is a transition of its own, so the return of arch_leave_lazy_mmu_mode() is judged
  // before the switch hides the missing flush. (It once was judged after: a checker blind
  // spot found with this mutant.)
  it("a leave that does not flush breaks effective-at-leave when it is the task's last step", () => {
    for (const p of ["none", "full"] as const) {
      const r = check(leaveNoop(), v7ApplyToPteRangeInitMm, p);
      expect(r.verdict).toBe("fail");
      expect(rules(r)).toContain("effective-at-leave");
    }
  });

  it("queue_pte_barriers() asking the interrupted task's counts breaks inactive-in-interrupt", () => {
    const r = check(
      mutant("queue-reads-task", [
        proc("queue_pte_barriers", [
          step(
            "queue_pte_barriers",
            "if (__task_lazy_mmu_mode_active(current)) ...",
            AT,
            (d, env) => {
              const cur = d.cpus[env.cpu]?.current;
              const t = d.tasks.find((x) => x.id === cur);
              if (t && __task_lazy_mmu_mode_active(t)) {
                (t.flags as Record<string, number>)[PENDING] = 1;
                return "return";
              }
              dsb(d, env.cpu);
              return "return";
            },
          ),
        ]),
      ]),
      v7IrqApi,
      "full",
    );
    expect(r.verdict).toBe("fail");
    expect(rules(r)).toContain("inactive-in-interrupt");
  });

  it("queue_pte_barriers() that ignores pause_count batches KASAN's paused writes", () => {
    const ignoresPause = mutant("ignores-pause", [
      proc("queue_pte_barriers", [
        step("queue_pte_barriers", "if (enable_count) ...", AT, (d, env) => {
          const self = env.self;
          const t = self.kind === "task" ? d.tasks.find((x) => x.id === self.id) : undefined;
          if (t && Number(t.flags[ENABLE_COUNT] ?? 0) > 0) {
            (t.flags as Record<string, number>)[PENDING] = 1;
            return "return";
          }
          dsb(d, env.cpu);
          return "return";
        }),
      ]),
    ]);
    const m = buildMachine(ignoresPause, v7KasanPauseResume, "full");
    const owedWhilePaused = reachable(m).some(({ state }) =>
      state.tasks.some((t) => Number(t.flags[PAUSE_COUNT] ?? 0) > 0 && t.flags[PENDING] === 1),
    );
    expect(owedWhilePaused).toBe(true);
    const r = check(ignoresPause, v7KasanPauseResume, "full");
    expect(r.verdict).toBe("fail");
    expect(rules(r)).toContain("immediate-outside");
  });
});
