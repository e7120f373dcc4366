// What readers see of the kernel state, derived from its one declaration (model/kernel/
// state.ts, where each field says its facts and its place in the rules' view): the facts
// the renderers show (checker/trace/view.ts lists them, the trace views word and filter
// them) and the rules' state view (the monitor's `state`, and the vocabulary a spec's
// `{"var": "state..."}` paths are checked against at load).

import type { ViewValue } from "../kernel/field-type";
import { type FactOut, factsOf, viewerOf } from "../kernel/fields";
import type { ProcTable } from "../kernel/program";
import {
  CPU_FIELDS,
  type Cpu,
  FACT_RANK,
  type FactField,
  type Frame,
  KERNEL_FIELDS,
  type Kernel,
  TASK_FIELDS,
  type Task,
} from "../kernel/state";

export type { FactField, ViewValue };

/** Where a context is: its call stack and the op it runs next. */
function position(procs: ProcTable | undefined, stack: readonly Pick<Frame, "proc" | "pc">[]) {
  const top = stack[stack.length - 1];
  if (top === undefined) return "finished";
  const op = procs?.[top.proc]?.ops[top.pc];
  const next =
    op === undefined
      ? ""
      : op.op === "call"
        ? `: next call ${op.proc}()`
        : op.op === "step"
          ? `: next ${op.label}`
          : "";
  return `${stack.map((f) => f.proc).join(" > ")}${next}`;
}

const where = (procs: ProcTable | undefined) => (stack: readonly Pick<Frame, "proc" | "pc">[]) =>
  position(procs, stack);

/** A CPU's facts, in display order. */
export const cpuFacts = (c: Cpu, procs?: ProcTable): FactOut<FactField>[] =>
  factsOf(CPU_FIELDS, c, where(procs), FACT_RANK);

/** A task's facts, in display order. */
export const taskFacts = (t: Task, procs?: ProcTable): FactOut<FactField>[] =>
  factsOf(TASK_FIELDS, t, where(procs), FACT_RANK);

/** The facts of memory and the MMU (the state's own fields; CPUs and tasks have theirs). */
export const memoryFacts = (s: Kernel, procs?: ProcTable): FactOut<FactField>[] =>
  factsOf(KERNEL_FIELDS, s, where(procs), FACT_RANK);

const stateViewer = viewerOf(KERNEL_FIELDS);

/** What rules may read of the whole state (the `state` of a check), with its types. */
export const STATE_VIEW_FIELDS = stateViewer.fields;

/** The names, in the rules' `state`, of the fields whose views name no CPU (`cpuFree`). */
export const CPU_FREE_STATE_FIELDS: ReadonlySet<string> = stateViewer.cpuFree;

/** The names, in the rules' `state`, of the fields whose views name no task (`taskFree`). */
export const TASK_FREE_STATE_FIELDS: ReadonlySet<string> = stateViewer.taskFree;

/**
 * A state as rules see it (the monitor's `state`): every field, or only those of `names`
 * (the fields a check reads, `state.tlb` of `state.tlb.stale`; a field left out reads as
 * absent, so pass them all to a check that reads `state` whole).
 */
export function stateView(
  s: Kernel,
  names?: ReadonlySet<string>,
): { readonly [k: string]: ViewValue } {
  return stateViewer.view(s, names);
}
