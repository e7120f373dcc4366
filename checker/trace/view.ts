// A state seen as a flat list of named kernel facts ("CPU0 tlb_batch.active = 1",
// "A preempt_count = 1", "pte[user:0] = 2"), so that a trace step can show only what
// changed. Each fact keeps, as data, whose it is, which field of the state it shows and,
// for a list, its items: the renderers filter and word facts by these, never by their names.

import type { ProcTable } from "../../model/kernel/program";
import type { Kernel, Val } from "../../model/kernel/state";

export type Facts = ReadonlyMap<string, string>;

function fmt(v: Val | null | undefined): string {
  if (v === null || v === undefined) return "-";
  return String(v);
}

function position(
  procs: ProcTable | undefined,
  stack: readonly { proc: string; pc: number }[],
): string {
  const top = stack[stack.length - 1];
  if (top === undefined) return "finished";
  const op = procs?.[top.proc]?.ops[top.pc];
  const next =
    op === undefined ? "" : op.op === "call" ? `: next call ${op.proc}()` : `: next ${op.label}`;
  return `${stack.map((f) => f.proc).join(" > ")}${next}`;
}

/** Whose fact it is: a CPU's, a task's (shown with the CPU it is on), or memory and MMU. */
export type Owner =
  | { readonly kind: "cpu"; readonly cpu: number }
  | { readonly kind: "task"; readonly task: string }
  | { readonly kind: "memory" };

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
  | "stale translations"
  | "walker barriers owed"
  | "held by"
  | "fired"
  | "halted";

export interface Fact {
  /** The fact's full name, e.g. `CPU0 batch`, `A preempt_count`, `pte[user:0]`. */
  readonly name: string;
  /** Its name inside its owner's lane: `batch` (a CPU lane does not repeat `CPU0`). */
  readonly short: string;
  readonly value: string;
  readonly owner: Owner;
  readonly field: FactField;
  /** For a list-valued fact, its items as shown (`user:0`, `user:1=2`). */
  readonly items?: readonly string[];
}

const listValue = (items: readonly string[]): string =>
  items.length === 0 ? "[]" : `[${items.join(", ")}]`;

export function factList(s: Kernel, procs?: ProcTable): Fact[] {
  const out: Fact[] = [];
  const push = (
    owner: Owner,
    prefix: string,
    field: FactField,
    short: string,
    value: string,
    items?: readonly string[],
  ) =>
    out.push({
      name: `${prefix}${short}`,
      short: owner.kind === "cpu" ? short : `${prefix}${short}`,
      value,
      owner,
      field,
      ...(items === undefined ? {} : { items }),
    });
  for (const c of s.cpus) {
    const owner: Owner = { kind: "cpu", cpu: c.id };
    const p = `CPU${c.id} `;
    push(owner, p, "current", "current", fmt(c.current));
    push(owner, p, "irqs", "irqs", c.irqsEnabled ? "on" : "off");
    const irq = c.irq === null ? "-" : `${c.irq.source}: ${position(procs, c.irq.stack)}`;
    push(owner, p, "in interrupt", "in interrupt", irq);
    for (const [k, v] of Object.entries(c.arch)) push(owner, p, "arch", k, fmt(v));
    push(owner, p, "batch", "batch", listValue(c.batch), c.batch);
    const queued = c.queued.map((u) => `${u.addr}=${u.value}`);
    push(owner, p, "queued", "queued", listValue(queued), queued);
  }
  for (const t of s.tasks) {
    const owner: Owner = { kind: "task", task: t.id };
    const p = `${t.id} `;
    push(owner, p, "status", "status", `${t.status} on CPU${t.cpu}`);
    push(owner, p, "at", "at", position(procs, t.stack));
    push(owner, p, "preempt_count", "preempt_count", String(t.preemptCount));
    push(owner, p, "migration_disabled", "migration_disabled", String(t.migrationDisabled));
    for (const [k, v] of Object.entries(t.flags)) push(owner, p, "flag", k, fmt(v));
    push(owner, p, "lazy regions", "lazy regions", String(t.ghost.lazyDepth));
  }
  const memory: Owner = { kind: "memory" };
  const mem = (field: FactField, name: string, value: string, items?: readonly string[]) =>
    push(memory, "", field, name, value, items);
  for (const [a, v] of Object.entries(s.pte)) mem("pte", `pte[${a}]`, String(v));
  for (const [a, v] of Object.entries(s.intended)) mem("set to", `pte[${a}] set to`, String(v));
  mem("stale translations", "stale translations", listValue(s.hw.stale), s.hw.stale);
  mem("walker barriers owed", "walker barriers owed", listValue(s.hw.unsynced), s.hw.unsynced);
  for (const [l, o] of Object.entries(s.locks)) mem("held by", `${l} held by`, fmt(o));
  for (const [i, n] of Object.entries(s.irqFired)) mem("fired", `irq ${i} fired`, String(n));
  mem("halted", "halted", fmt(s.halted));
  return out;
}

export function facts(s: Kernel, procs?: ProcTable): Facts {
  return factsOf(factList(s, procs));
}

export function factsOf(list: readonly Fact[]): Facts {
  return new Map(list.map((f) => [f.name, f.value]));
}

/** Facts that differ between two states: [name, before, after]. */
export function diff(before: Facts, after: Facts): [string, string, string][] {
  const out: [string, string, string][] = [];
  const names = new Set([...before.keys(), ...after.keys()]);
  for (const n of names) {
    const a = before.get(n) ?? "-";
    const b = after.get(n) ?? "-";
    if (a !== b) out.push([n, a, b]);
  }
  return out;
}
