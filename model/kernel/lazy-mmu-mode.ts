// The generic lazy MMU layer of v7.0: lazy_mmu_mode_enable/disable/pause/resume over the
// per-task `lazy_mmu_state { u8 enable_count; u8 pause_count; }`, and the predicates
// `__task_lazy_mmu_mode_active()` / `is_lazy_mmu_mode_active()` that v7.0 architectures ask
// instead of keeping their own `active` flag.
//
// Sources: include/linux/pgtable.h (lazy_mmu_mode_*), include/linux/sched.h (lazy_mmu_state,
// is_lazy_mmu_mode_active), commits 0a096ab7a3a6 (the layer), 9273dfaeaca8 (no effect in
// interrupt context), 5ab246749569 (nesting, pause/resume), ee628d9cc8d5 (KUnit test).
// Checked: mm/tests/lazy_mmu_mode_kunit.c (torvalds/linux 42d3b66d4cdb), and the four
// functions against include/linux/pgtable.h as "mm: enable lazy_mmu sections to nest" (the
// series' v6 09/14, posted 15 Dec 2025 on v6.19-rc1) leaves them: the new side of its hunk
// `@@ -236,39 +236,139 @@` (blob dddde6873d1e..2f0dd3a4ace1; 139 new lines, counted). No
// later patch of the series touches pgtable.h (10-13 are arch files, 14 is the KUnit test).
//
// Departures: the count is written in one step and the arch hook runs in the following step
// (the engine calls the hook after the counting step returns), so a task can be preempted,
// interrupted or migrated in between, as in the kernel. The state lives in `task.flags`
// under `lazy_mmu_state.enable_count` / `.pause_count`. u8 arithmetic wraps as in C after
// the VM_WARN_ON, which is reported as a VM_WARN_ON event (the _ONCE is not modelled).

import type { Draft } from "immer";
import { inInterrupt, VM_WARN_ON } from "./context";
import { ENTER, FLUSH, LEAVE } from "./hooks";
import { type Proc, proc, type StepEnv, step } from "./program";
import type { Kernel, Task } from "./state";

/**
 * Where each function starts (`static inline void lazy_mmu_mode_...(void)`) in
 * include/linux/pgtable.h after the series' v6 09/14 (blob 2f0dd3a4ace1).
 */
const LINES = { enable: 280, disable: 306, pause: 335, resume: 361 } as const;
const PGTABLE_H = "include/linux/pgtable.h";

/** The version LINES are from, for the `linesAt` of a scenario that links lazyMmuModeProcs. */
export const LAZY_MMU_MODE_LINES_AT =
  "include/linux/pgtable.h of v6.19-rc1 with the v7.0 series v6 applied through 09/14 'mm: enable lazy_mmu sections to nest' (blob 2f0dd3a4ace1; model/kernel/lazy-mmu-mode.ts)";
const U8_MAX = 255;

/** Where `current->lazy_mmu_state` lives in `task.flags` (include/linux/sched.h). */
export const ENABLE_COUNT = "lazy_mmu_state.enable_count";
export const PAUSE_COUNT = "lazy_mmu_state.pause_count";

export const LAZY_MMU_MODE_ENABLE = "lazy_mmu_mode_enable";
export const LAZY_MMU_MODE_DISABLE = "lazy_mmu_mode_disable";
export const LAZY_MMU_MODE_PAUSE = "lazy_mmu_mode_pause";
export const LAZY_MMU_MODE_RESUME = "lazy_mmu_mode_resume";

function count(t: Pick<Task, "flags"> | Draft<Task>, key: string): number {
  return Number(t.flags[key] ?? 0);
}

/** `__task_lazy_mmu_mode_active(t)`: enable_count > 0 && pause_count == 0. */
export function __task_lazy_mmu_mode_active(t: Pick<Task, "flags"> | Draft<Task>): boolean {
  return count(t, ENABLE_COUNT) > 0 && count(t, PAUSE_COUNT) === 0;
}

/**
 * `is_lazy_mmu_mode_active()`: not in interrupt (in_interrupt(): hardirq, softirq, or bottom
 * halves disabled), and `current` is active.
 */
export function is_lazy_mmu_mode_active(s: Kernel | Draft<Kernel>, env: StepEnv): boolean {
  if (env.self.kind === "irq" || inInterrupt(s, env)) return false;
  const id = env.self.id;
  const t = (s.tasks as readonly (Task | Draft<Task>)[]).find((x) => x.id === id);
  return t !== undefined && __task_lazy_mmu_mode_active(t);
}

