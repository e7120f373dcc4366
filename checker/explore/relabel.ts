// A relabelling (symmetry.ts) applied to the parts of a kernel state: each CPU, each task,
// and each other top-level field (the components of collapse.ts). Where a CPU number lives: Cpu.id (and the CPU's place in the list),
// Task.cpu, an interrupt source's name (IrqContext.source, the keys of irqFired) when the
// source is bound to CPUs, the `cpu|addr` entries of hw.unsynced, the locals that
// this_cpu_ptr() writes (CPU_LOCALS), and the `pcpu:<cpu>:` pointers and idle tasks'
// `task:idle@cpu<cpu>` pointers a derived model's values hold. Where a task's identity
// lives: Task.id (and the task's place in the list), Cpu.current, the owners of locks
// (locks), and the `task:<id>` pointers of a derived model's values. Contexts' ids (a task's
// is its id, a handler's its source and CPU) are computed from these, never stored.

import { unsyncedEntry, unsyncedKey } from "../../model/kernel/hardware";
import { CPU_LOCALS } from "../../model/kernel/primitives";
import type { Cpu, Frame, IrqFrame, Kernel, Task, Val } from "../../model/kernel/state";
import { relabelPointer } from "../../model/source/memory";
import type { Relabelling } from "./symmetry";

const cpuOf = (r: Relabelling) => (c: number) => r.cpu[c] ?? c;
const taskOf = (r: Relabelling) => (id: string) => r.taskId.get(id) ?? id;

/** A record of values with every pointer relabelled (the record itself when none changes). */
function relabelValues(
  rec: Readonly<Record<string, Val>>,
  r: Relabelling,
  cpuNumbers: boolean,
): Record<string, Val> {
  let out: Record<string, Val> | undefined;
  for (const [k, v] of Object.entries(rec)) {
    const to =
      cpuNumbers && typeof v === "number" && CPU_LOCALS.has(k)
        ? (r.cpu[v] ?? v)
        : relabelPointer(v, cpuOf(r), taskOf(r));
    if (to !== v) {
      out ??= { ...rec };
      out[k] = to;
    }
  }
  return out ?? rec;
}

function relabelStack(stack: readonly Frame[], r: Relabelling): Frame[] {
  return stack.map((f) => {
    const locals = relabelValues(f.locals, r, true);
    const args = relabelValues(f.args, r, true);
    return locals === f.locals && args === f.args ? f : { ...f, args, locals };
  });
}

function relabelIrq<I extends IrqFrame>(i: I, r: Relabelling): I {
  return { ...i, source: r.source.get(i.source) ?? i.source, stack: relabelStack(i.stack, r) };
}

export function relabelCpu(c: Cpu, r: Relabelling): Cpu {
  // The softirq a hardirq interrupted is relabelled like the handler on top of it.
  const irq =
    c.irq === null
      ? null
      : {
          ...relabelIrq(c.irq, r),
          interrupted: c.irq.interrupted === null ? null : relabelIrq(c.irq.interrupted, r),
        };
  return {
    ...c,
    id: r.cpu[c.id] ?? c.id,
    current: c.current === null ? null : (r.taskId.get(c.current) ?? c.current),
    arch: relabelValues(c.arch, r, false),
    irq,
  };
}

export function relabelTask(t: Task, r: Relabelling): Task {
  return {
    ...t,
    id: r.taskId.get(t.id) ?? t.id,
    cpu: r.cpu[t.cpu] ?? t.cpu,
    stack: relabelStack(t.stack, r),
    flags: relabelValues(t.flags, r, false),
  };
}

/**
 * How a relabelling changes each top-level field that is not a list and holds CPU numbers,
 * names bound to CPUs or task ids; the other fields it leaves as they are.
 */
export const RELABEL_FIELD: {
  readonly [F in keyof Kernel]?: (v: Kernel[F], r: Relabelling) => Kernel[F];
} = {
  irqFired: (v, r) => {
    const irqFired: Record<string, number> = {};
    for (const [src, n] of Object.entries(v)) irqFired[r.source.get(src) ?? src] = n;
    return irqFired;
  },
  locks: (v, r) => {
    const locks: Record<string, string | null> = {};
    for (const [lock, owner] of Object.entries(v))
      locks[lock] = owner === null ? null : (r.taskId.get(owner) ?? owner);
    return locks;
  },
  hw: (v, r) => {
    const unsynced = v.unsynced
      .map((e) => {
        const { cpu, addr } = unsyncedEntry(e);
        return unsyncedKey(r.cpu[cpu] ?? cpu, addr);
      })
      .sort();
    return { ...v, unsynced };
  },
};
