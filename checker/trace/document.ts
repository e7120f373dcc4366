// A counterexample as an ITF document: the trace's states, with each step's CPU, context,
// action and kernel function in its #meta, and in the top #meta everything `replay` needs
// (spec, architecture model, scenario, preemption model, and the choices made).

import type { Observation } from "../../model/machine/observe";
import type { Action } from "../../model/machine/transitions";
import type { CellResult, Counterexample } from "../run";
import { type Itf, STATE_VARS, stateToItf } from "./itf";

export const TRACE_FORMAT = "lazymmu-trace/1";

export interface StepMeta {
  readonly index: number;
  readonly action: string;
  readonly cpu?: number;
  readonly context?: string;
  readonly fn?: string;
  readonly label: string;
  readonly at?: string;
  readonly hooks?: readonly string[];
  readonly events: readonly string[];
}

export function describeAction(a: Action | undefined): Omit<StepMeta, "index" | "events"> {
  if (a === undefined) return { action: "init", label: "initial state" };
  switch (a.kind) {
    case "step":
      return { action: "step", cpu: a.cpu, context: a.ctx, fn: a.fn, label: a.label, at: a.at };
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
        context: a.task,
        fn: "migrate_task_rq",
        label: `${a.task} migrated from CPU${a.from} to CPU${a.to}`,
      };
    case "wake":
      return { action: "wake", context: a.task, fn: "try_to_wake_up", label: `${a.task} woken` };
  }
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

export function traceDocument(cell: CellResult, cx: Counterexample): Record<string, unknown> {
  const states = cx.steps.map((s, index) => {
    const meta: StepMeta = {
      index,
      ...describeAction(s.action),
      events: s.events.map(describeEvent),
    };
    return { "#meta": meta, ...stateToItf(s.state) } as Record<string, Itf | StepMeta>;
  });
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
      rule: cx.rule,
      obligation: cx.obligation,
      text: cx.text,
      violation: cx.message,
      notes: cx.notes,
      choices: cx.choices,
    },
    vars: [...STATE_VARS],
    states,
  };
}
