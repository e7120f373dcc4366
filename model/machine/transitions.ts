// The transition relation: from a state, everything that can happen next.
//  - a context (task or interrupt handler) runs its next atomic step, unless a guard holds
//    it (a contended lock);
//  - an interrupt arrives on a CPU whose interrupts are enabled, within its source's bound;
//  - the running task is switched out: preempted (preempt_count zero, interrupts on, not in
//    an interrupt; under `none` only at a point where it may sleep), or sleeping there;
//  - an idle CPU switches in a runnable task of its runqueue;
//  - a runnable task migrates to another CPU, unless migration is disabled or it is pinned;
//  - a sleeping task is woken.
// The architecture's context-switch hooks run inside the switch, with interrupts off.

import type { Draft } from "immer";
import type { SwitchEnv } from "../arch/types";
import { softirqCount } from "../kernel/context";
import {
  type ContextRef,
  type KernelEvent,
  type Step,
  type StepEnv,
  sleepsAt,
} from "../kernel/program";
import type { Cpu, Frame, Kernel, Task, Val } from "../kernel/state";
import type { IrqKind } from "../scenarios/types";
import { produce } from "./immer";
import type { Machine } from "./machine";
import {
  contextId,
  type Listen,
  listenAll,
  type Observation,
  observeBug,
  observeCall,
  observeMightSleep,
  observeReturn,
  viewOf,
} from "./observe";

export type Action =
  | {
      readonly kind: "step";
      readonly cpu: number;
      readonly ctx: string;
      readonly fn: string;
      readonly label: string;
      readonly at: string;
    }
  | { readonly kind: "irq"; readonly cpu: number; readonly source: string }
  | {
      readonly kind: "switch-out";
      readonly cpu: number;
      readonly task: string;
      readonly reason: "preempt" | "sleep" | "exit";
      readonly hooks: readonly string[];
    }
  | {
      readonly kind: "switch-in";
      readonly cpu: number;
      readonly task: string;
      readonly hooks: readonly string[];
    }
  | { readonly kind: "migrate"; readonly task: string; readonly from: number; readonly to: number }
  | { readonly kind: "wake"; readonly task: string };

export interface Transition {
  readonly action: Action;
  readonly next: Kernel;
  readonly events: readonly Observation[];
}

/** Where a transition's observations go, and which ones are wanted. */
interface Recorder {
  readonly out: Observation[];
  readonly listen: Listen;
}

/**
 * Every transition enabled in `s`, in a fixed order (so runs are deterministic). `listen`
 * picks the events recorded (all by default; the explorer asks only for what rules read).
 */
export function successors(m: Machine, s: Kernel, listen: Listen = listenAll): Transition[] {
  const out: Transition[] = [];
  if (s.halted !== null) return out;
  for (const cpu of s.cpus) {
    if (cpu.irq !== null) {
      const t = runStep(m, s, { kind: "irq", cpu: cpu.id, source: cpu.irq.source }, cpu.id, listen);
      if (t) out.push(t);
    } else if (cpu.current !== null) {
      const task = s.tasks.find((x) => x.id === cpu.current);
      if (!task) throw new Error(`model error: CPU ${cpu.id} runs unknown task`);
      if (task.status === "done") {
        out.push(switchOut(m, s, cpu.id, task, "exit", listen));
      } else {
        const t = runStep(m, s, { kind: "task", id: task.id }, cpu.id, listen);
        if (t) out.push(t);
        if (task.atSleepPoint) out.push(switchOut(m, s, cpu.id, task, "sleep", listen));
        const involuntary = m.preemption !== "none" && task.preemptCount === 0 && cpu.irqsEnabled;
        if (involuntary) out.push(switchOut(m, s, cpu.id, task, "preempt", listen));
      }
    } else {
      for (const task of s.tasks) {
        if (task.status === "runnable" && task.cpu === cpu.id)
          out.push(switchIn(m, s, cpu.id, task, listen));
      }
    }
    if (cpu.irqsEnabled) {
      for (const src of m.scenario.irqs) {
        if ((s.irqFired[src.id] ?? 0) >= src.bound) continue;
        if (src.cpus !== undefined && !src.cpus.includes(cpu.id)) continue;
        if (!mayFire(m, s, cpu, src.kind ?? "hardirq")) continue;
        out.push(fireIrq(s, cpu.id, src.id, src.handler, src.kind ?? "hardirq", listen));
      }
    }
  }
  for (const task of s.tasks) {
    if (task.status === "sleeping") out.push(wake(s, task));
    if (task.status !== "runnable" || task.migrationDisabled > 0 || m.pinned.has(task.id)) continue;
    for (const cpu of s.cpus) {
      if (cpu.id !== task.cpu) out.push(migrate(s, task, cpu.id));
    }
  }
  return out;
}

