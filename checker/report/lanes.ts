// A trace as swimlanes: one lane per CPU and one for memory and the MMU, one row per step.
// Each row says who acted (task or interrupt, on which CPU), which kernel function and
// line the step models, the events it caused, and what changed in each lane: a CPU's own
// state and that of the tasks on it in its lane, PTE values, stale translations, walker
// barriers and locks in the memory lane. The one view of a trace: built from its data (the
// steps' actions and events as trace/document.ts records them, and the states), never from text;
// the `.txt` trace (trace-text.ts), `show` and `html` all render this.

import type { ProcTable } from "../../model/kernel/program";
import { factDisplay, type Kernel } from "../../model/kernel/state";
import { contextId } from "../../model/machine/observe";
import { type ContextMeta, type StepMeta, type TraceMeta, withChoice } from "../trace/document";
import type { LoadedTrace } from "../trace/read";
import { type Fact, type FactField, factList, type Owner } from "../trace/view";
import { eventInLane, eventSentence } from "./words";

export interface Change {
  readonly name: string;
  /** The lane name of the fact it changed (`pte[user:0]` for both memory and asked). */
  readonly fact: string;
  readonly before: string;
  readonly after: string;
  /** How to say it in one short line: `pte[user:0]: 1 -> 2`, `batch: +user:0`. */
  readonly text: string;
}

export interface EventLine {
  /** As the lane of the step's context says it. */
  readonly text: string;
  /** As a sentence that names its context. */
  readonly sentence: string;
  readonly bug: boolean;
}

/** Who runs on a CPU after a step: a task, an interrupt handler over it, or nothing. */
export interface Running {
  readonly task: string | null;
  /** The interrupt handler's context id (`kfence@cpu0`), when one runs. */
  readonly irq: string | null;
  /** `A`, `kfence@cpu0 over A`, `idle`. */
  readonly text: string;
}

export interface LaneFact {
  readonly name: string;
  readonly value: string;
  readonly field: FactField;
}

export interface StepView {
  readonly index: number;
  readonly action: StepMeta["action"];
  /** The CPU it happened on (for a migration, the one the task moves to; none for a wake). */
  readonly cpu?: number;
  /** The lane it is drawn in: its CPU's, or for a wake the woken task's. */
  readonly lane: number | null;
  readonly context?: ContextMeta;
  readonly fn?: string;
  readonly label: string;
  readonly at?: string;
  readonly hooks: readonly string[];
  readonly events: readonly EventLine[];
  /** Per lane (CPUs, then memory): what this step changed. */
  readonly changes: readonly (readonly Change[])[];
  /** Per lane: the whole state after this step. */
  readonly full: readonly (readonly LaneFact[])[];
  /** The whole state after this step, as the text trace lists it. */
  readonly facts: readonly Fact[];
  /** Per CPU after the step: who runs there. */
  readonly running: readonly Running[];
  readonly halted: boolean;
}

export interface TraceView {
  readonly meta: TraceMeta;
  readonly lanes: readonly string[];
  readonly steps: readonly StepView[];
}

/**
 * In the initial row: the architecture's per-CPU and per-task state and the PTEs, as each
 * fact field declares (model/kernel/state.ts FACT_FIELDS `initially`).
 */
export function initiallyShown(f: LaneFact): boolean {
  if (f.value === "-" || f.value === "[]") return false;
  const { initially } = factDisplay(f.field);
  if (initially === "no") return false;
  if (initially === "nonzero") return f.value !== "0";
  if (initially === "off") return f.value !== "on";
  return true;
}

function laneOf(owner: Owner, s: Kernel, memoryLane: number): number {
  switch (owner.kind) {
    case "cpu":
      return owner.cpu;
    case "task":
      return s.tasks.find((t) => t.id === owner.task)?.cpu ?? memoryLane;
    case "memory":
      return memoryLane;
  }
}