/**
 * `current->lazy_mmu_state` of the running task, or undefined where in_interrupt() holds:
 * there every call returns at once, also in a task with bottom halves disabled.
 */
function stateOf(d: Draft<Kernel>, env: StepEnv): Draft<Task> | undefined {
  if (env.self.kind === "irq" || inInterrupt(d, env)) return undefined;
  const id = env.self.id;
  return d.tasks.find((x) => x.id === id);
}

function setCount(t: Draft<Task>, key: string, v: number): void {
  (t.flags as Record<string, number>)[key] = ((v % 256) + 256) % 256;
}

const enable: Proc = proc(LAZY_MMU_MODE_ENABLE, [
  step(
    LAZY_MMU_MODE_ENABLE,
    "if (in_interrupt() || pause_count) return; VM_WARN_ON_ONCE(enable_count == U8_MAX); if (enable_count++ == 0) arch_enter_lazy_mmu_mode()",
    `${PGTABLE_H}:${LINES.enable}`,
    (d, env) => {
      const t = stateOf(d, env);
      if (t === undefined || count(t, PAUSE_COUNT) > 0) return "return";
      const n = count(t, ENABLE_COUNT);
      VM_WARN_ON(env, n === U8_MAX, "lazy_mmu_mode_enable(): enable_count == U8_MAX");
      setCount(t, ENABLE_COUNT, n + 1);
      return n === 0 ? { call: ENTER, args: {} } : "return";
    },
  ),
]);

const disable: Proc = proc(LAZY_MMU_MODE_DISABLE, [
  step(
    LAZY_MMU_MODE_DISABLE,
    "if (in_interrupt() || pause_count) return; VM_WARN_ON_ONCE(enable_count == 0); if (--enable_count == 0) arch_leave_lazy_mmu_mode(); else arch_flush_lazy_mmu_mode()",
    `${PGTABLE_H}:${LINES.disable}`,
    (d, env) => {
      const t = stateOf(d, env);
      if (t === undefined || count(t, PAUSE_COUNT) > 0) return "return";
      const n = count(t, ENABLE_COUNT);
      VM_WARN_ON(env, n === 0, "lazy_mmu_mode_disable(): enable_count == 0");
      setCount(t, ENABLE_COUNT, n - 1);
      return n - 1 === 0 ? { call: LEAVE, args: {} } : { call: FLUSH, args: {} };
    },
  ),
]);

const pause: Proc = proc(LAZY_MMU_MODE_PAUSE, [
  step(
    LAZY_MMU_MODE_PAUSE,
    "if (in_interrupt()) return; VM_WARN_ON_ONCE(pause_count == U8_MAX); if (pause_count++ == 0 && enable_count > 0) arch_leave_lazy_mmu_mode()",
    `${PGTABLE_H}:${LINES.pause}`,
    (d, env) => {
      const t = stateOf(d, env);
      if (t === undefined) return "return";
      const n = count(t, PAUSE_COUNT);
      VM_WARN_ON(env, n === U8_MAX, "lazy_mmu_mode_pause(): pause_count == U8_MAX");
      setCount(t, PAUSE_COUNT, n + 1);
      return n === 0 && count(t, ENABLE_COUNT) > 0 ? { call: LEAVE, args: {} } : "return";
    },
  ),
]);

const resume: Proc = proc(LAZY_MMU_MODE_RESUME, [
  step(
    LAZY_MMU_MODE_RESUME,
    "if (in_interrupt()) return; VM_WARN_ON_ONCE(pause_count == 0); if (--pause_count == 0 && enable_count > 0) arch_enter_lazy_mmu_mode()",
    `${PGTABLE_H}:${LINES.resume}`,
    (d, env) => {
      const t = stateOf(d, env);
      if (t === undefined) return "return";
      const n = count(t, PAUSE_COUNT);
      VM_WARN_ON(env, n === 0, "lazy_mmu_mode_resume(): pause_count == 0");
      setCount(t, PAUSE_COUNT, n - 1);
      return n - 1 === 0 && count(t, ENABLE_COUNT) > 0 ? { call: ENTER, args: {} } : "return";
    },
  ),
]);

/** The v7.0 generic layer, linked by scenarios whose callers use the v7.0 API. */
export const lazyMmuModeProcs: readonly Proc[] = [enable, disable, pause, resume];
