// Programs: kernel code as sequences of atomic steps. A step is an immer recipe over the
// kernel state, labelled with the kernel function (and file:line) it stands for. Between
// any two steps another CPU may run, an interrupt may land, or the task may be preempted.

import type { Draft } from "immer";
import type { Kernel, PreemptionModel, Val } from "./state";

/** What a running step may report, besides changing the state. */
export type KernelEvent =
  | { readonly kind: "read"; readonly addr: string; readonly value: number }
  | {
      readonly kind: "bug";
      readonly check: BugCheck;
      readonly message: string;
      readonly fatal: boolean;
    };

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
  emit(event: KernelEvent): void;
}

/** What a step asks the engine to do next, besides moving to the following op. */
export type Next =
  | undefined
  | "return"
  | { readonly call: string; readonly args?: Readonly<Record<string, Val>> }
  /** Jump to the `label(name)` op of the same procedure (C `goto`, and compiled if/loops). */
  | { readonly goto: string };

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
  // biome-ignore lint/suspicious/noConfusingVoidType: a recipe that returns nothing moves on
  readonly run: (d: Draft<Kernel>, env: StepEnv) => Next | void;
}

export interface Call {
  readonly op: "call";
  readonly proc: string;
  readonly args?: Readonly<Record<string, Val>>;
}

/** A position in a procedure that a step's `{ goto }` jumps to; not a step itself. */
export interface Label {
  readonly op: "label";
  readonly name: string;
}

export type Op = Step | Call | Label;

/** A procedure: a kernel function, an architecture hook, or a scenario's caller. */
export interface Proc {
  readonly name: string;
  readonly ops: readonly Op[];
}

export type ProcTable = Readonly<Record<string, Proc>>;

export function proc(name: string, ops: readonly Op[]): Proc {
  return { name, ops };
}

export function call(procName: string, args?: Readonly<Record<string, Val>>): Call {
  return args === undefined ? { op: "call", proc: procName } : { op: "call", proc: procName, args };
}

export function label(name: string): Label {
  return { op: "label", name };
}

/** The first position at or after `pc` that is not a label (a frame never rests on one). */
export function skipLabels(ops: readonly Op[], pc: number): number {
  let i = pc;
  while (ops[i]?.op === "label") i += 1;
  return i;
}

/** Where `{ goto: name }` continues in `ops`, or undefined when no such label exists. */
export function labelTarget(ops: readonly Op[], name: string): number | undefined {
  const i = ops.findIndex((op) => op.op === "label" && op.name === name);
  return i < 0 ? undefined : skipLabels(ops, i + 1);
}

export function step(
  fn: string,
  label: string,
  at: string,
  run: Step["run"],
  extra: Pick<Step, "guard" | "mightSleep"> = {},
): Step {
  return { op: "step", fn, label, at, run, ...extra };
}

/** Whether `s` is a point where the task may sleep, under `preemption`. */
export function sleepsAt(s: Step, preemption: PreemptionModel): boolean {
  return typeof s.mightSleep === "function" ? s.mightSleep(preemption) : s.mightSleep === true;
}
