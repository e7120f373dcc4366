// A counterexample as an ITF document: the trace's states, with each step's action and
// events as structured values in its #meta (the context as {kind, id, cpu}, each event with
// its fields), and in the top #meta everything `replay` needs (spec, architecture model,
// scenario, preemption model, the choices made) and the addresses the violation concerns.
// Format lazymmu-trace/2; lazymmu-trace/1 (events as sentences, the context as a string)
// is still read by `replay` (legacy.ts).

import { archRegistry } from "../../model/arch/index";
import type { SwitchStep } from "../../model/arch/types";
import { type EventKind, TRACED, type TracedOf } from "../../model/kernel/events";
import type { Kernel, Val } from "../../model/kernel/state";
import { contextId, type Observation } from "../../model/machine/observe";
import type { Action } from "../../model/machine/transitions";
import type { Origin } from "../../model/registry";
import { scenarioOrigin } from "../../model/scenarios/index";
import type { TraceStep } from "../explore/rebuild";
import type { CellResult, Counterexample } from "../run";
import { type Itf, STATE_VARS, stateToItf } from "./itf";

export const TRACE_FORMAT = "lazymmu-trace/2";

/** Who acted or was observed: a task (its id) or an interrupt handler (`<source>@cpu<n>`). */
export interface ContextMeta {
  readonly kind: "task" | "irq";
  readonly id: string;
  readonly cpu: number;
}

/**
 * An observation as a trace records it: the event's kind, who it concerns, and the fields
 * its declaration says a trace keeps (model/kernel/events.ts `traced`), in that order.
 */
export type EventMeta = {
  [K in EventKind]: { readonly kind: K; readonly context: ContextMeta } & TracedOf<K>;
}[EventKind];

export type ActionKind = "init" | Action["kind"];

/** What a step did, in kernel terms: the fields `replay` compares with the model's. */
export interface ActionMeta {
  readonly action: ActionKind;
  /** The CPU it happened on (for a migration, the CPU the task moves to). */
  readonly cpu?: number;
  /** The context that acted (for a wake, the task woken). */
  readonly context?: ContextMeta;
  /** The kernel function the step models. */
  readonly fn?: string;
  readonly label: string;
  /** Kernel source position of the step. */
  readonly at?: string;
  /** The value the step's choose() took (an allocation's result, say), when it has one. */
  readonly choice?: Val;
  readonly hooks?: readonly string[];
}

/** Each state's #meta: the step that led to it and what it caused. */
export interface StepMeta extends ActionMeta {
  readonly index: number;
  readonly events: readonly EventMeta[];
}

/** The trace's top-level #meta: what it violates, and what `replay` re-executes. */
export interface TraceMeta {
  readonly format: "ITF";
  readonly "format-description": string;
  readonly source: "lazymmu";
  readonly trace: string;
  readonly spec: string;
  readonly specPath: string;
  readonly arch: string;
  readonly commits: readonly string[];
  readonly scenario: string;
  readonly preemption: string;
  /** Present when --any-era ran a combination no kernel had: why no kernel had it. */
  readonly whatIf?: string;
  readonly rule: string;
  readonly obligation: string;
  readonly text: string;
  readonly violation: string;
  readonly notes: readonly string[];
  /** The PTE addresses the violation and its notes are about. */
  readonly addrs: readonly string[];
  readonly choices: readonly number[];
  /** The model files (--load) the architecture model or scenario came from, with hashes. */
  readonly loaded?: readonly Origin[];
}

const task = (id: string, cpu: number): ContextMeta => ({ kind: "task", id, cpu });

/** The action of a transition; `after` is the state it reached (where a woken task is). */
/** A context-switch hook that ran, as the trace names it: `fn: label (file:line)`. */
function hookLine(h: SwitchStep): string {
  return `${h.fn}: ${h.label} (${h.at})`;
}