/**
 * May an interrupt of `kind` land on `cpu` (whose interrupts are on)? A hardirq on top of
 * the task or of a softirq (which runs with interrupts on), never over another hardirq. A
 * softirq only where no handler runs and the task has bottom halves enabled (irq_exit()
 * and local_bh_enable() run softirqs only when !in_interrupt()), and never under
 * PREEMPT_RT, where invoke_softirq() wakes ksoftirqd (kernel/softirq.c).
 */
function mayFire(m: Machine, s: Kernel, cpu: Cpu, kind: IrqKind): boolean {
  if (kind === "hardirq") return cpu.irq === null || cpu.irq.interrupted === null;
  if (m.preemption === "rt" || cpu.irq !== null) return false;
  const current = s.tasks.find((t) => t.id === cpu.current);
  return current === undefined || softirqCount(current) === 0;
}

/** Is every task done (a final state rather than a deadlock)? */
export function allDone(s: Kernel): boolean {
  return s.tasks.every((t) => t.status === "done") && s.cpus.every((c) => c.irq === null);
}

function stackOf(s: Kernel | Draft<Kernel>, ref: ContextRef): readonly Frame[] {
  if (ref.kind === "task") return s.tasks.find((t) => t.id === ref.id)?.stack ?? [];
  return s.cpus[ref.cpu]?.irq?.stack ?? [];
}

function mutableStack(d: Draft<Kernel>, ref: ContextRef): Draft<Frame>[] {
  if (ref.kind === "task") {
    const t = d.tasks.find((x) => x.id === ref.id);
    if (!t) throw new Error(`model error: no task ${ref.id}`);
    return t.stack;
  }
  const irq = d.cpus[ref.cpu]?.irq;
  if (!irq) throw new Error(`model error: no interrupt on CPU ${ref.cpu}`);
  return irq.stack;
}

interface Resolved {
  readonly step: Step;
  /** Frames to push, in order, before the step runs (calls at the current position). */
  readonly pushes: readonly {
    readonly proc: string;
    readonly args: Readonly<Record<string, Val>>;
  }[];
  readonly args: Readonly<Record<string, Val>>;
  readonly locals: Readonly<Record<string, Val>>;
}

/** Follows `call` ops from the current position down to the step that runs next. */
function resolve(m: Machine, stack: readonly Frame[]): Resolved | undefined {
  const top = stack[stack.length - 1];
  if (!top) return undefined;
  let op = m.procs[top.proc]?.ops[top.pc];
  let args = top.args;
  let locals = top.locals;
  const pushes: { proc: string; args: Readonly<Record<string, Val>> }[] = [];
  while (op !== undefined && op.op === "call") {
    // A call without arguments forwards the caller's (a wrapper such as set_pte_at).
    args = op.args ?? args;
    locals = {};
    pushes.push({ proc: op.proc, args });
    op = m.procs[op.proc]?.ops[0];
  }
  if (op === undefined) throw new Error(`model error: ${top.proc} runs past its end`);
  return { step: op, pushes, args, locals };
}

function makeEnv(
  m: Machine,
  ref: ContextRef,
  cpu: number,
  args: Readonly<Record<string, Val>>,
  locals: Record<string, Val>,
  emit: (e: KernelEvent) => void,
): StepEnv {
  return { cpu, self: ref, args, locals, preemption: m.preemption, emit };
}

