// Bottom halves: local_bh_disable()/local_bh_enable(), spin_lock_bh()/spin_unlock_bh(), and
// a task serving softirqs (ksoftirqd). What they do to the softirq count that in_interrupt()
// reads, to preemption and to migration, per preemption model.
//
// Sources (torvalds/linux, read with the search tool): kernel/softirq.c
// (__local_bh_disable_ip(), __local_bh_enable_ip(), ksoftirqd_run_begin()/_end(),
// softirq_handle_begin()/_end(), both the PREEMPT_RT and the !PREEMPT_RT halves),
// include/linux/bottom_half.h, include/linux/preempt.h (SOFTIRQ_DISABLE_OFFSET = 2 *
// SOFTIRQ_OFFSET; softirq_count() is preempt_count() & SOFTIRQ_MASK, or on PREEMPT_RT
// current->softirq_disable_cnt & SOFTIRQ_MASK), include/linux/spinlock.h and
// spinlock_rt.h (spin_lock_bh(): local_bh_disable() then the lock).
//
// Departures: the softirqs a local_bh_enable() runs when the count drops to zero are not run
// inside this step: a softirq source fires at any point where bottom halves are enabled,
// which includes the moment after local_bh_enable(). On PREEMPT_RT the per-CPU
// softirq_ctrl.lock that the first local_bh_disable() takes (optional from
// PREEMPT_RT_NEEDS_BH_LOCK) is modelled by its migrate_disable() only: two tasks of one
// CPU are not serialised by it here, and taking it is not a sleep point. A softirq handler's own local_bh_disable() (nested in
// a softirq) is a preempt count increment of the handler. WARN_ON_ONCE(in_hardirq()) is
// not modelled: no hardirq handler here disables bottom halves.

import type { Draft } from "immer";
import { addPreemptCount, bug, cpuOf, SOFTIRQ_COUNT, softirqCount, taskById } from "./context";
import { preemptDecrement, spin_lock, spin_unlock } from "./primitives";
import { type Op, type Step, type StepEnv, step } from "./program";
import type { Kernel } from "./state";

const SOFTIRQ_C = "kernel/softirq.c";
/** SOFTIRQ_DISABLE_OFFSET, in units of SOFTIRQ_OFFSET. */
const BH_DISABLE = 2;
/** SOFTIRQ_OFFSET: serving softirqs. */
const SERVING = 1;
/** PREEMPT_RT: this task holds softirq_ctrl.lock (taken by a first, preemptible entry). */
const BH_LOCKED = "softirq_ctrl.lock";

function addSoftirq(d: Draft<Kernel>, env: StepEnv, delta: number): void {
  if (env.self.kind !== "task") {
    // Inside a softirq handler: only the handler's preempt count moves.
    if (delta > 0) addPreemptCount(d, env, 1);
    else preemptDecrement(d, env);
    return;
  }
  const t = taskById(d, env.self.id);
  const before = softirqCount(t);
  if (before + delta < 0) {
    bug(env, "WARN_ON", "WARNING: local_bh_enable() without local_bh_disable(): softirq count < 0");
    return;
  }
  (t.flags as Record<string, number>)[SOFTIRQ_COUNT] = before + delta;
  if (env.preemption === "rt") {
    // A first entry from preemptible code takes the per-CPU local lock (on RT that is
    // migrate_disable()); the exit that brings the count to zero drops it if it was taken.
    const flags = t.flags as Record<string, number>;
    if (before === 0 && delta > 0 && t.preemptCount === 0 && cpuOf(d, env).irqsEnabled) {
      t.migrationDisabled += 1;
      flags[BH_LOCKED] = 1;
    }
    if (before + delta === 0 && delta < 0 && flags[BH_LOCKED] === 1) {
      t.migrationDisabled -= 1;
      delete flags[BH_LOCKED];
    }
  } else if (delta > 0) t.preemptCount += 1;
  else preemptDecrement(d, env);
}

/** local_bh_disable(): softirq count += SOFTIRQ_DISABLE_OFFSET (RT: the local lock first). */
export function local_bh_disable(fn: string, at = SOFTIRQ_C): Step {
  return step(fn, "local_bh_disable()", `${at} (__local_bh_disable_ip)`, (d, env) => {
    addSoftirq(d, env, BH_DISABLE);
  });
}

/**
 * local_bh_enable(): softirq count -= SOFTIRQ_DISABLE_OFFSET; pending softirqs then run
 * (here: a softirq source may fire from the next transition on).
 */
export function local_bh_enable(fn: string, at = SOFTIRQ_C): Step {
  return step(fn, "local_bh_enable()", `${at} (__local_bh_enable_ip)`, (d, env) => {
    addSoftirq(d, env, -BH_DISABLE);
  });
}

/** spin_lock_bh(lock): local_bh_disable(), then spin_lock(lock). */
export function spin_lock_bh(fn: string, lock: string, at = "include/linux/spinlock.h"): Op[] {
  return [local_bh_disable(fn), spin_lock(fn, lock, `${at} (spin_lock_bh)`)];
}

/** spin_unlock_bh(lock): spin_unlock(lock), then local_bh_enable(). */
export function spin_unlock_bh(fn: string, lock: string, at = "include/linux/spinlock.h"): Op[] {
  return [spin_unlock(fn, lock, `${at} (spin_unlock_bh)`), local_bh_enable(fn)];
}

/**
 * ksoftirqd serving softirqs: run_ksoftirqd() -> ksoftirqd_run_begin() and
 * handle_softirqs(): the softirq count gains SOFTIRQ_OFFSET (in_serving_softirq(), so
 * in_interrupt() holds) with interrupts on. Non-RT that count is in preempt_count, so the
 * handler cannot be preempted; PREEMPT_RT it is the task's softirq_disable_cnt and the
 * handler runs preemptible, pinned by the local lock.
 */
export function servingSoftirq(body: readonly Op[]): Op[] {
  return [
    step("run_ksoftirqd", "ksoftirqd_run_begin(); handle_softirqs(true)", SOFTIRQ_C, (d, env) => {
      addSoftirq(d, env, SERVING);
    }),
    ...body,
    step("run_ksoftirqd", "ksoftirqd_run_end()", SOFTIRQ_C, (d, env) => {
      addSoftirq(d, env, -SERVING);
    }),
  ];
}
