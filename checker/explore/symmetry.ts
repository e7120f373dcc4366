// Symmetry reduction over CPUs: two states that differ only by a renumbering of the CPUs
// (with the interrupt sources bound to them renumbered alike) have the same futures up to
// that renumbering, so only one of them, the orbit's representative, is stored. The
// representative is the renumbering whose key, as a list of component numbers
// (collapse.ts), is smallest; renumbered components are memoized, so a state costs a few
// table lookups per renumbering rather than a re-encoding.
//
// Where a CPU number lives in the kernel state: Cpu.id (and the CPU's place in the list),
// Task.cpu, an interrupt source's name (IrqContext.source, the keys of irqFired) when the
// source is bound to CPUs, the `cpu|addr` entries of hw.unsynced, and the locals that
// this_cpu_ptr() writes (CPU_LOCALS). A reduction is offered only when the machine is
// symmetric: every renumbering maps each bound interrupt source to one with the same
// handler and bound, and no rule of the spec reads a CPU number or a context's name.

import { unsyncedEntry, unsyncedKey } from "../../model/kernel/hardware";
import { CPU_LOCALS } from "../../model/kernel/primitives";
import type { Cpu, Frame, IrqFrame, Kernel, Task, Val } from "../../model/kernel/state";
import type { Machine } from "../../model/machine/machine";
import { CPU_FREE_STATE_FIELDS } from "../../model/machine/observed-state";
import { varsOf } from "../rules/paths";
import type { Spec } from "../spec/types";
import { CollapsedKernelCodec } from "./kernel-codec";

/** One renumbering: CPU c becomes cpu[c]; bound interrupt sources are renamed alike. */
export interface Renumbering {
  readonly cpu: readonly number[];
  readonly source: ReadonlyMap<string, string>;
}

export type CpuSymmetry =
  | { readonly ok: true; readonly group: readonly Renumbering[] }
  | { readonly ok: false; readonly why: string };

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) {
    for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  }
  return out;
}

/** The renumberings of CPUs under which this machine, judged by this spec, is symmetric. */
export function cpuSymmetry(m: Machine, spec: Spec): CpuSymmetry {
  const n = m.scenario.cpus;
  if (n < 2) return { ok: false, why: "one CPU" };
  // A shared variable may hold a CPU number that renumbering would not follow.
  if (Object.keys(m.scenario.shared ?? {}).length > 0)
    return { ok: false, why: "the scenario has shared variables" };
  const vars: string[] = [];
  for (const r of spec.rules) for (const c of r.checks) varsOf(c.require, vars);
  // The state view may name CPUs, except the fields declared CPU-free (observed-state.ts).
  const cpuBound = vars.find(
    (v) =>
      /cpu/i.test(v) ||
      v === "ctx.id" ||
      (v.startsWith("state") && !CPU_FREE_STATE_FIELDS.has(v.split(".")[1] ?? "")),
  );
  if (cpuBound !== undefined) return { ok: false, why: `a rule reads ${cpuBound}` };
  const group: Renumbering[] = [];
  for (const p of permutations(n)) {
    const source = new Map<string, string>();
    let fits = true;
    for (const src of m.scenario.irqs) {
      if (src.cpus === undefined) continue;
      const image = src.cpus.map((c) => p[c] ?? c).sort((a, b) => a - b);
      const twin = m.scenario.irqs.find(
        (o) =>
          o.handler === src.handler &&
          o.bound === src.bound &&
          (o.kind ?? "hardirq") === (src.kind ?? "hardirq") &&
          o.cpus !== undefined &&
          [...o.cpus].sort((a, b) => a - b).join() === image.join(),
      );
      if (!twin) {
        fits = false;
        break;
      }
      if (twin.id !== src.id) source.set(src.id, twin.id);
    }
    if (fits) group.push({ cpu: p, source });
  }
  if (group.length < 2) return { ok: false, why: "the interrupt sources tell the CPUs apart" };
  // The identity first: a state that is its own representative needs no other work.
  group.sort((a, b) => Number(isIdentity(b)) - Number(isIdentity(a)));
  return { ok: true, group };
}

