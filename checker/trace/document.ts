// A counterexample as an ITF document: the trace's states, with each step's CPU, context,
// action and kernel function in its #meta, and in the top #meta everything `replay` needs
// (spec, architecture model, scenario, preemption model, and the choices made).

import { archRegistry } from "../../model/arch/index";
import type { Val } from "../../model/kernel/state";
import type { Observation } from "../../model/machine/observe";
import type { Action } from "../../model/machine/transitions";
import type { Origin } from "../../model/registry";
import { scenarioOrigin } from "../../model/scenarios/index";
import type { CellResult, Counterexample } from "../run";
import type { TraceStep } from "./build";
import { type Itf, STATE_VARS, stateToItf } from "./itf";

export const TRACE_FORMAT = "lazymmu-trace/1";

/** A kernel debug check that fired in a step (BUG_ON, WARN_ON, DEBUG_PREEMPT, ...). */
export interface BugMeta {
  readonly check: string;
  readonly message: string;
  readonly fatal: boolean;
  readonly context: string;
  readonly cpu: number;
}

/** Each state's #meta: the step that led to it, in kernel terms. */
export interface StepMeta {
  readonly index: number;
  /** init, step, irq, switch-out, switch-in, migrate or wake. */
  readonly action: string;
  /** The CPU it happened on (for a migration, the CPU the task moves to). */
  readonly cpu?: number;
  /** The context that acted: a task id, or `<irq source>@cpu<n>`. */
  readonly context?: string;
  /** The kernel function the step models. */
  readonly fn?: string;
  readonly label: string;
  /** Kernel source position of the step. */
  readonly at?: string;
  /** The value the step's choose() took (an allocation's result, say), when it has one. */
  readonly choice?: Val;
  readonly hooks?: readonly string[];
  readonly events: readonly string[];
  readonly bugs?: readonly BugMeta[];
}

/** The trace's top-level #meta: what it violates, and what `replay` re-executes. */
export interface TraceMeta {
  readonly format: "ITF";
  readonly "format-description": string;
  readonly source: "lazymmu";
  readonly trace: typeof TRACE_FORMAT;
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
  readonly choices: readonly number[];
  /** The model files (--load) the architecture model or scenario came from, with hashes. */
  readonly loaded?: readonly Origin[];
}

export function describeAction(a: Action | undefined): Omit<StepMeta, "index" | "events"> {
  if (a === undefined) return { action: "init", label: "initial state" };
  switch (a.kind) {
    case "step":
      return {
        action: "step",
        cpu: a.cpu,
        context: a.ctx,
        fn: a.fn,
        label: a.label,
        at: a.at,
        ...(a.choice === undefined ? {} : { choice: a.choice }),
      };
    case "irq":
      return {
        action: "irq",
        cpu: a.cpu,
        context: `${a.source}@cpu${a.cpu}`,
        label: `interrupt ${a.source} arrives on CPU${a.cpu}`,
      };
    case "switch-out": {
      const why = a.reason === "preempt" ? "preempted" : a.reason === "sleep" ? "sleeps" : "exits";
      return {
        action: "switch-out",
        cpu: a.cpu,
        context: a.task,
        fn: "__schedule",
        label: `${a.task} ${why}: switched out of CPU${a.cpu}`,
        hooks: a.hooks,
      };
    }
    case "switch-in":
      return {
        action: "switch-in",
        cpu: a.cpu,
        context: a.task,
        fn: "__schedule",
        label: `${a.task} switched in on CPU${a.cpu}`,
        hooks: a.hooks,
      };
    case "migrate":
      return {
        action: "migrate",
        cpu: a.to,
        context: a.task,
        fn: "migrate_task_rq",
        label: `${a.task} migrated from CPU${a.from} to CPU${a.to}`,
      };
    case "wake":
      return { action: "wake", context: a.task, fn: "try_to_wake_up", label: `${a.task} woken` };
  }
}

/** How a step's label reads with the value it chose: `page = alloc_page()  [chose -12]`. */
export function withChoice(label: string, choice: Val | undefined): string {
  return choice === undefined ? label : `${label}  [chose ${String(choice)}]`;
}

export function describeEvent(e: Observation): string {
  switch (e.kind) {
    case "call":
      return `${e.ctx.id} calls ${e.fn}(${Object.entries(e.args)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")})`;
    case "return":
      return `${e.fn}() returns to ${e.ctx.id}`;
    case "read":
      return `${e.ctx.id} reads pte[${e.addr}] = ${e.value}`;
    case "bug":
      return `${e.message}`;
    case "finish":
      return `${e.ctx.id} finishes`;
    case "might-sleep":
      return `${e.ctx.id} may sleep in ${e.fn}: ${e.label}`;
  }
}

/** A step's #meta: the action, its events in words, and the debug checks that fired. */
export function stepMeta(index: number, step: TraceStep): StepMeta {
  const bugs = step.events.flatMap((e): BugMeta[] =>
    e.kind === "bug"
      ? [{ check: e.check, message: e.message, fatal: e.fatal, context: e.ctx.id, cpu: e.ctx.cpu }]
      : [],
  );
  return {
    index,
    ...describeAction(step.action),
    events: step.events.map(describeEvent),
    ...(bugs.length > 0 ? { bugs } : {}),
  };
}

export interface TraceDocument {
  readonly "#meta": TraceMeta;
  readonly vars: readonly string[];
  readonly states: readonly Record<string, Itf | StepMeta>[];
}

export function traceDocument(cell: CellResult, cx: Counterexample): TraceDocument {
  const states = cx.steps.map(
    (s, index) =>
      ({ "#meta": stepMeta(index, s), ...stateToItf(s.state) }) as Record<string, Itf | StepMeta>,
  );
  const loaded = [archRegistry.originOf(cell.arch.id), scenarioOrigin(cell.scenario.id)].filter(
    (o, i, all): o is Origin => o !== undefined && all.findIndex((x) => x?.file === o.file) === i,
  );
  return {
    "#meta": {
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
      choices: cx.choices,
      ...(loaded.length > 0 ? { loaded } : {}),
    },
    vars: [...STATE_VARS],
    states,
  };
}
