// What a deterministic computation over a state gave, kept by the state components it
// read: the root asks for the component the computation reads first, each branch is one
// number of it, the next node asks for the component it reads next given those, and a
// leaf holds what it gave. Since the computation reads the same components in the same
// order whenever the ones read so far are the same, a state whose components lead to a
// leaf gives exactly that leaf's value. Used for the transition memo's units and the
// monitor's verdicts (memo.ts); the reads are heard by reads.ts.

interface Node<T> {
  /** The position of the component read next. */
  readonly pos: number;
  readonly next: Map<number, Node<T> | Leaf<T>>;
}

class Leaf<T> {
  constructor(readonly value: T) {}
}

export class ReadTree<T> {
  private root: Node<T> | Leaf<T> | undefined;

  /** The value kept for a state with these component numbers, if one is. */
  find(ids: readonly number[]): T | undefined {
    let e = this.root;
    while (e !== undefined && !(e instanceof Leaf)) e = e.next.get(ids[e.pos] ?? -1);
    return e?.value;
  }

  /**
   * Keeps `value`, which a run that read the positions `order` (in that order) of a state
   * with these component numbers gave. A run that read in another order than an earlier
   * one on the same values is not deterministic: a checker error naming `what`.
   */
  add(order: readonly number[], ids: readonly number[], value: T, what: string): void {
    const leaf = new Leaf(value);
    if (order.length === 0) {
      if (this.root !== undefined) throw new Error(`checker error: ${what} ran twice`);
      this.root = leaf;
      return;
    }
    if (this.root === undefined) this.root = { pos: order[0] ?? 0, next: new Map() };
    let node = this.root;
    for (let k = 0; k < order.length; k++) {
      const pos = order[k] ?? 0;
      if (node instanceof Leaf || node.pos !== pos)
        throw new Error(`checker error: ${what} read the same components in another order`);
      const value = ids[pos] ?? -1;
      const last = k === order.length - 1;
      let child = node.next.get(value);
      if (child === undefined) {
        child = last ? leaf : { pos: order[k + 1] ?? 0, next: new Map() };
        node.next.set(value, child);
      } else if (last) {
        throw new Error(`checker error: ${what} ran twice on the same components`);
      }
      node = child;
    }
  }
}