function runStep(
  m: Machine,
  s: Kernel,
  ref: ContextRef,
  cpu: number,
  listen: Listen,
): Transition | undefined {
  const r = resolve(m, stackOf(s, ref));
  if (!r) return undefined;
  const { step } = r;
  if (
    step.guard &&
    !step.guard(
      s,
      makeEnv(m, ref, cpu, r.args, { ...r.locals }, () => {}),
    )
  ) {
    return undefined;
  }
  const events: Observation[] = [];
  const rec: Recorder = { out: events, listen };
  const next = produce(s, (d) => {
    const stack = mutableStack(d, ref);
    for (const p of r.pushes) {
      const caller = stack[stack.length - 1];
      if (caller) caller.pc += 1;
      stack.push({ proc: p.proc, pc: 0, args: p.args, locals: {} });
      observeCall(d, ref, cpu, p.proc, p.args, events, listen);
    }
    const frame = stack[stack.length - 1];
    if (!frame) throw new Error("model error: empty stack");
    const sleeps = sleepsAt(step, m.preemption);
    if (sleeps && listen("might-sleep", step.fn))
      observeMightSleep(d, ref, cpu, step.fn, step.label, events);
    const kernelEvents: KernelEvent[] = [];
    const env = makeEnv(m, ref, cpu, frame.args, frame.locals, (e) => kernelEvents.push(e));
    const after = step.run(d, env);
    for (const e of kernelEvents) record(d, ref, cpu, e, rec);
    if (after === "return") {
      popFrame(d, ref, cpu, stack, rec);
    } else {
      frame.pc += 1;
      if (after !== undefined) {
        const args = after.args ?? {};
        stack.push({ proc: after.call, pc: 0, args, locals: {} });
        observeCall(d, ref, cpu, after.call, args, events, listen);
      }
    }
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!top || top.pc < (m.procs[top.proc]?.ops.length ?? 0)) break;
      popFrame(d, ref, cpu, stack, rec);
    }
    if (ref.kind === "task") {
      const t = d.tasks.find((x) => x.id === ref.id);
      if (t && t.atSleepPoint !== sleeps) t.atSleepPoint = sleeps;
    }
    if (stack.length === 0) finish(d, ref, cpu, rec);
  });
  return {
    action: { kind: "step", cpu, ctx: contextId(ref), fn: step.fn, label: step.label, at: step.at },
    next,
    events,
  };
}

function popFrame(
  d: Draft<Kernel>,
  ref: ContextRef,
  cpu: number,
  stack: Draft<Frame>[],
  rec: Recorder,
): void {
  const done = stack.pop();
  if (done) observeReturn(d, ref, cpu, done.proc, done.args, rec.out, rec.listen);
}

function record(
  d: Draft<Kernel>,
  ref: ContextRef,
  cpu: number,
  e: KernelEvent,
  rec: Recorder,
): void {
  if (e.kind === "read") {
    if (rec.listen("read")) {
      rec.out.push({ kind: "read", addr: e.addr, value: e.value, ctx: viewOf(d, ref, cpu) });
    }
    return;
  }
  if (rec.listen("bug")) observeBug(d, ref, cpu, e.check, e.message, e.fatal, rec.out);
  if (e.fatal && d.halted === null) d.halted = e.message;
}

/** A context ran off the end of its program: a task exits, an interrupt handler returns. */
/**
 * A context ran off the end of its program: an interrupt handler returns (interrupts back
 * on), a task is done. A done task leaves its CPU in a transition of its own (do_task_dead()
 * -> __schedule()), so that the events of its last step are judged before the
 * context-switch hooks run.
 */
function finish(d: Draft<Kernel>, ref: ContextRef, cpu: number, rec: Recorder): void {
  if (rec.listen("finish")) rec.out.push({ kind: "finish", ctx: viewOf(d, ref, cpu) });
  const c = d.cpus[cpu];
  if (!c) throw new Error(`model error: no CPU ${cpu}`);
  if (ref.kind === "irq") {
    // Back to the softirq this hardirq interrupted, if any; either way interrupts are on.
    c.irq = c.irq?.interrupted ?? null;
    c.irqsEnabled = true;
    return;
  }
  const t = d.tasks.find((x) => x.id === ref.id);
  if (!t) throw new Error(`model error: no task ${ref.id}`);
  t.status = "done";
  t.atSleepPoint = false;
}