function changeText(f: Fact, before: Fact | undefined): string {
  const a = before?.items;
  const b = f.items;
  const was = before?.value ?? "-";
  if (a !== undefined && b !== undefined) {
    const added = b.filter((x) => !a.includes(x)).map((x) => `+${x}`);
    const removed = a.filter((x) => !b.includes(x)).map((x) => `-${x}`);
    return `${f.short}: ${[...added, ...removed].join(" ") || `${was} -> ${f.value}`}`;
  }
  return `${f.short}: ${was} -> ${f.value}`;
}

function running(s: Kernel): Running[] {
  return s.cpus.map((c) => {
    const task = c.current;
    const irq = c.irq === null ? null : contextId({ kind: "irq", cpu: c.id, source: c.irq.source });
    const who = task ?? "idle";
    return { task, irq, text: irq === null ? who : `${irq} over ${who}` };
  });
}

/** PTE changes as one line each: memory and the value asked for together when they agree. */
function pteChanges(before: Kernel, after: Kernel): Change[] {
  const out: Change[] = [];
  const addrs = [...new Set([...Object.keys(after.pte), ...Object.keys(after.intended)])].sort();
  for (const a of addrs) {
    const m0 = String(before.pte[a] ?? 0);
    const m1 = String(after.pte[a] ?? 0);
    const i0 = String(before.intended[a] ?? 0);
    const i1 = String(after.intended[a] ?? 0);
    const name = `pte[${a}]`;
    if (m0 !== m1) {
      const note = i1 === m1 ? "" : ` (${i1} asked for)`;
      out.push({
        name,
        fact: name,
        before: m0,
        after: m1,
        text: `${name}: ${m0} -> ${m1}${note}`,
      });
    } else if (i0 !== i1) {
      out.push({
        name: `${name} asked`,
        fact: name,
        before: i0,
        after: i1,
        text: `${name} asked: ${i0} -> ${i1} (memory still ${m1})`,
      });
    }
  }
  return out;
}

export function traceView(trace: LoadedTrace, procs?: ProcTable): TraceView {
  const first = trace.steps[0];
  if (!first) throw new Error("checker error: a loaded trace without states");
  const ncpu = first.state.cpus.length;
  const memoryLane = ncpu;
  const lanes = [...first.state.cpus.map((c) => `CPU${c.id}`), "memory & MMU"];
  let prevState = first.state;
  let prev = new Map(factList(prevState, procs).map((f) => [f.name, f]));
  const steps = trace.steps.map(({ meta, state }): StepView => {
    const now = factList(state, procs);
    const changes: Change[][] = lanes.map(() => []);
    const full: LaneFact[][] = lanes.map(() => []);
    for (const f of now) {
      const lane = laneOf(f.owner, state, memoryLane);
      full[lane]?.push({ name: f.short, value: f.value, field: f.field });
      const before = prev.get(f.name);
      if (meta.index === 0 || (before?.value ?? "-") === f.value) continue;
      // A step's own line already says it (where a context is, which interrupt fired).
      if (factDisplay(f.field).said === true) continue;
      changes[lane]?.push({
        name: f.short,
        fact: f.short,
        before: before?.value ?? "-",
        after: f.value,
        text: changeText(f, before),
      });
    }
    if (meta.index > 0) changes[memoryLane]?.unshift(...pteChanges(prevState, state));
    const ctx = meta.context;
    const view: StepView = {
      index: meta.index,
      action: meta.action,
      ...(meta.cpu === undefined ? {} : { cpu: meta.cpu }),
      lane:
        meta.cpu ??
        (ctx === undefined ? null : (state.tasks.find((t) => t.id === ctx.id)?.cpu ?? null)),
      ...(ctx === undefined ? {} : { context: ctx }),
      ...(meta.fn === undefined ? {} : { fn: meta.fn }),
      label: withChoice(meta.label, meta.choice),
      ...(meta.at === undefined ? {} : { at: meta.at }),
      hooks: meta.hooks ?? [],
      events: meta.events.map((e) => ({
        text: eventInLane(e, ctx?.id),
        sentence: eventSentence(e),
        bug: e.kind === "bug",
      })),
      changes,
      full,
      facts: now,
      running: running(state),
      halted: state.halted !== null,
    };
    prev = new Map(now.map((f) => [f.name, f]));
    prevState = state;
    return view;
  });
  return { meta: trace.meta, lanes, steps };
}
