// Reading and changing the running context from inside a step: preempt_count, interrupt
// state, the current task. What `current`, `in_interrupt()` and `preemptible()` mean here.

import type { Draft } from "immer";
import type { BugCheck, ContextRef, StepEnv } from "./program";
import type { Cpu, Kernel, Task } from "./state";

export function taskById<T extends Kernel | Draft<Kernel>>(s: T, id: string): T["tasks"][number] {
  const t = s.tasks.find((x) => x.id === id);
  if (t === undefined) throw new Error(`model error: no task ${id}`);
  return t as T["tasks"][number];
}

export function cpuOf<T extends Kernel | Draft<Kernel>>(s: T, env: StepEnv): T["cpus"][number] {
  const c = s.cpus[env.cpu];
  if (c === undefined) throw new Error(`model error: no CPU ${env.cpu}`);
  return c as T["cpus"][number];
}

/**
 * The task or interrupt handler a context reference names (absent when it is gone: a task
 * that never existed, a CPU with no handler running): what holds its stack, preempt count
 * and ghost. The one place a reference is resolved.
 */
export function findContext<T extends Kernel | Draft<Kernel>>(
  s: T,
  ref: ContextRef,
): T["tasks"][number] | NonNullable<T["cpus"][number]["irq"]> | undefined {
  if (ref.kind === "task") return s.tasks.find((x) => x.id === ref.id);
  return (s.cpus[ref.cpu]?.irq ?? undefined) as NonNullable<T["cpus"][number]["irq"]> | undefined;
}

/** findContext(), for a context that must exist: its absence is a model error. */
export function contextOf<T extends Kernel | Draft<Kernel>>(
  s: T,
  ref: ContextRef,
): T["tasks"][number] | NonNullable<T["cpus"][number]["irq"]> {
  const c = findContext(s, ref);
  if (c !== undefined) return c;
  throw new Error(
    ref.kind === "task"
      ? `model error: no task ${ref.id}`
      : `model error: no interrupt on CPU ${ref.cpu}`,
  );
}

/** `current`: the task on this CPU (inside an interrupt, the task it interrupted). */
export function currentTask(s: Draft<Kernel>, env: StepEnv): Draft<Task> | undefined {
  const id = cpuOf(s, env).current;
  return id === null ? undefined : taskById(s, id);
}

/**
 * Where a task's softirq count lives in `task.flags`, in units of SOFTIRQ_OFFSET: 2 per
 * local_bh_disable() (SOFTIRQ_DISABLE_OFFSET), 1 while it serves softirqs (ksoftirqd).
 * Non-RT it is a field of preempt_count, RT `current->softirq_disable_cnt`; either way
 * softirq_count() reads it (include/linux/preempt.h).
 */
export const SOFTIRQ_COUNT = "softirq_count";

export function softirqCount(t: Pick<Task, "flags">): number {
  return Number(t.flags[SOFTIRQ_COUNT] ?? 0);
}

/**
 * in_interrupt(), i.e. irq_count() != 0 (include/linux/preempt.h): in a hardirq or softirq
 * handler, and also in a task that has bottom halves disabled (local_bh_disable(),
 * spin_lock_bh()) or is serving softirqs (ksoftirqd), PREEMPT_RT included.
 */
export function inInterrupt(s: Kernel | Draft<Kernel>, env: StepEnv): boolean {
  if (env.self.kind === "irq") return true;
  const id = env.self.id;
  const t = (s.tasks as readonly Pick<Task, "id" | "flags">[]).find((x) => x.id === id);
  return t !== undefined && softirqCount(t) > 0;
}

export function preemptCount(s: Kernel | Draft<Kernel>, env: StepEnv): number {
  if (env.self.kind === "irq") return findContext(s, env.self)?.preemptCount ?? 0;
  return contextOf(s, env.self).preemptCount;
}

export function addPreemptCount(d: Draft<Kernel>, env: StepEnv, delta: number): void {
  const c = env.self.kind === "irq" ? findContext(d, env.self) : contextOf(d, env.self);
  if (c) c.preemptCount += delta;
}

/** What DEBUG_PREEMPT's check_preemption_disabled() accepts as "cannot move CPU". */
export function pinnedToCpu(s: Kernel | Draft<Kernel>, env: StepEnv): boolean {
  if (env.self.kind === "irq") return true;
  const t = taskById(s, env.self.id);
  const c: Cpu = cpuOf(s, env) as Cpu;
  return t.preemptCount > 0 || !c.irqsEnabled || t.migrationDisabled > 0;
}

/** Could this context sleep here without a "sleeping function called from invalid context"? */
export function mayScheduleHere(s: Kernel | Draft<Kernel>, env: StepEnv): boolean {
  if (env.self.kind === "irq") return false;
  return taskById(s, env.self.id).preemptCount === 0 && cpuOf(s, env).irqsEnabled;
}

export function bug(env: StepEnv, check: BugCheck, message: string): void {
  env.emit({ kind: "bug", check, message, fatal: check === "BUG_ON" });
}

/** BUG_ON(cond): a fatal oops; the machine stops. */
export function BUG_ON(env: StepEnv, cond: boolean, what: string): void {
  if (cond) bug(env, "BUG_ON", `kernel BUG: ${what}`);
}

/** WARN_ON(cond): a warning splat; execution goes on. */
export function WARN_ON(env: StepEnv, cond: boolean, what: string): void {
  if (cond) bug(env, "WARN_ON", `WARNING: ${what}`);
}

export function VM_WARN_ON(env: StepEnv, cond: boolean, what: string): void {
  if (cond) bug(env, "VM_WARN_ON", `WARNING: ${what}`);
}