export function describeAction(a: Action | undefined, after: Kernel): ActionMeta {
  if (a === undefined) return { action: "init", label: "initial state" };
  switch (a.kind) {
    case "step":
      return {
        action: "step",
        cpu: a.cpu,
        context: { kind: a.ctxKind, id: a.ctx, cpu: a.cpu },
        fn: a.fn,
        label: a.label,
        at: a.at,
        ...(a.choice === undefined ? {} : { choice: a.choice }),
      };
    case "irq":
      return {
        action: "irq",
        cpu: a.cpu,
        context: {
          kind: "irq",
          id: contextId({ kind: "irq", cpu: a.cpu, source: a.source }),
          cpu: a.cpu,
        },
        label: `interrupt ${a.source} arrives on CPU${a.cpu}`,
      };
    case "switch-out": {
      const why = a.reason === "preempt" ? "preempted" : a.reason === "sleep" ? "sleeps" : "exits";
      return {
        action: "switch-out",
        cpu: a.cpu,
        context: task(a.task, a.cpu),
        fn: "__schedule",
        label: `${a.task} ${why}: switched out of CPU${a.cpu}`,
        hooks: a.hooks.map(hookLine),
      };
    }
    case "switch-in":
      return {
        action: "switch-in",
        cpu: a.cpu,
        context: task(a.task, a.cpu),
        fn: "__schedule",
        label: `${a.task} switched in on CPU${a.cpu}`,
        hooks: a.hooks.map(hookLine),
      };
    case "migrate":
      return {
        action: "migrate",
        cpu: a.to,
        context: task(a.task, a.to),
        fn: "migrate_task_rq",
        label: `${a.task} migrated from CPU${a.from} to CPU${a.to}`,
      };
    case "wake": {
      const cpu = after.tasks.find((t) => t.id === a.task)?.cpu ?? 0;
      return {
        action: "wake",
        context: task(a.task, cpu),
        fn: "try_to_wake_up",
        label: `${a.task} woken`,
      };
    }
  }
}

/** How a step's label reads with the value it chose: `page = alloc_page()  [chose -12]`. */
export function withChoice(label: string, choice: Val | undefined): string {
  return choice === undefined ? label : `${label}  [chose ${String(choice)}]`;
}

/** An observation as data: the rules' view of the context shrinks to who it was. */
export function eventMeta(e: Observation): EventMeta {
  // The rules' vocabulary declares the kind a string; the model only makes these two.
  const kind = e.ctx.kind === "irq" ? "irq" : "task";
  const context: ContextMeta = { kind, id: e.ctx.id, cpu: e.ctx.cpu };
  const fields: Readonly<Record<string, unknown>> = e;
  const out: Record<string, unknown> = { kind: e.kind, context };
  for (const f of TRACED[e.kind]) out[f] = fields[f];
  // The fields TRACED names for the kind are those TracedOf<kind> types.
  return out as EventMeta;
}

export function stepMeta(index: number, step: TraceStep): StepMeta {
  return {
    index,
    ...describeAction(step.action, step.state),
    events: step.events.map(eventMeta),
  };
}

export interface TraceDocument {
  readonly "#meta": TraceMeta;
  readonly vars: readonly string[];
  readonly states: readonly Record<string, Itf | StepMeta>[];
}

export function traceMeta(cell: CellResult, cx: Counterexample): TraceMeta {
  const loaded = [archRegistry.originOf(cell.arch.id), scenarioOrigin(cell.scenario.id)].filter(
    (o, i, all): o is Origin => o !== undefined && all.findIndex((x) => x?.file === o.file) === i,
  );
  return {
    format: "ITF",
    "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
    source: "lazymmu",
    trace: TRACE_FORMAT,
    spec: cell.spec.id,
    specPath: cell.spec.path,
    arch: cell.arch.id,
    commits: cell.arch.commits,
    scenario: cell.scenario.id,
    preemption: cell.preemption,
    ...(cell.whatIf === undefined ? {} : { whatIf: `no such kernel: ${cell.whatIf}` }),
    rule: cx.rule,
    obligation: cx.obligation,
    text: cx.text,
    violation: cx.message,
    notes: cx.notes,
    addrs: cx.addrs,
    choices: cx.choices,
    ...(loaded.length > 0 ? { loaded } : {}),
  };
}

export function traceDocument(cell: CellResult, cx: Counterexample): TraceDocument {
  const states = cx.steps.map(
    (s, index) =>
      ({ "#meta": stepMeta(index, s), ...stateToItf(s.state) }) as Record<string, Itf | StepMeta>,
  );
  return { "#meta": traceMeta(cell, cx), vars: [...STATE_VARS], states };
}
