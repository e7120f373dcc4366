// A trace as swimlanes: one lane per CPU and one for memory and the MMU, one row per step.
// Each row says who acted (task or interrupt, on which CPU), which kernel function and
// line the step models, the events it caused, and what changed in each lane: a CPU's own
// state and that of the tasks on it in its lane, PTE values, stale translations, walker
// barriers and locks in the memory lane. Both `show` (text) and `html` render this.

import type { ProcTable } from "../../model/kernel/program";
import type { Kernel } from "../../model/kernel/state";
import { type TraceMeta, withChoice } from "./document";
import type { LoadedTrace } from "./read";
import { type Fact, factList, type Owner } from "./view";

export interface Change {
  readonly name: string;
  readonly before: string;
  readonly after: string;
  /** How to say it in one short line: `pte[user:0]: 1 -> 2`, `batch: +user:0`. */
  readonly text: string;
}

export interface EventLine {
  readonly text: string;
  readonly bug: boolean;
}

export interface StepView {
  readonly index: number;
  readonly action: string;
  /** The lane of the CPU it happened on; null for a step of no CPU (wake). */
  readonly lane: number | null;
  readonly context?: string;
  readonly contextKind?: "task" | "irq";
  readonly fn?: string;
  readonly label: string;
  readonly at?: string;
  readonly hooks: readonly string[];
  readonly events: readonly EventLine[];
  /** Per lane (CPUs, then memory): what this step changed. */
  readonly changes: readonly (readonly Change[])[];
  /** Per lane: the whole state after this step. */
  readonly full: readonly (readonly { name: string; value: string }[])[];
  /** Per CPU after the step: who runs there (`A`, `kfence@cpu0 over A`, `idle`). */
  readonly running: readonly string[];
  readonly halted: boolean;
}

export interface TraceView {
  readonly meta: TraceMeta;
  readonly lanes: readonly string[];
  readonly steps: readonly StepView[];
}

/** Facts a step's own line already says (where a context is, which interrupt fired). */
const SAID_BY_THE_ACTION = [/ at$/, / in interrupt$/, /^irq .* fired$/, /^pte\[.*\] set to$/];

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

/** The name a fact has inside its lane: a CPU lane does not repeat "CPU0". */
function shortName(f: Fact): string {
  return f.owner.kind === "cpu" ? f.name.replace(/^CPU\d+ /, "") : f.name;
}

function listItems(v: string): string[] | undefined {
  if (!v.startsWith("[") || !v.endsWith("]")) return undefined;
  const inner = v.slice(1, -1).trim();
  return inner === "" ? [] : inner.split(", ");
}

function changeText(name: string, before: string, after: string): string {
  const a = listItems(before);
  const b = listItems(after);
  if (a !== undefined && b !== undefined) {
    const added = b.filter((x) => !a.includes(x)).map((x) => `+${x}`);
    const removed = a.filter((x) => !b.includes(x)).map((x) => `-${x}`);
    return `${name}: ${[...added, ...removed].join(" ") || `${before} -> ${after}`}`;
  }
  return `${name}: ${before} -> ${after}`;
}

function running(s: Kernel): string[] {
  return s.cpus.map((c) => {
    const task = c.current ?? "idle";
    return c.irq === null ? task : `${c.irq.source}@cpu${c.id} over ${task}`;
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
      out.push({ name, before: m0, after: m1, text: `${name}: ${m0} -> ${m1}${note}` });
    } else if (i0 !== i1) {
      out.push({
        name: `${name} asked`,
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
    const full: { name: string; value: string }[][] = lanes.map(() => []);
    for (const f of now) {
      const lane = laneOf(f.owner, state, memoryLane);
      full[lane]?.push({ name: shortName(f), value: f.value });
      const before = prev.get(f.name)?.value ?? "-";
      if (meta.index === 0 || before === f.value) continue;
      if (SAID_BY_THE_ACTION.some((r) => r.test(f.name)) || /^pte\[/.test(f.name)) continue;
      const name = shortName(f);
      changes[lane]?.push({
        name,
        before,
        after: f.value,
        text: changeText(name, before, f.value),
      });
    }
    if (meta.index > 0) changes[memoryLane]?.unshift(...pteChanges(prevState, state));
    const bugs = new Set((meta.bugs ?? []).map((b) => b.message));
    const ctx = meta.context;
    const view: StepView = {
      index: meta.index,
      action: meta.action,
      lane:
        meta.cpu ??
        (ctx === undefined ? null : (state.tasks.find((t) => t.id === ctx)?.cpu ?? null)),
      ...(ctx === undefined
        ? {}
        : { context: ctx, contextKind: ctx.includes("@cpu") ? "irq" : "task" }),
      ...(meta.fn === undefined ? {} : { fn: meta.fn }),
      label: withChoice(meta.label, meta.choice),
      ...(meta.at === undefined ? {} : { at: meta.at }),
      hooks: meta.hooks ?? [],
      events: meta.events.map((e) => ({ text: compactEvent(e, ctx), bug: bugs.has(e) })),
      changes,
      full,
      running: running(state),
      halted: state.halted !== null,
    };
    prev = new Map(now.map((f) => [f.name, f]));
    prevState = state;
    return view;
  });
  return { meta: trace.meta, lanes, steps };
}

/** An event in its lane, where the context is already named: `call set_pte_at(...)`. */
function compactEvent(e: string, ctx: string | undefined): string {
  if (ctx === undefined) return e;
  const esc = ctx.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return e
    .replace(new RegExp(`^${esc} calls `), "call ")
    .replace(new RegExp(`^(\\S+)\\(\\) returns to ${esc}$`), "ret $1()")
    .replace(new RegExp(`^${esc} reads `), "read ")
    .replace(new RegExp(`^${esc} finishes$`), "finishes");
}