function isIdentity(r: Renumbering): boolean {
  return r.cpu.every((c, i) => c === i);
}

function renumberStack(stack: readonly Frame[], r: Renumbering): Frame[] {
  return stack.map((f) => {
    let locals: Record<string, Val> | undefined;
    for (const name of CPU_LOCALS) {
      const v = f.locals[name];
      if (typeof v === "number") {
        locals ??= { ...f.locals };
        locals[name] = r.cpu[v] ?? v;
      }
    }
    return locals === undefined ? f : { ...f, locals };
  });
}

function renumberIrq<I extends IrqFrame>(i: I, r: Renumbering): I {
  return { ...i, source: r.source.get(i.source) ?? i.source, stack: renumberStack(i.stack, r) };
}

function renumberCpu(c: Cpu, r: Renumbering): Cpu {
  // The softirq a hardirq interrupted is renumbered like the handler on top of it.
  const irq =
    c.irq === null
      ? null
      : {
          ...renumberIrq(c.irq, r),
          interrupted: c.irq.interrupted === null ? null : renumberIrq(c.irq.interrupted, r),
        };
  return { ...c, id: r.cpu[c.id] ?? c.id, irq };
}

function renumberTask(t: Task, r: Renumbering): Task {
  return { ...t, cpu: r.cpu[t.cpu] ?? t.cpu, stack: renumberStack(t.stack, r) };
}

/**
 * How a renumbering changes the value of each top-level field that is not a list and
 * holds CPU numbers or names bound to them; the other fields it leaves as they are.
 */