function runSwitchHooks(
  m: Machine,
  d: Draft<Kernel>,
  sw: { cpu: number; prev: string | null; next: string | null },
  ref: ContextRef,
  rec: Recorder,
): string[] {
  const ran: string[] = [];
  const emit = (e: KernelEvent) => record(d, ref, sw.cpu, e, rec);
  const env: SwitchEnv = { ...sw, emit };
  for (const hook of m.arch.contextSwitch) {
    if (hook.run(d, env)) ran.push(`${hook.fn}: ${hook.label} (${hook.at})`);
  }
  return ran;
}

/**
 * One half of a context switch, with interrupts off: the task leaves the CPU (`out`) or
 * arrives on it (`in`), and the architecture's hooks run with prev or next set.
 */
function contextSwitch(
  m: Machine,
  s: Kernel,
  cpu: number,
  task: Task,
  direction: "out" | "in",
  status: Task["status"],
  listen: Listen,
): { next: Kernel; events: Observation[]; hooks: string[] } {
  const events: Observation[] = [];
  const rec: Recorder = { out: events, listen };
  let hooks: string[] = [];
  const ref: ContextRef = { kind: "task", id: task.id };
  const next = produce(s, (d) => {
    const t = d.tasks.find((x) => x.id === task.id);
    const c = d.cpus[cpu];
    if (!t || !c) throw new Error("model error: bad switch");
    t.status = status;
    t.atSleepPoint = false;
    c.current = direction === "in" ? task.id : null;
    const sw =
      direction === "in" ? { cpu, prev: null, next: task.id } : { cpu, prev: task.id, next: null };
    hooks = runSwitchHooks(m, d, sw, ref, rec);
  });
  return { next, events, hooks };
}

function switchOut(
  m: Machine,
  s: Kernel,
  cpu: number,
  task: Task,
  reason: "preempt" | "sleep" | "exit",
  listen: Listen,
): Transition {
  const status = reason === "sleep" ? "sleeping" : reason === "exit" ? "done" : "runnable";
  const { next, events, hooks } = contextSwitch(m, s, cpu, task, "out", status, listen);
  return { action: { kind: "switch-out", cpu, task: task.id, reason, hooks }, next, events };
}

function switchIn(m: Machine, s: Kernel, cpu: number, task: Task, listen: Listen): Transition {
  const { next, events, hooks } = contextSwitch(m, s, cpu, task, "in", "running", listen);
  return { action: { kind: "switch-in", cpu, task: task.id, hooks }, next, events };
}

function fireIrq(
  s: Kernel,
  cpu: number,
  source: string,
  handler: string,
  kind: IrqKind,
  listen: Listen,
): Transition {
  const events: Observation[] = [];
  const next = produce(s, (d) => {
    const c = d.cpus[cpu];
    if (!c) throw new Error("model error: bad CPU");
    (d.irqFired as Record<string, number>)[source] = (s.irqFired[source] ?? 0) + 1;
    // A hardirq runs with interrupts off; a softirq with them on (handle_softirqs()).
    c.irqsEnabled = kind === "softirq";
    c.irq = {
      source,
      stack: [{ proc: handler, pc: 0, args: {}, locals: {} }],
      preemptCount: 0,
      ghost: { lazyDepth: 0, regions: [], wrote: {} },
      interrupted: c.irq,
    };
    observeCall(d, { kind: "irq", cpu, source }, cpu, handler, {}, events, listen);
  });
  return { action: { kind: "irq", cpu, source }, next, events };
}

function migrate(s: Kernel, task: Task, to: number): Transition {
  const next = produce(s, (d) => {
    const t = d.tasks.find((x) => x.id === task.id);
    if (t) t.cpu = to;
  });
  return { action: { kind: "migrate", task: task.id, from: task.cpu, to }, next, events: [] };
}

function wake(s: Kernel, task: Task): Transition {
  const next = produce(s, (d) => {
    const t = d.tasks.find((x) => x.id === task.id);
    if (t) t.status = "runnable";
  });
  return { action: { kind: "wake", task: task.id }, next, events: [] };
}
