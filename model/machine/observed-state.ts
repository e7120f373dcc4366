// What readers see of each field of the kernel state, declared once per field: the facts
// the renderers show (checker/trace/view.ts lists them, the trace views word and filter
// them) and, for the fields rules read, the field's place and type in the rules' state
// view (the monitor's `state`, and the vocabulary a spec's `{"var": "state..."}` paths are
// checked against at load). One table per owner (a CPU, a task, the rest of the state),
// typed by model/kernel/state.ts: a field added to the state and not here is a type error,
// and a field given `rules` here is in the monitor's view and the rule vocabulary at once.
// Facts come in their table's order.

import type { ProcTable } from "../kernel/program";
import type { Cpu, Frame, Kernel, Task, Val } from "../kernel/state";
import type { FieldType } from "./field-type";

/**
 * Which part of the state a fact shows. Fixed fields are named as shown; `arch` and `flag`
 * are the architecture's per-CPU and per-task state, `pte` and `set to` the PTE values in
 * memory and asked for, `held by` a lock, `fired` an interrupt source's count.
 */
export type FactField =
  | "current"
  | "irqs"
  | "in interrupt"
  | "arch"
  | "batch"
  | "queued"
  | "status"
  | "at"
  | "preempt_count"
  | "migration_disabled"
  | "flag"
  | "lazy regions"
  | "pte"
  | "set to"
  | "shared"
  | "stale translations"
  | "walker barriers owed"
  | "stale TLB entries"
  | "TLB flush overtook an update"
  | "held by"
  | "fired"
  | "halted";

/** One fact a field contributes: its part of the state, name within its owner, value. */
export interface FactOut {
  readonly field: FactField;
  readonly name: string;
  readonly value: string;
  /** For a list-valued fact, its items as shown. */
  readonly items?: readonly string[];
}

type FactRule<T, K extends keyof T> =
  | "hidden"
  | ((v: T[K], owner: T, procs: ProcTable | undefined) => readonly FactOut[]);

/** A value of the rules' state view (the rule language's values: checker/rules/expr.ts). */
export type ViewValue =
  | null
  | number
  | string
  | boolean
  | readonly ViewValue[]
  | { readonly [k: string]: ViewValue };

/**
 * How rules see a field: under its own name or `name`, as a value of `type`, read by `get`
 * (the value itself when absent: then it must already be a view value).
 */
interface RuleView<V> {
  readonly type: FieldType;
  readonly name?: string;
  readonly get?: (v: V) => ViewValue;
  /**
   * Its view names no CPU (and nothing a CPU's number decides), so renumbering the CPUs
   * leaves it as it is and a rule may read it under CPU symmetry (checker/explore/symmetry.ts).
   */
  readonly cpuFree?: true;
}

/** What readers see of one field: the renderers' facts, and (if rules read it) its view. */
interface Observed<T, K extends keyof T> {
  readonly facts: FactRule<T, K>;
  readonly rules?: RuleView<T[K]>;
}

/** One entry per field of `T`: a field missing here is a type error. */
export type ObservedTable<T> = { readonly [K in keyof T]-?: Observed<T, K> };

const shown = (v: Val | null | undefined): string =>
  v === null || v === undefined ? "-" : String(v);

const listed = (items: readonly string[]): string =>
  items.length === 0 ? "[]" : `[${items.join(", ")}]`;

const fact = (field: FactField, name: string, value: string): readonly FactOut[] => [
  { field, name, value },
];

const listFact = (field: FactField, name: string, items: readonly string[]): readonly FactOut[] => [
  { field, name, value: listed(items), items },
];

/** Each key of a keyed record as its own fact: `name(key) = value`. */
const each =
  <V>(field: FactField, name: (k: string) => string, value: (v: V) => string) =>
  (r: Readonly<Record<string, V>>): readonly FactOut[] =>
    Object.entries(r).map(([k, v]) => ({ field, name: name(k), value: value(v) }));

