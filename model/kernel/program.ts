// Programs: kernel code as sequences of atomic steps. A step is an immer recipe over the
// kernel state, labelled with the kernel function (and file:line) it stands for. Between
// any two steps another CPU may run, an interrupt may land, or the task may be preempted.
// Control flow is that of C: calls that return a value into a local of the caller, labels
// and `goto` within a procedure, bounded loops with break/continue (sugar over labels),
// call arguments computed from the caller's locals, and `choose()` of a finite set of
// values, which the explorer follows exhaustively (an allocation that may fail, say).
// Labels and gotos are positions, not steps: nothing can happen "at" them.

import type { Draft } from "immer";
import type { EventFields, StepEventKind } from "./events";
import type { FieldsOf } from "./field-type";
import type { Kernel, PreemptionModel, Val } from "./state";

/**
 * What a running step may report, besides changing the state: a debug check firing, or an
 * event of a kind declared `fromSteps` (model/kernel/events.ts), with its fields.
 */
export type KernelEvent =
  | {
      readonly kind: "bug";
      readonly check: BugCheck;
      readonly message: string;
      readonly fatal: boolean;
    }
  | { [K in StepEventKind]: { readonly kind: K } & FieldsOf<EventFields[K]> }[StepEventKind];

/** The kernel debug checks a model can fire. */
export type BugCheck =
  | "BUG_ON"
  | "WARN_ON"
  | "VM_WARN_ON"
  | "smp_processor_id-preemptible"
  | "sleep-in-atomic"
  | "preempt-count-underflow"
  | "bad-unlock";

/** Who is running a step. */
export type ContextRef =
  | { readonly kind: "task"; readonly id: string }
  | { readonly kind: "irq"; readonly cpu: number; readonly source: string };

/** What a step sees besides the state draft. */
export interface StepEnv {
  /** The CPU this context is running on at this step. */
  readonly cpu: number;
  readonly self: ContextRef;
  readonly args: Readonly<Record<string, Val>>;
  /** The frame's locals; steps may write them (e.g. the CPU `this_cpu_ptr()` captured). */
  readonly locals: Record<string, Val>;
  readonly preemption: PreemptionModel;
  /** The value `choose` picked for this successor (undefined for a step without `choose`). */
  readonly choice: Val | undefined;
  emit(event: KernelEvent): void;
}

/**
 * What a step asks the engine to do next, instead of moving to the following op: return
 * (with a value, which goes into the caller's local named by the call's `result`), jump to
 * a `label()` of the same procedure, or call a procedure (then go on after this step).
 */
export type Next =
  | undefined
  | "return"
  | { readonly return: Val }
  | { readonly goto: string }
  | {
      readonly call: string;
      readonly args?: Readonly<Record<string, Val>>;
      /** The local of this frame that receives the callee's `{ return: value }`. */
      readonly result?: string;
    };

export interface Step {
  readonly op: "step";
  /** The kernel function this step belongs to, e.g. `arch_enter_lazy_mmu_mode`. */
  readonly fn: string;
  /** What the step does, in kernel terms, e.g. `batch = this_cpu_ptr(&tlb_batch)`. */
  readonly label: string;
  /** Kernel source position, e.g. `arch/sparc/mm/tlb.c:52`. */
  readonly at: string;
  /** The step waits (spins or blocks) until this holds. */
  readonly guard?: (s: Kernel, env: StepEnv) => boolean;
  /**
   * The task may sleep at this step: a voluntary schedule point. A function when it depends
   * on the preemption model (spin_lock() sleeps on PREEMPT_RT only).
   */
  readonly mightSleep?: boolean | ((preemption: PreemptionModel) => boolean);
  /**
   * Nondeterminism: the values this step may take (e.g. `[0, -ENOMEM]` for an allocation).
   * The engine makes one successor per value, passed as `env.choice`, and the trace records
   * it. An empty set means the step cannot run here, like a guard that does not hold.
   */
  readonly choose?: (s: Kernel, env: StepEnv) => readonly Val[];
  // biome-ignore lint/suspicious/noConfusingVoidType: a recipe that returns nothing moves on
  readonly run: (d: Draft<Kernel>, env: StepEnv) => Next | void;
}

/** What a call's computed arguments see: the calling frame. */
export interface FrameView {
  readonly args: Readonly<Record<string, Val>>;
  readonly locals: Readonly<Record<string, Val>>;
}

/** A call's arguments: fixed, or computed from the caller's frame when the call is made. */
export type CallArgs =
  | Readonly<Record<string, Val>>
  | ((caller: FrameView) => Readonly<Record<string, Val>>);

export interface Call {
  readonly op: "call";
  readonly proc: string;
  /** Absent: the callee gets no arguments (use `forwardArgs` to pass the caller's on). */
  readonly args?: CallArgs;
  /** The caller's local that receives the callee's `{ return: value }`. */
  readonly result?: string;
}

/** A position in a procedure that `goto` can jump to; it is not a step. */
export interface Label {
  readonly op: "label";
  readonly name: string;
  /** Locals forgotten whenever control reaches this label (a loop's counter at its exit). */
  readonly clears?: readonly string[];
}

