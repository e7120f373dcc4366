// Keys of orbit representatives: a state and its relabellings (symmetry.ts) get the same
// key. The representative is the relabelling whose key, as a list of component numbers
// (collapse.ts), is smallest; relabelled components are memoized per relabelling, so a
// state costs a few table lookups per relabelling rather than a re-encoding, and each
// relabelling is built position by position and dropped at the first position where it
// is larger than the smallest so far.

import type { Kernel } from "../../model/kernel/state";
import { CollapsedKernelCodec } from "./kernel-codec";
import { RELABEL_FIELD, relabelCpu, relabelTask } from "./relabel";
import type { SharedComponents } from "./shared-store";
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

/** One relabelling other than the identity, with what its keys need. */
interface Other {
  readonly r: Relabelling;
  /** For each CPU slot of the relabelled state, the CPU of the original whose it is. */
  readonly cpuFrom: readonly number[];
  /** For each task slot of the relabelled state, the task of the original whose it is. */
  readonly taskFrom: readonly number[];
  readonly cpu: Memo;
  readonly task: Memo;
  /** Per field of the key (after the lists): undefined where relabelling leaves it alone. */
  readonly fields: readonly (Memo | undefined)[];
}

function inverse(p: readonly number[]): number[] {
  const from: number[] = [];
  p.forEach((to, i) => {
    from[to] = i;
  });
  return from;
}

export class SymmetricKernelCodec extends CollapsedKernelCodec {
  private readonly cpus = this.c.listIndex("cpus");
  private readonly tasks = this.c.listIndex("tasks");
  /** Per field of the key (after the lists): how a relabelling changes it, if it does. */
  private readonly relabelField = this.c.fieldNames.map(
    (name) =>
      RELABEL_FIELD[name as keyof Kernel] as ((v: unknown, r: Relabelling) => unknown) | undefined,
  );
  private readonly others: readonly Other[];
  private readonly scratch: number[] = [];
  private best = new Int32Array(0);
  private cand = new Int32Array(0);

  constructor(group: readonly Relabelling[], shared?: SharedComponents) {
    super(shared);
    // The key layout below is [#cpus, cpus..., #tasks, tasks..., fields...].
    if (this.cpus !== 0 || this.tasks !== 1)
      throw new Error("checker error: symmetry expects the state's lists to be cpus, tasks");
    this.others = group
      .filter((r) => !isIdentityRelabelling(r))
      .map((r) => ({
        r,
        cpuFrom: inverse(r.cpu),
        taskFrom: inverse(r.task),
        cpu: new Memo(),
        task: new Memo(),
        fields: this.relabelField.map((f) => (f === undefined ? undefined : new Memo())),
      }));
  }

  override key(s: Kernel): Uint8Array {
    this.c.ids(s, this.scratch);
    return this.keyOfIds(this.scratch);
  }

  /** The number of list `list`'s element `id` relabelled (`relabel` of that element). */
  private elementImage<T>(
    memo: Memo,
    list: number,
    id: number,
    relabel: (x: T, r: Relabelling) => T,
    r: Relabelling,
  ): number {
    let to = memo.get(id);
    if (to < 0) {
      // The element decodes to the shape the schema declares for the list: relabel's T.
      to = this.c.addElement(list, relabel(this.c.element(list, id) as T, r));
      memo.set(id, to);
    }
    return to;
  }

  private fieldImage(o: Other, f: number, id: number): number {
    const memo = o.fields[f];
    const relabel = this.relabelField[f];
    if (memo === undefined || relabel === undefined) return id;
    let to = memo.get(id);
    if (to < 0) {
      to = this.c.addField(f, relabel(this.c.field(f, id), o.r));
      memo.set(id, to);
    }
    return to;
  }

  /** The key of the orbit of the state made of these components: its representative's. */
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
    const fieldsAt = taskAt + 1 + (ids[taskAt] ?? 0);
    for (const o of this.others) {
      // 0: equal to the smallest so far; -1: already smaller (fill the rest); 1: larger.
      let order = 0;
      for (let p = 0; p < len && order <= 0; p++) {
        let v: number;
        if (p === 0 || p === taskAt) v = ids[p] ?? 0;
        else if (p < taskAt) {
          const id = ids[1 + (o.cpuFrom[p - 1] ?? 0)] ?? 0;
          v = this.elementImage(o.cpu, this.cpus, id, relabelCpu, o.r);
        } else if (p < fieldsAt) {
          const id = ids[taskAt + 1 + (o.taskFrom[p - taskAt - 1] ?? 0)] ?? 0;
          v = this.elementImage(o.task, this.tasks, id, relabelTask, o.r);
        } else v = this.fieldImage(o, p - fieldsAt, ids[p] ?? 0);
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
