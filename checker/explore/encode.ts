// Canonical encoding of a state: the visited-set key. Fixed-shape parts (CPUs, tasks,
// frames) are written field by field in a fixed order; keyed records (PTEs, locks, flags,
// locals) with their keys sorted, so equal states always encode alike whatever order their
// keys were made in. Immer shares unchanged subtrees between a state and its successors,
// so encodings are cached by object identity and most of a successor's encoding is a hit.

import type { Cpu, Frame, Ghost, IrqContext, Kernel, Task, Val } from "../../model/kernel/state";

const cache = new WeakMap<object, string>();

function memo<T extends object>(o: T, f: (o: T) => string): string {
  const hit = cache.get(o);
  if (hit !== undefined) return hit;
  const out = f(o);
  cache.set(o, out);
  return out;
}

function val(v: Val | null): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

// Small records and lists are cheaper to encode again than to look up in the cache.
function record(r: Readonly<Record<string, Val | null>>): string {
  const keys = Object.keys(r);
  if (keys.length === 0) return "{}";
  if (keys.length > 1) keys.sort();
  let out = "{";
  for (const k of keys) out += `${JSON.stringify(k)}:${val(r[k] ?? null)},`;
  return `${out}}`;
}

function strings(xs: readonly string[]): string {
  return xs.length === 0 ? "[]" : JSON.stringify(xs);
}

function frame(f: Frame): string {
  return `${f.proc}@${f.pc}${record(f.args)}${record(f.locals)}`;
}

function stack(s: readonly Frame[]): string {
  return memo(s, () => `[${s.map(frame).join(",")}]`);
}

function ghost(g: Ghost): string {
  if (g.lazyDepth === 0 && g.regions.length === 0) return `0${record(g.wrote)}`;
  return `${g.lazyDepth}${g.regions.map(strings).join("|")}${record(g.wrote)}`;
}

function irqContext(i: IrqContext | null): string {
  if (i === null) return "-";
  const below = i.interrupted === null ? "" : `^${irqContext(i.interrupted)}`;
  return `${i.source}${stack(i.stack)}${i.preemptCount}${ghost(i.ghost)}${below}`;
}

function cpu(c: Cpu): string {
  return memo(c, () => {
    const irq = irqContext(c.irq);
    const queued = c.queued.map((u) => `${u.addr}=${u.value}`).join(",");
    return `C${c.id}:${c.current ?? "-"}:${c.irqsEnabled ? 1 : 0}:${irq}:${record(c.arch)}:${queued}:${strings(c.batch)}`;
  });
}

function task(t: Task): string {
  return memo(
    t,
    () =>
      `T${t.id}:${stack(t.stack)}:${t.status}:${t.cpu}:${t.preemptCount}:${t.migrationDisabled}:${t.atSleepPoint ? 1 : 0}:${record(t.flags)}:${ghost(t.ghost)}`,
  );
}

export function canonical(s: Kernel): string {
  return [
    s.cpus.map(cpu).join(";"),
    s.tasks.map(task).join(";"),
    record(s.irqFired),
    record(s.locks),
    record(s.pte),
    record(s.intended),
    strings(s.hw.stale),
    strings(s.hw.unsynced),
    s.halted ?? "",
  ].join("#");
}