/** An unconditional jump to a label of the same procedure; not a step either. */
export interface Goto {
  readonly op: "goto";
  readonly label: string;
}

export type Op = Step | Call | Label | Goto;

/** A procedure: a kernel function, an architecture hook, or a scenario's caller. */
export interface Proc {
  readonly name: string;
  readonly ops: readonly Op[];
}

export type ProcTable = Readonly<Record<string, Proc>>;

export function proc(name: string, ops: readonly Op[]): Proc {
  return { name, ops };
}

/**
 * A number an earlier step of this frame stored in a local (the CPU `this_cpu_ptr()`
 * captured, a PTE value read): read at its type; a local unset or of another type is a
 * model error, not a value to convert.
 */
export function numberLocal(env: StepEnv, name: string): number {
  const v = env.locals[name];
  if (typeof v !== "number") throw new Error(`model error: local ${name} is not a number: ${v}`);
  return v;
}

/** A local an earlier step stored from a closed set of strings (e.g. a lazy mode). */
export function stringLocal<T extends string>(env: StepEnv, name: string, values: readonly T[]): T {
  const v = env.locals[name];
  const found = values.find((x) => x === v);
  if (found === undefined)
    throw new Error(`model error: local ${name} is not one of ${values.join(", ")}: ${v}`);
  return found;
}

/** `result = proc(args)`: `args` fixed or computed from the caller's args and locals. */
export function call(procName: string, args?: CallArgs, opts: { result?: string } = {}): Call {
  return {
    op: "call",
    proc: procName,
    ...(args === undefined ? {} : { args }),
    ...(opts.result === undefined ? {} : { result: opts.result }),
  };
}

/** Call arguments that pass the caller's own on (a wrapper such as set_pte_at -> __set_pte). */
export const forwardArgs = (caller: FrameView): Readonly<Record<string, Val>> => caller.args;

export function step(
  fn: string,
  label: string,
  at: string,
  run: Step["run"],
  extra: Pick<Step, "guard" | "mightSleep" | "choose"> = {},
): Step {
  return { op: "step", fn, label, at, run, ...extra };
}

export function label(name: string, clears?: readonly string[]): Label {
  return clears === undefined ? { op: "label", name } : { op: "label", name, clears };
}

export function goto(target: string): Goto {
  return { op: "goto", label: target };
}

/** The label a loop's `break` jumps to. */
export function breakLabel(loopName: string): string {
  return `${loopName}:break`;
}

/** The label a loop's `continue` jumps to: the loop's test. */
export function continueLabel(loopName: string): string {
  return `${loopName}:continue`;
}

/** What a step returns to leave loop `loopName` (C `break`). */
export function breakLoop(loopName: string): Next {
  return { goto: breakLabel(loopName) };
}

/** What a step returns to start the next iteration of loop `loopName` (C `continue`). */
export function continueLoop(loopName: string): Next {
  return { goto: continueLabel(loopName) };
}

export interface LoopSpec {
  /** Unique within the procedure; names the loop's labels and its counter local. */
  readonly name: string;
  /** The kernel function and source position of the loop's test. */
  readonly fn: string;
  readonly at: string;
  /** How many iterations at most: `for (i = 0; i < bound; i++)`. */
  readonly bound: number;
  /** The local that holds the iteration number (0-based) during the body. */
  readonly index?: string;
  /**
   * An extra test, `while (cond)`, evaluated before each iteration. When it still holds
   * after `bound` iterations the model is wrong (the bound is too small): the engine
   * stops with a model error rather than cut the loop short silently.
   */
  readonly while?: (s: Kernel, env: StepEnv) => boolean;
  /** The test in C, shown in traces (default `i < bound`). */
  readonly test?: string;
}

/**
 * A bounded loop: its test is one step (C evaluates it between two statements of the body,
 * where another CPU may run), then the body, then a jump back to the test. `break` and
 * `continue` are `breakLoop(name)` / `continueLoop(name)` from a step of the body.
 */
export function loop(spec: LoopSpec, body: readonly Op[]): Op[] {
  const counter = `${spec.name}.iterations`;
  const test = spec.test ?? `${spec.index ?? "i"} < ${spec.bound}`;
  return [
    label(continueLabel(spec.name)),
    step(spec.fn, `loop ${spec.name}: ${test}`, spec.at, (d, env) => {
      const i = Number(env.locals[counter] ?? 0);
      const more = spec.while === undefined || spec.while(d, env);
      if (i >= spec.bound && more && spec.while !== undefined) {
        throw new Error(
          `model error: loop ${spec.name} in ${spec.fn} ran past its bound ${spec.bound}`,
        );
      }
      if (i >= spec.bound || !more) return breakLoop(spec.name);
      env.locals[counter] = i + 1;
      if (spec.index !== undefined) env.locals[spec.index] = i;
      return undefined;
    }),
    ...body,
    goto(continueLabel(spec.name)),
    label(breakLabel(spec.name), [counter]),
  ];
}

/** Whether `s` is a point where the task may sleep, under `preemption`. */
export function sleepsAt(s: Step, preemption: PreemptionModel): boolean {
  return typeof s.mightSleep === "function" ? s.mightSleep(preemption) : s.mightSleep === true;
}
