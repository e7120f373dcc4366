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
    op === undefined ? "" : op.op === "call" ? `: next call ${op.proc}()` : `: next ${op.label}`;
  return `${stack.map((f) => f.proc).join(" > ")}${next}`;
}

export function facts(s: Kernel, procs?: ProcTable): Facts {
  const f = new Map<string, string>();
  for (const c of s.cpus) {
    const n = `CPU${c.id}`;
    f.set(`${n} current`, fmt(c.current));
    f.set(`${n} irqs`, c.irqsEnabled ? "on" : "off");
    f.set(
      `${n} in interrupt`,
      c.irq === null ? "-" : `${c.irq.source}: ${position(procs, c.irq.stack)}`,
    );
    for (const [k, v] of Object.entries(c.arch)) f.set(`${n} ${k}`, fmt(v));
    f.set(`${n} batch`, c.batch.length === 0 ? "[]" : `[${c.batch.join(", ")}]`);
    f.set(
      `${n} queued`,
      c.queued.length === 0 ? "[]" : `[${c.queued.map((u) => `${u.addr}=${u.value}`).join(", ")}]`,
    );
  }
  for (const t of s.tasks) {
    f.set(`${t.id} status`, `${t.status} on CPU${t.cpu}`);
    f.set(`${t.id} at`, position(procs, t.stack));
    f.set(`${t.id} preempt_count`, String(t.preemptCount));
    f.set(`${t.id} migration_disabled`, String(t.migrationDisabled));
    for (const [k, v] of Object.entries(t.flags)) f.set(`${t.id} ${k}`, fmt(v));
    f.set(`${t.id} lazy regions`, String(t.ghost.lazyDepth));
  }
  for (const [a, v] of Object.entries(s.pte)) f.set(`pte[${a}]`, String(v));
  for (const [a, v] of Object.entries(s.intended)) f.set(`pte[${a}] set to`, String(v));
  f.set("stale translations", s.hw.stale.length === 0 ? "[]" : `[${s.hw.stale.join(", ")}]`);
  f.set(
    "walker barriers owed",
    s.hw.unsynced.length === 0 ? "[]" : `[${s.hw.unsynced.join(", ")}]`,
  );
  for (const [l, o] of Object.entries(s.locks)) f.set(`${l} held by`, fmt(o));
  for (const [i, n] of Object.entries(s.irqFired)) f.set(`irq ${i} fired`, String(n));
  f.set("halted", fmt(s.halted));
  return f;
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
