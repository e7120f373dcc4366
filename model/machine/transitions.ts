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
import type { SwitchEnv, SwitchStep } from "../arch/types";
import { contextOf, findContext, softirqCount } from "../kernel/context";
import {
  type Call,
  type ContextRef,
  type FrameView,
  type KernelEvent,
  type Label,
  type Op,
  type Step,
  type StepEnv,
  sleepsAt,
} from "../kernel/program";
import type { Cpu, Frame, Kernel, Task, Val } from "../kernel/state";
import type { IrqKind } from "../scenarios/types";
import { produce as immerProduce, type Produce } from "./immer";
import type { Machine } from "./machine";
import {
  type CodeAt,
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
      /** Whether `ctx` is a task or an interrupt handler: traces carry it as data. */
      readonly ctxKind: ContextRef["kind"];
      readonly fn: string;
      readonly label: string;
      readonly at: string;
      /** The value the step's `choose` took, when it has one. */
      readonly choice?: Val;
    }
  | { readonly kind: "irq"; readonly cpu: number; readonly source: string }
  | {
      readonly kind: "switch-out";
      readonly cpu: number;
      readonly task: string;
      readonly reason: "preempt" | "sleep" | "exit";
      /** The architecture's context-switch hooks that had work to do (the trace names them). */
      readonly hooks: readonly SwitchStep[];
    }
  | {
      readonly kind: "switch-in";
      readonly cpu: number;
      readonly task: string;
      readonly hooks: readonly SwitchStep[];
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

/** What every transition of one `successors` call shares: which events, how states are made. */
interface How {
  readonly listen: Listen;
  readonly produce: Produce;
}

/**
 * Every transition enabled in `s`, in a fixed order (so runs are deterministic). `listen`
 * picks the events recorded (all by default; the explorer asks only for what rules read);
 * `produce` makes each successor from its recipe (immer by default; the explorer runs the
 * recipes on private copies).
 */
export function successors(
  m: Machine,
  s: Kernel,
  listen: Listen = listenAll,
  produce: Produce = immerProduce,
): Transition[] {
  const out: Transition[] = [];
  if (s.halted !== null) return out;
  const n = unitCount(m);
  for (let u = 0; u < n; u++) out.push(...unitSuccessors(m, s, u, listen, produce));
  return out;
}

/**
 * The transition relation comes in units, each about one actor: for CPU c, unit 2c is what
 * its context can do (run a step, be switched out, switch a task in) and unit 2c + 1 the
 * interrupts that can arrive on it; unit 2 * #CPUs + t is what the scheduler can do to
 * task t (wake it, migrate it). `successors()` is their transitions in unit order. A unit
 * reads only the parts of the state its actor's code reaches (the explorer caches a unit's
 * transitions by the parts it read: checker/explore/memo.ts), so it finds CPUs by number
 * and tasks by id rather than by a scan.
 */
export function unitCount(m: Machine): number {
  return 2 * m.scenario.cpus + m.scenario.tasks.length;
}

/** The transitions of unit `u` (see unitCount) of a state that is not halted. */
export function unitSuccessors(
  m: Machine,
  s: Kernel,
  u: number,
  listen: Listen = listenAll,
  produce: Produce = immerProduce,
): Transition[] {
  const how: How = { listen, produce };
  const out: Transition[] = [];
  const ncpus = m.scenario.cpus;
  if (u < 2 * ncpus) {
    const cpu = s.cpus[u >> 1];
    if (!cpu) throw new Error(`model error: no CPU ${u >> 1}`);
    if ((u & 1) === 1) {
      if (!cpu.irqsEnabled) return out;
      for (const src of m.scenario.irqs) {
        if ((s.irqFired[src.id] ?? 0) >= src.bound) continue;
        if (src.cpus !== undefined && !src.cpus.includes(cpu.id)) continue;
        if (!mayFire(m, s, cpu, src.kind ?? "hardirq")) continue;
        out.push(fireIrq(s, cpu.id, src.id, src.handler, src.kind ?? "hardirq", how));
      }
      return out;
    }
    if (cpu.irq !== null) {
      out.push(...runStep(m, s, { kind: "irq", cpu: cpu.id, source: cpu.irq.source }, cpu.id, how));
    } else if (cpu.current !== null) {
      const task = s.tasks.find((x) => x.id === cpu.current);
      if (!task) throw new Error(`model error: CPU ${cpu.id} runs unknown task`);
      if (task.status === "done") {
        out.push(switchOut(m, s, cpu.id, task, "exit", how));
      } else {
        out.push(...runStep(m, s, { kind: "task", id: task.id }, cpu.id, how));
        if (task.atSleepPoint) out.push(switchOut(m, s, cpu.id, task, "sleep", how));
        const involuntary = m.preemption !== "none" && task.preemptCount === 0 && cpu.irqsEnabled;
        if (involuntary) out.push(switchOut(m, s, cpu.id, task, "preempt", how));
      }
    } else {
      for (const task of s.tasks) {
        if (task.status === "runnable" && task.cpu === cpu.id)
          out.push(switchIn(m, s, cpu.id, task, how));
      }
    }
    return out;
  }
  const task = s.tasks[u - 2 * ncpus];
  if (!task) throw new Error(`model error: no task number ${u - 2 * ncpus}`);
  if (task.status === "sleeping") out.push(wake(s, task, how));
  if (task.status !== "runnable" || task.migrationDisabled > 0 || m.pinned.has(task.id)) return out;
  // CPU c is s.cpus[c] (Cpu.id is its place in the list).
  for (let c = 0; c < ncpus; c++) {
    if (c !== task.cpu) out.push(migrate(s, task, c, how));
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
  return findContext(s, ref)?.stack ?? [];
}

function mutableStack(d: Draft<Kernel>, ref: ContextRef): Draft<Frame>[] {
  return contextOf(d, ref).stack;
}

interface Push {
  readonly proc: string;
  /** Where the callee starts: its first op that is not a label. */
  readonly pc: number;
  readonly args: Readonly<Record<string, Val>>;
  readonly result: string | undefined;
}

interface Resolved {
  readonly step: Step;
  /** Where the top frame is (past any leading labels of a fresh frame). */
  readonly pc: number;
  /** Frames to push, in order, before the step runs (calls at the current position). */
  readonly pushes: readonly Push[];
  readonly args: Readonly<Record<string, Val>>;
  readonly locals: Readonly<Record<string, Val>>;
}

/** The op of `proc` at `pc` (undefined past its end). */
function opAt(m: Machine, procName: string, pc: number): Op | undefined {
  return m.procs[procName]?.ops[pc];
}

function labelIndex(m: Machine, procName: string, name: string): number {
  const i = m.procs[procName]?.ops.findIndex((op) => op.op === "label" && op.name === name);
  if (i === undefined || i < 0) throw new Error(`model error: ${procName} has no label ${name}`);
  return i;
}

/**
 * From `pc`, past labels and through gotos, to the op that does something (a step or a
 * call) or the end. `reached` sees each label passed. A cycle of gotos with no step in it
 * would never let time pass: a model error.
 */
function skipPositions(
  m: Machine,
  procName: string,
  pc: number,
  reached: (l: Label) => void = () => {},
): number {
  let at = pc;
  for (let hops = 0; ; hops++) {
    const op = opAt(m, procName, at);
    if (op === undefined || op.op === "step" || op.op === "call") return at;
    if (hops > (m.procs[procName]?.ops.length ?? 0)) {
      throw new Error(`model error: ${procName} loops through gotos with no step between`);
    }
    if (op.op === "label") {
      reached(op);
      at += 1;
    } else at = labelIndex(m, procName, op.label);
  }
}

function callArgs(op: Call, caller: FrameView): Readonly<Record<string, Val>> {
  if (op.args === undefined) return {};
  return typeof op.args === "function" ? op.args(caller) : op.args;
}

/** Follows `call` ops from the current position down to the step that runs next. */
function resolve(m: Machine, stack: readonly Frame[]): Resolved | undefined {
  const top = stack[stack.length - 1];
  if (!top) return undefined;
  const pc = skipPositions(m, top.proc, top.pc);
  let op = opAt(m, top.proc, pc);
  let args = top.args;
  let locals = top.locals;
  const pushes: Push[] = [];
  while (op !== undefined && op.op === "call") {
    args = callArgs(op, { args, locals });
    locals = {};
    const start = skipPositions(m, op.proc, 0);
    pushes.push({ proc: op.proc, pc: start, args, result: op.result });
    op = opAt(m, op.proc, start);
  }
  if (op === undefined || op.op !== "step") {
    throw new Error(`model error: ${top.proc} runs past its end`);
  }
  return { step: op, pc, pushes, args, locals };
}

function makeEnv(
  m: Machine,
  ref: ContextRef,
  cpu: number,
  frame: FrameView,
  choice: Val | undefined,
  emit: (e: KernelEvent) => void,
): StepEnv {
  const { args } = frame;
  const locals = frame.locals as Record<string, Val>;
  return { cpu, self: ref, args, locals, preemption: m.preemption, choice, emit };
}

/** The step of `ref` that runs next, one transition per value it may choose. */
function runStep(m: Machine, s: Kernel, ref: ContextRef, cpu: number, how: How): Transition[] {
  const r = resolve(m, stackOf(s, ref));
  if (!r) return [];
  const { step } = r;
  const peek = (choice: Val | undefined) =>
    makeEnv(m, ref, cpu, { args: r.args, locals: { ...r.locals } }, choice, () => {});
  const choices = step.choose === undefined ? [undefined] : step.choose(s, peek(undefined));
  const out: Transition[] = [];
  for (const choice of choices) {
    if (step.guard && !step.guard(s, peek(choice))) continue;
    out.push(runChoice(m, s, ref, cpu, how, r, choice));
  }
  return out;
}

function runChoice(
  m: Machine,
  s: Kernel,
  ref: ContextRef,
  cpu: number,
  how: How,
  r: Resolved,
  choice: Val | undefined,
): Transition {
  const { listen, produce } = how;
  const { step } = r;
  const events: Observation[] = [];
  const rec: Recorder = { out: events, listen };
  const next = produce(s, (d) => {
    const stack = mutableStack(d, ref);
    const first = stack[stack.length - 1];
    if (first && first.pc !== r.pc) first.pc = r.pc;
    for (const p of r.pushes) {
      const caller = stack[stack.length - 1];
      if (caller) caller.pc += 1;
      pushFrame(d, ref, cpu, stack, p, rec);
    }
    const frame = stack[stack.length - 1];
    if (!frame) throw new Error("model error: empty stack");
    const sleeps = sleepsAt(step, m.preemption);
    const sleepFields = sleeps ? listen("might-sleep", step.fn) : false;
    if (sleepFields !== false)
      observeMightSleep(d, ref, cpu, step.fn, step.label, events, sleepFields);
    const kernelEvents: KernelEvent[] = [];
    const env = makeEnv(m, ref, cpu, frame, choice, (e) => kernelEvents.push(e));
    const after = step.run(d, env);
    for (const e of kernelEvents) record(d, ref, cpu, e, rec, step);
    if (after === undefined) frame.pc += 1;
    else if (after === "return") popFrame(d, ref, cpu, stack, rec, undefined);
    else if ("return" in after) popFrame(d, ref, cpu, stack, rec, after.return);
    else if ("goto" in after) frame.pc = labelIndex(m, frame.proc, after.goto);
    else {
      frame.pc += 1;
      const args = after.args ?? {};
      const p = { proc: after.call, pc: 0, args, result: after.result };
      pushFrame(d, ref, cpu, stack, p, rec);
    }
    settle(m, d, ref, cpu, stack, rec);
    if (ref.kind === "task") {
      const t = d.tasks.find((x) => x.id === ref.id);
      if (t && t.atSleepPoint !== sleeps) t.atSleepPoint = sleeps;
    }
    if (stack.length === 0) finish(d, ref, cpu, rec);
  });
  const action: Action = {
    kind: "step",
    cpu,
    ctx: contextId(ref),
    ctxKind: ref.kind,
    fn: step.fn,
    label: step.label,
    at: step.at,
    ...(choice === undefined ? {} : { choice }),
  };
  return { action, next, events };
}

function pushFrame(
  d: Draft<Kernel>,
  ref: ContextRef,
  cpu: number,
  stack: Draft<Frame>[],
  p: Push,
  rec: Recorder,
): void {
  const frame: Frame = { proc: p.proc, pc: p.pc, args: p.args, locals: {} };
  stack.push(typeof p.result === "string" ? { ...frame, result: p.result } : frame);
  observeCall(d, ref, cpu, p.proc, p.args, rec.out, rec.listen);
}
/** Pops the top frame; a returned value goes into the caller's local the call named. */
function popFrame(
  d: Draft<Kernel>,
  ref: ContextRef,
  cpu: number,
  stack: Draft<Frame>[],
  rec: Recorder,
  value: Val | undefined,
): void {
  const done = stack.pop();
  if (!done) return;
  const caller = stack[stack.length - 1];
  if (value !== undefined && typeof done.result === "string" && caller)
    caller.locals[done.result] = value;
  observeReturn(d, ref, cpu, done.proc, done.args, rec.out, rec.listen);
}

/**
 * After a step: moves the top frame past labels (forgetting the locals they clear) and
 * through gotos, and pops the frames that ran off their end (a void return), so that the
 * top frame always rests on a step or a call.
 */
function settle(
  m: Machine,
  d: Draft<Kernel>,
  ref: ContextRef,
  cpu: number,
  stack: Draft<Frame>[],
  rec: Recorder,
): void {
  for (let top = stack[stack.length - 1]; top !== undefined; top = stack[stack.length - 1]) {
    const frame = top;
    const pc = skipPositions(m, frame.proc, frame.pc, (l) => {
      for (const k of l.clears ?? []) delete frame.locals[k];
    });
    if (frame.pc !== pc) frame.pc = pc;
    if (pc < (m.procs[frame.proc]?.ops.length ?? 0)) return;
    popFrame(d, ref, cpu, stack, rec, undefined);
  }
}

function record(
  d: Draft<Kernel>,
  ref: ContextRef,
  cpu: number,
  e: KernelEvent,
  rec: Recorder,
  origin: CodeAt,
): void {
  if (e.kind !== "bug") {
    // An event kind steps emit (model/kernel/events.ts `fromSteps`): its fields as given.
    const fields = rec.listen(e.kind);
    if (fields !== false) rec.out.push({ ...e, ctx: viewOf(d, ref, cpu, fields) });
    return;
  }
  const fields = rec.listen("bug");
  if (fields !== false)
    observeBug(d, ref, cpu, e.check, e.message, e.fatal, origin, rec.out, fields);
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
  const fields = rec.listen("finish");
  if (fields !== false) rec.out.push({ kind: "finish", ctx: viewOf(d, ref, cpu, fields) });
  const c = d.cpus[cpu];
  if (!c) throw new Error(`model error: no CPU ${cpu}`);
  if (ref.kind === "irq") {
    // Back to the softirq this hardirq interrupted, if any; either way interrupts are on.
    const below = c.irq?.interrupted ?? null;
    c.irq = below === null ? null : { ...below, interrupted: null };
    c.irqsEnabled = true;
    return;
  }
  const t = d.tasks.find((x) => x.id === ref.id);
  if (!t) throw new Error(`model error: no task ${ref.id}`);
  t.status = "done";
  t.atSleepPoint = false;
}

const NO_HOOKS: readonly SwitchStep[] = [];

/** Runs the architecture's context-switch hooks; the ones that had work to do, as they are. */
function runSwitchHooks(
  m: Machine,
  d: Draft<Kernel>,
  sw: { cpu: number; prev: string | null; next: string | null },
  ref: ContextRef,
  rec: Recorder,
): readonly SwitchStep[] {
  let ran: SwitchStep[] | undefined;
  // A check fired by a hook is that hook's code.
  let origin: CodeAt = { fn: "__schedule", at: "kernel/sched/core.c" };
  const emit = (e: KernelEvent) => record(d, ref, sw.cpu, e, rec, origin);
  const env: SwitchEnv = { ...sw, emit };
  for (const hook of m.arch.contextSwitch) {
    origin = hook;
    if (!hook.run(d, env)) continue;
    if (ran === undefined) ran = [hook];
    else ran.push(hook);
  }
  return ran ?? NO_HOOKS;
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
  how: How,
): { next: Kernel; events: Observation[]; hooks: readonly SwitchStep[] } {
  const events: Observation[] = [];
  const rec: Recorder = { out: events, listen: how.listen };
  let hooks: readonly SwitchStep[] = NO_HOOKS;
  const ref: ContextRef = { kind: "task", id: task.id };
  const next = how.produce(s, (d) => {
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
  how: How,
): Transition {
  const status = reason === "sleep" ? "sleeping" : reason === "exit" ? "done" : "runnable";
  const { next, events, hooks } = contextSwitch(m, s, cpu, task, "out", status, how);
  return { action: { kind: "switch-out", cpu, task: task.id, reason, hooks }, next, events };
}

function switchIn(m: Machine, s: Kernel, cpu: number, task: Task, how: How): Transition {
  const { next, events, hooks } = contextSwitch(m, s, cpu, task, "in", "running", how);
  return { action: { kind: "switch-in", cpu, task: task.id, hooks }, next, events };
}

function fireIrq(
  s: Kernel,
  cpu: number,
  source: string,
  handler: string,
  kind: IrqKind,
  how: How,
): Transition {
  const events: Observation[] = [];
  const next = how.produce(s, (d) => {
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
      interrupted:
        c.irq === null
          ? null
          : {
              source: c.irq.source,
              stack: c.irq.stack,
              preemptCount: c.irq.preemptCount,
              ghost: c.irq.ghost,
            },
    };
    observeCall(d, { kind: "irq", cpu, source }, cpu, handler, {}, events, how.listen);
  });
  return { action: { kind: "irq", cpu, source }, next, events };
}

// A migration or a wake-up changes one field of one task.
function withTask(s: Kernel, id: string, change: Partial<Task>, how: How): Kernel {
  return how.produce(s, (d) => {
    const t = d.tasks.find((x) => x.id === id);
    if (!t) throw new Error(`model error: no task ${id}`);
    Object.assign(t, change);
  });
}

function migrate(s: Kernel, task: Task, to: number, how: How): Transition {
  const next = withTask(s, task.id, { cpu: to }, how);
  return { action: { kind: "migrate", task: task.id, from: task.cpu, to }, next, events: [] };
}

function wake(s: Kernel, task: Task, how: How): Transition {
  const next = withTask(s, task.id, { status: "runnable" }, how);
  return { action: { kind: "wake", task: task.id }, next, events: [] };
}
