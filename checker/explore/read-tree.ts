// What a deterministic computation over a state gave, kept by the state components it
// read: the root asks for the component the computation reads first, each branch is one
// number of it, the next node asks for the component it reads next given those, and a
// leaf holds what it gave. Since the computation reads the same components in the same
// order whenever the ones read so far are the same, a state whose components lead to a
// leaf gives exactly that leaf's value. Used for the transition memo's units and the
// monitor's verdicts (memo.ts); the reads are heard by reads.ts.
//
// All the trees of one memo share packed tables: a node is a number (the position it asks
// for in `pos`), a branch an entry of one open-addressing table keyed by (node, component
// number), a leaf a negative number (-1 - its index in `leaves`). Walking a tree costs a
// few integer hashes, no allocation.

import { doubled } from "./doubled";

const EMPTY = 0x7fffffff;
/** Tables start small (a matrix cell's memo holds a few hundred branches) and double. */
const FIRST_SLOTS = 256;

/** A branch table of `slots` free slots. */
function emptyTable(slots: number): Int32Array {
  const t = new Int32Array(3 * slots);
  for (let i = 2; i < t.length; i += 3) t[i] = EMPTY;
  return t;
}

export class ReadTrees<T> {
  private readonly roots: number[] = [];
  private pos = new Int32Array(FIRST_SLOTS);
  private nodes = 0;
  private readonly leaves: T[] = [];
  // The branches: per slot, (node, value, child) side by side (a probe reads one cache
  // line); child EMPTY marks a free slot.
  private table = emptyTable(FIRST_SLOTS);
  private mask = FIRST_SLOTS - 1;
  private branches = 0;

  /** A new, empty tree: its number. */
  tree(): number {
    this.roots.push(EMPTY);
    return this.roots.length - 1;
  }

  /** The value tree `t` keeps for a state with these component numbers, if it keeps one. */
  find(t: number, ids: readonly number[]): T | undefined {
    let e = this.roots[t] ?? EMPTY;
    while (e >= 0 && e !== EMPTY) e = this.branch(e, ids[this.pos[e] ?? 0] ?? -1);
    return e === EMPTY ? undefined : this.leaves[-1 - e];
  }

  private slot(node: number, value: number): number {
    let h = Math.imul(node, 0x9e3779b1) ^ Math.imul(value, 0x85ebca6b);
    h ^= h >>> 15;
    return h & this.mask;
  }

  private branch(node: number, value: number): number {
    const table = this.table;
    for (let i = this.slot(node, value); ; i = (i + 1) & this.mask) {
      const at = 3 * i;
      const c = table[at + 2] ?? EMPTY;
      if (c === EMPTY) return EMPTY;
      if (table[at] === node && table[at + 1] === value) return c;
    }
  }

  private setBranch(node: number, value: number, to: number): void {
    if ((this.branches + 1) * 4 > (this.mask + 1) * 3) this.grow();
    const table = this.table;
    let i = this.slot(node, value);
    while ((table[3 * i + 2] ?? EMPTY) !== EMPTY) i = (i + 1) & this.mask;
    table[3 * i] = node;
    table[3 * i + 1] = value;
    table[3 * i + 2] = to;
    this.branches++;
  }

  private grow(): void {
    const old = this.table;
    const size = 2 * (this.mask + 1);
    this.table = emptyTable(size);
    this.mask = size - 1;
    this.branches = 0;
    for (let at = 0; at < old.length; at += 3) {
      const c = old[at + 2] ?? EMPTY;
      if (c !== EMPTY) this.setBranch(old[at] ?? 0, old[at + 1] ?? 0, c);
    }
  }

  private node(pos: number): number {
    if (this.nodes === this.pos.length) this.pos = doubled(this.pos);
    this.pos[this.nodes] = pos;
    return this.nodes++;
  }

  /**
   * Keeps `value` in tree `t`: a run that read the positions `order` (in that order) of a
   * state with these component numbers gave it. A run that read in another order than an
   * earlier one on the same values is not deterministic: a checker error naming `what`.
   */
  add(t: number, order: readonly number[], ids: readonly number[], value: T, what: string): void {
    this.leaves.push(value);
    const leaf = -this.leaves.length;
    if (order.length === 0) {
      if ((this.roots[t] ?? EMPTY) !== EMPTY) throw new Error(`checker error: ${what} ran twice`);
      this.roots[t] = leaf;
      return;
    }
    let e = this.roots[t] ?? EMPTY;
    if (e === EMPTY) {
      e = this.node(order[0] ?? 0);
      this.roots[t] = e;
    }
    for (let k = 0; k < order.length; k++) {
      const pos = order[k] ?? 0;
      if (e < 0 || this.pos[e] !== pos)
        throw new Error(`checker error: ${what} read the same components in another order`);
      const v = ids[pos] ?? -1;
      const last = k === order.length - 1;
      let c = this.branch(e, v);
      if (c === EMPTY) {
        c = last ? leaf : this.node(order[k + 1] ?? 0);
        this.setBranch(e, v, c);
      } else if (last) {
        throw new Error(`checker error: ${what} ran twice on the same components`);
      }
      e = c;
    }
  }
}
