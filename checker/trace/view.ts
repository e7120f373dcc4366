// A state seen as a flat list of named kernel facts ("CPU0 tlb_batch.active = 1",
// "A preempt_count = 1", "pte[user:0] = 2"), so that a trace step can show only what
// changed. Used by the text trace and by `show`.

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
    op === undefined
      ? ""
      : op.op === "call"
        ? `: next call ${op.proc}()`
        : op.op === "step"
          ? `: next ${op.label}`
          : "";
  return `${stack.map((f) => f.proc).join(" > ")}${next}`;
}

/** Whose fact it is: a CPU's, a task's (shown with the CPU it is on), or memory and MMU. */
export type Owner =
  | { readonly kind: "cpu"; readonly cpu: number }
  | { readonly kind: "task"; readonly task: string }
  | { readonly kind: "memory" };

export interface Fact {
  readonly name: string;
  readonly value: string;
  readonly owner: Owner;
}

export function factList(s: Kernel, procs?: ProcTable): Fact[] {
  const out: Fact[] = [];
  for (const c of s.cpus) {
    const n = `CPU${c.id}`;
    const owner: Owner = { kind: "cpu", cpu: c.id };
    const add = (k: string, value: string) => out.push({ name: `${n} ${k}`, value, owner });
    add("current", fmt(c.current));
    add("irqs", c.irqsEnabled ? "on" : "off");
    add("in interrupt", c.irq === null ? "-" : `${c.irq.source}: ${position(procs, c.irq.stack)}`);
    for (const [k, v] of Object.entries(c.arch)) add(k, fmt(v));
    add("batch", c.batch.length === 0 ? "[]" : `[${c.batch.join(", ")}]`);
    add(
      "queued",
      c.queued.length === 0 ? "[]" : `[${c.queued.map((u) => `${u.addr}=${u.value}`).join(", ")}]`,
    );
  }
  for (const t of s.tasks) {
    const owner: Owner = { kind: "task", task: t.id };
    const add = (k: string, value: string) => out.push({ name: `${t.id} ${k}`, value, owner });
    add("status", `${t.status} on CPU${t.cpu}`);
    add("at", position(procs, t.stack));
    add("preempt_count", String(t.preemptCount));
    add("migration_disabled", String(t.migrationDisabled));
    for (const [k, v] of Object.entries(t.flags)) add(k, fmt(v));
    add("lazy regions", String(t.ghost.lazyDepth));
  }
  const memory: Owner = { kind: "memory" };
  const add = (name: string, value: string) => out.push({ name, value, owner: memory });
  for (const [a, v] of Object.entries(s.pte)) add(`pte[${a}]`, String(v));
  for (const [a, v] of Object.entries(s.intended)) add(`pte[${a}] set to`, String(v));
  add("stale translations", s.hw.stale.length === 0 ? "[]" : `[${s.hw.stale.join(", ")}]`);
  add("walker barriers owed", s.hw.unsynced.length === 0 ? "[]" : `[${s.hw.unsynced.join(", ")}]`);
  for (const [l, o] of Object.entries(s.locks)) add(`${l} held by`, fmt(o));
  for (const [i, n] of Object.entries(s.irqFired)) add(`irq ${i} fired`, String(n));
  add("halted", fmt(s.halted));
  return out;
}

export function facts(s: Kernel, procs?: ProcTable): Facts {
  return new Map(factList(s, procs).map((f) => [f.name, f.value]));
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