const RENUMBER_FIELD: {
  readonly [F in keyof Kernel]?: (v: Kernel[F], r: Renumbering) => Kernel[F];
} = {
  irqFired: (v, r) => {
    const irqFired: Record<string, number> = {};
    for (const [src, n] of Object.entries(v)) irqFired[r.source.get(src) ?? src] = n;
    return irqFired;
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

/** A growable table from a component number to its renumbered component's number. */
class Memo {
  private a = new Int32Array(256).fill(-1);
  get(i: number): number {
    return i < this.a.length ? (this.a[i] ?? -1) : -1;
  }
  set(i: number, v: number): void {
    if (i >= this.a.length) {
      const b = new Int32Array(Math.max(i + 1, this.a.length * 2)).fill(-1);
      b.set(this.a);
      this.a = b;
    }
    this.a[i] = v;
  }
}

/** Keys of orbit representatives: a state and its renumberings get the same key. */
export class SymmetricKernelCodec extends CollapsedKernelCodec {
  private readonly cpus = this.c.listIndex("cpus");
  private readonly tasks = this.c.listIndex("tasks");
  private readonly memo: { cpu: Memo; task: Memo; fields: (Memo | undefined)[] }[];
  /** Per field of the key (after the lists): how a renumbering changes it, if it does. */
  private readonly renumberField = this.c.fieldNames.map(
    (name) =>
      RENUMBER_FIELD[name as keyof Kernel] as ((v: unknown, r: Renumbering) => unknown) | undefined,
  );
  private readonly scratch: number[] = [];
  private best = new Int32Array(0);
  private cand = new Int32Array(0);
  /**
   * Per group element (undefined for the identity): for each CPU slot of a renumbered
   * state, the CPU of the original whose component lands there.
   */
  private readonly from: (readonly number[] | undefined)[];

  constructor(private readonly group: readonly Renumbering[]) {
    super();
    // The key layout below is [#cpus, cpus..., #tasks, tasks..., fields...].
    if (this.cpus !== 0 || this.tasks !== 1)
      throw new Error("checker error: symmetry expects the state's lists to be cpus, tasks");
    this.from = group.map((r) => {
      if (isIdentity(r)) return undefined;
      const from: number[] = [];
      r.cpu.forEach((to, c) => {
        from[to] = c;
      });
      return from;
    });
    this.memo = group.map(() => ({
      cpu: new Memo(),
      task: new Memo(),
      fields: this.renumberField.map((f) => (f === undefined ? undefined : new Memo())),
    }));
  }

  override key(s: Kernel): Uint8Array {
    this.c.ids(s, this.scratch);
    return this.keyOfIds(this.scratch);
  }

  /** The key of the orbit of the state made of these components: its representative's. */
  /** The number of CPU component `id` renumbered by group element `g`. */
  private cpuImage(g: number, id: number): number {
    const memo = this.memo[g];
    const r = this.group[g];
    if (!memo || !r) throw new Error("checker error: no such renumbering");
    let to = memo.cpu.get(id);
    if (to < 0) {
      // The element decodes to the Cpu the schema declares.
      to = this.c.addElement(this.cpus, renumberCpu(this.c.element(this.cpus, id) as Cpu, r));
      memo.cpu.set(id, to);
    }
    return to;
  }

  /** The number of task component `id` renumbered by group element `g`. */
  private taskImage(g: number, id: number): number {
    const memo = this.memo[g];
    const r = this.group[g];
    if (!memo || !r) throw new Error("checker error: no such renumbering");
    let to = memo.task.get(id);
    if (to < 0) {
      // The element decodes to the Task the schema declares.
      to = this.c.addElement(this.tasks, renumberTask(this.c.element(this.tasks, id) as Task, r));
      memo.task.set(id, to);
    }
    return to;
  }

  /** The number of field `f`'s component `id` renumbered by group element `g`. */
  private fieldImage(g: number, f: number, id: number): number {
    const renumber = this.renumberField[f];
    const memo = this.memo[g]?.fields[f];
    const r = this.group[g];
    if (renumber === undefined || memo === undefined || !r) return id;
    let to = memo.get(id);
    if (to < 0) {
      to = this.c.addField(f, renumber(this.c.field(f, id), r));
      memo.set(id, to);
    }
    return to;
  }

  /**
   * The key of the orbit of the state made of these components: its representative's,
   * the smallest of its renumberings as a list of component numbers. Each renumbering is
   * built position by position and dropped at the first position where it is larger than
   * the smallest so far.
   */
  override keyOfIds(ids: readonly number[]): Uint8Array {
    const len = ids.length;
    if (this.best.length !== len) {
      this.best = new Int32Array(len);
      this.cand = new Int32Array(len);
    }
    let best = this.best;
    let cand = this.cand;
    for (let i = 0; i < len; i++) best[i] = ids[i] ?? 0;
    const n = ids[0] ?? 0;
    const taskAt = 1 + n;
    const m = ids[taskAt] ?? 0;
    const fieldsAt = taskAt + 1 + m;
    for (let g = 0; g < this.group.length; g++) {
      const from = this.from[g];
      if (from === undefined) continue;
      // 0: equal to best so far; -1: already smaller (fill the rest); 1: larger (drop it).
      let order = 0;
      for (let p = 0; p < len && order <= 0; p++) {
        let v: number;
        if (p === 0 || p === taskAt) v = ids[p] ?? 0;
        else if (p < taskAt) v = this.cpuImage(g, ids[1 + (from[p - 1] ?? 0)] ?? 0);
        else if (p < fieldsAt) v = this.taskImage(g, ids[p] ?? 0);
        else v = this.fieldImage(g, p - fieldsAt, ids[p] ?? 0);
        cand[p] = v;
        if (order === 0) {
          const b = best[p] ?? 0;
          if (v < b) order = -1;
          else if (v > b) order = 1;
        }
      }
      if (order < 0) {
        const t = best;
        best = cand;
        cand = t;
      }
    }
    this.best = best;
    this.cand = cand;
    return this.c.write(best);
  }
}
