// Keys of orbit representatives: a state and its relabellings (symmetry.ts) get the same
// key. The representative is the relabelling whose key, as a list of component numbers
// (collapse.ts), is smallest; relabelled components are memoized per relabelling, so a
// state costs a few table lookups per relabelling rather than a re-encoding.

import { kernelSchema } from "../../model/kernel/schema";
import type { Cpu, Kernel, Task } from "../../model/kernel/state";
import { Interner } from "./codec";
import { CollapsedCodec } from "./collapse";
import { relabelCpu, relabelRest, relabelTask } from "./relabel";
import { isIdentityRelabelling, type Relabelling } from "./symmetry";

/** A growable table from a component number to its relabelled component's number. */
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

export class SymmetricKernelCodec {
  private readonly c = new CollapsedCodec(kernelSchema, new Interner());
  private readonly cpus = this.c.listIndex("cpus");
  private readonly tasks = this.c.listIndex("tasks");
  private readonly others: readonly Relabelling[];
  private readonly memo: { cpu: Memo; task: Memo; rest: Memo }[];
  private readonly ids: number[] = [];
  private readonly best: number[] = [];
  private readonly other: number[] = [];

  constructor(group: readonly Relabelling[]) {
    // The key layout below is [#cpus, cpus..., #tasks, tasks..., rest].
    if (this.cpus !== 0 || this.tasks !== 1)
      throw new Error("checker error: symmetry expects the state's lists to be cpus, tasks");
    this.others = group.filter((r) => !isIdentityRelabelling(r));
    this.memo = this.others.map(() => ({ cpu: new Memo(), task: new Memo(), rest: new Memo() }));
  }

  key(s: Kernel): Uint8Array {
    const ids = this.ids;
    this.c.ids(s, ids);
    const best = this.best;
    best.length = 0;
    for (const x of ids) best.push(x);
    const n = ids[0] ?? 0;
    const taskAt = 1 + n;
    const m = ids[taskAt] ?? 0;
    const restAt = taskAt + 1 + m;
    const other = this.other;
    for (let g = 0; g < this.others.length; g++) {
      const r = this.others[g];
      const memo = this.memo[g];
      if (!r || !memo) continue;
      other.length = ids.length;
      other[0] = n;
      for (let c = 0; c < n; c++) {
        const id = ids[1 + c] ?? 0;
        let to = memo.cpu.get(id);
        if (to < 0) {
          // The element decodes to the Cpu the schema declares.
          to = this.c.addElement(this.cpus, relabelCpu(this.c.element(this.cpus, id) as Cpu, r));
          memo.cpu.set(id, to);
        }
        other[1 + (r.cpu[c] ?? c)] = to;
      }
      other[taskAt] = m;
      for (let t = 0; t < m; t++) {
        const id = ids[taskAt + 1 + t] ?? 0;
        let to = memo.task.get(id);
        if (to < 0) {
          // The element decodes to the Task the schema declares.
          const task = this.c.element(this.tasks, id) as Task;
          to = this.c.addElement(this.tasks, relabelTask(task, r));
          memo.task.set(id, to);
        }
        other[taskAt + 1 + (r.task[t] ?? t)] = to;
      }
      const restId = ids[restAt] ?? 0;
      let to = memo.rest.get(restId);
      if (to < 0) {
        // The rest decodes to the Kernel's non-list fields; its lists are not read.
        const rest = this.c.rest(restId) as unknown as Kernel;
        to = this.c.addRest(relabelRest(rest, r));
        memo.rest.set(restId, to);
      }
      other[restAt] = to;
      if (less(other, best)) {
        best.length = 0;
        for (const x of other) best.push(x);
      }
    }
    return this.c.write(best);
  }

  decode(key: Uint8Array): Kernel {
    // The components decode to exactly the shapes the schema declares: a Kernel.
    return this.c.decode(key) as unknown as Kernel;
  }
}

function less(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}