/** Where a context is: its call stack and the op it runs next. */
function position(procs: ProcTable | undefined, stack: readonly Frame[]): string {
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

export const CPU_FIELDS: ObservedTable<Cpu> = {
  id: { facts: "hidden", rules: { type: "number" } }, // the lane or the owner's name says it
  current: { facts: (v) => fact("current", "current", shown(v)), rules: { type: "value" } },
  irqsEnabled: {
    facts: (v) => fact("irqs", "irqs", v ? "on" : "off"),
    rules: { type: "boolean" },
  },
  irq: {
    facts: (v, _c, procs) =>
      fact(
        "in interrupt",
        "in interrupt",
        v === null ? "-" : `${v.source}: ${position(procs, v.stack)}`,
      ),
  },
  arch: { facts: each<Val>("arch", (k) => k, shown), rules: { type: { map: "value" } } },
  batch: { facts: (v) => listFact("batch", "batch", v) },
  queued: {
    facts: (v) =>
      listFact(
        "queued",
        "queued",
        v.map((u) => (u.op === "tlb-flush" ? `flush ${u.addr}` : `${u.addr}=${u.value}`)),
      ),
  },
};

export const TASK_FIELDS: ObservedTable<Task> = {
  status: {
    facts: (v, t) => fact("status", "status", `${v} on CPU${t.cpu}`),
    rules: { type: "string" },
  },
  stack: { facts: (v, _t, procs) => fact("at", "at", position(procs, v)) },
  preemptCount: {
    facts: (v) => fact("preempt_count", "preempt_count", String(v)),
    rules: { type: "number" },
  },
  migrationDisabled: {
    facts: (v) => fact("migration_disabled", "migration_disabled", String(v)),
  },
  flags: { facts: each<Val>("flag", (k) => k, shown), rules: { type: { map: "value" } } },
  ghost: {
    facts: (v) => fact("lazy regions", "lazy regions", String(v.lazyDepth)),
    rules: { name: "lazyDepth", type: "number", get: (v) => v.lazyDepth },
  },
  id: { facts: "hidden", rules: { type: "string" } }, // the owner's name
  cpu: { facts: "hidden", rules: { type: "number" } }, // said by status
  // The scheduler's bookkeeping: the next switch-out says it.
  atSleepPoint: { facts: "hidden" },
};

export const MEMORY_FIELDS: ObservedTable<Kernel> = {
  pte: { facts: each<number>("pte", (a) => `pte[${a}]`, String) },
  intended: { facts: each<number>("set to", (a) => `pte[${a}] set to`, String) },
  shared: { facts: each<Val>("shared", (k) => k, shown) },
  hw: {
    facts: (v) => [
      ...listFact("stale translations", "stale translations", v.stale),
      ...listFact("walker barriers owed", "walker barriers owed", v.unsynced),
      // Shown once used, so that a trace of an architecture that never caches reads as before.
      ...(v.tlb.length > 0 ? listFact("stale TLB entries", "stale TLB entries", v.tlb) : []),
      ...(v.overtaken.length > 0
        ? listFact("TLB flush overtook an update", "TLB flush overtook an update", v.overtaken)
        : []),
    ],
    // `state.tlb.stale`: old translations the caller's TLB flush owes (x86, arm64, generic);
    // `state.tlb.overtaken`: addresses whose flush took effect before an earlier, still
    // deferred update of them (model/kernel/hardware.ts).
    // Address sets only, whatever CPU cached them (the model does not tell CPUs' TLBs apart).
    rules: {
      name: "tlb",
      type: { fields: { stale: { list: "string" }, overtaken: { list: "string" } } },
      get: (v) => ({ stale: v.tlb, overtaken: v.overtaken }),
      cpuFree: true,
    },
  },
  locks: { facts: each<string | null>("held by", (l) => `${l} held by`, shown) },
  irqFired: { facts: each<number>("fired", (i) => `irq ${i} fired`, String) },
  halted: { facts: (v) => fact("halted", "halted", shown(v)) },
  // Each CPU and each task is an owner of its own (CPU_FIELDS, TASK_FIELDS).
  cpus: {
    facts: "hidden",
    rules: {
      type: { list: { fields: viewFields(CPU_FIELDS) } },
      get: (v) => v.map((c) => viewOf(CPU_FIELDS, c)),
    },
  },
  tasks: {
    facts: "hidden",
    rules: {
      type: { list: { fields: viewFields(TASK_FIELDS) } },
      get: (v) => v.map((t) => viewOf(TASK_FIELDS, t)),
    },
  },
};

/** The facts an owner's table gives, in the table's order. */
export function factsBy<T>(
  table: ObservedTable<T>,
  owner: T,
  procs: ProcTable | undefined,
): FactOut[] {
  const out: FactOut[] = [];
  for (const k of Object.keys(table) as (keyof T)[]) {
    const rule = table[k].facts;
    if (rule !== "hidden") out.push(...rule(owner[k], owner, procs));
  }
  return out;
}

/** The fields of an owner's view that rules read, with their types. */
function viewFields<T>(table: ObservedTable<T>): Record<string, FieldType> {
  const out: Record<string, FieldType> = {};
  for (const k of Object.keys(table) as (keyof T & string)[]) {
    const r = table[k].rules;
    if (r) out[r.name ?? k] = r.type;
  }
  return out;
}

/**
 * An owner as rules see it: each field its table gives a view, under its view name (only
 * those of `names`, when given: the monitor builds what its checks read).
 */
function viewOf<T>(
  table: ObservedTable<T>,
  owner: T,
  names?: ReadonlySet<string>,
): { readonly [k: string]: ViewValue } {
  const out: Record<string, ViewValue> = {};
  for (const k of Object.keys(table) as (keyof T & string)[]) {
    const r = table[k].rules;
    if (!r) continue;
    const name = r.name ?? k;
    if (names === undefined || names.has(name))
      out[name] = r.get ? r.get(owner[k]) : (owner[k] as ViewValue);
  }
  return out;
}

/** What rules may read of the whole state (the `state` of a check), with its types. */
export const STATE_VIEW_FIELDS: Readonly<Record<string, FieldType>> = viewFields(MEMORY_FIELDS);

/** The names, in the rules' `state`, of the fields whose views name no CPU (`cpuFree`). */
export const CPU_FREE_STATE_FIELDS: ReadonlySet<string> = new Set(
  (Object.keys(MEMORY_FIELDS) as (keyof typeof MEMORY_FIELDS)[]).flatMap((k) => {
    const r = MEMORY_FIELDS[k].rules;
    return r?.cpuFree ? [r.name ?? k] : [];
  }),
);

/**
 * A state as rules see it (the monitor's `state`): every field, or only those of `names`
 * (the fields a check reads, `state.tlb` of `state.tlb.stale`; a field left out reads as
 * absent, so pass them all to a check that reads `state` whole).
 */
export function stateView(
  s: Kernel,
  names?: ReadonlySet<string>,
): { readonly [k: string]: ViewValue } {
  return viewOf(MEMORY_FIELDS, s, names);
}
