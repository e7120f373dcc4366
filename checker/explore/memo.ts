// The transition memo: each unit of the transition relation (model/machine/transitions.ts
// unitSuccessors: what one CPU can do, what the scheduler can do to one task) is run once
// for each combination of the state's components that it reads, and its transitions are
// remembered as changes of component numbers. A reachable state space is made of few
// components (the reference configuration's 118,320 states of 80 CPU, 74 task and 546
// other components), so most units of most states are found here instead of run.
//
// Exact, as the store is: a unit is a deterministic function of the components it reads
// (reads.ts hears every one of them, in the order it first reaches them), so its runs are
// kept in a tree keyed by that order: the root asks for the component the unit reads
// first, each branch is one number of it, the next node asks for the component the unit
// reads next given those, and a leaf holds the transitions. A state whose components lead
// to a leaf has exactly those transitions. A unit that changed a component it did not
// reach, or that read the same components in another order, is a checker error.

import type { Kernel } from "../../model/kernel/state";
import type { Machine } from "../../model/machine/machine";
import type { Listen, Observation } from "../../model/machine/observe";
import { type Action, unitCount, unitSuccessors } from "../../model/machine/transitions";
import type { ComponentKeys } from "./kernel-codec";
import { lazyProduce } from "./lazy-draft";
import { type Layout, layoutOf, listening, ReadSet, stateView } from "./reads";

/** One transition, as the changes it makes to the component numbers of its state. */
export interface Remembered<V> {
  readonly action: Action;
  readonly events: readonly Observation[];
  /** Pairs of (position, component number): the positions whose component changes. */
  readonly changes: Int32Array;
  /** The violations its events cause whatever state they reach, if that is so. */
  readonly violations: readonly V[] | undefined;
}

interface Node<V> {
  /** The position of the component read next. */
  readonly pos: number;
  readonly next: Map<number, Entry<V>>;
}
interface Leaf<V> {
  readonly transitions: readonly Remembered<V>[];
}
type Entry<V> = Node<V> | Leaf<V>;

const isLeaf = <V>(e: Entry<V>): e is Leaf<V> => "transitions" in e;

export class TransitionMemo<V> {
  private readonly roots: (Entry<V> | undefined)[];
  private readonly units: number;
  private layout: Layout | undefined;
  private readonly succIds: number[] = [];
  /** Units run (misses) and units found (hits), for the bench. */
  runs = 0;
  found = 0;

  constructor(
    private readonly m: Machine,
    private readonly listen: Listen,
    private readonly keys: ComponentKeys,
    /** The violations events cause whatever state they reach, or undefined if not so. */
    private readonly judge: (events: readonly Observation[]) => readonly V[] | undefined,
  ) {
    this.units = unitCount(m);
    this.roots = new Array<Entry<V> | undefined>(this.units).fill(undefined);
  }

  /**
   * The transitions of `s` (not halted), whose component numbers are `ids`, into `out`, in
   * unit order: exactly `successors(m, s)`'s, as changes of `ids`.
   */
  transitions(s: Kernel, ids: readonly number[], out: Remembered<V>[]): number {
    const layout = this.layoutFor(ids);
    let n = 0;
    for (let u = 0; u < this.units; u++) {
      let e = this.roots[u];
      while (e !== undefined && !isLeaf(e)) e = e.next.get(ids[e.pos] ?? -1);
      const leaf = e ?? this.run(s, ids, layout, u);
      if (e !== undefined) this.found++;
      const ts = leaf.transitions;
      for (let k = 0; k < ts.length; k++) out[n++] = ts[k] as Remembered<V>;
    }
    return n;
  }

  /** Every state has the lists of the initial one (no CPU or task comes or goes). */
  private layoutFor(ids: readonly number[]): Layout {
    const l = this.layout ?? layoutOf(ids);
    this.layout = l;
    if (l.size !== ids.length) throw new Error("checker error: a state's lists changed length");
    for (let i = 0; i < l.start.length; i++) {
      if (ids[(l.start[i] ?? 0) - 1] !== l.length[i])
        throw new Error("checker error: a state's lists changed length");
    }
    return l;
  }

  /** Runs unit `u` of `s`, hearing its reads, and remembers its transitions. */
  private run(s: Kernel, ids: readonly number[], layout: Layout, u: number): Leaf<V> {
    this.runs++;
    const reads = new ReadSet(layout);
    listening.on = reads;
    let ts: ReturnType<typeof unitSuccessors>;
    try {
      ts = unitSuccessors(this.m, stateView(s, reads), u, this.listen, lazyProduce);
    } finally {
      listening.on = null;
      reads.active = false;
    }
    const succ = this.succIds;
    const transitions: Remembered<V>[] = ts.map((t) => {
      this.keys.ids(t.next, succ);
      const changes: number[] = [];
      for (let p = 0; p < succ.length; p++) {
        const id = succ[p] ?? -1;
        if (id === ids[p]) continue;
        if (!reads.has(p))
          throw new Error(`checker error: unit ${u} changed component ${p}, which it never read`);
        changes.push(p, id);
      }
      const changed = Int32Array.from(changes);
      return {
        action: t.action,
        events: t.events,
        changes: changed,
        violations: this.judge(t.events),
      };
    });
    const leaf: Leaf<V> = { transitions };
    this.insert(u, reads.order, ids, leaf);
    return leaf;
  }

  private insert(u: number, order: readonly number[], ids: readonly number[], leaf: Leaf<V>): void {
    if (order.length === 0) {
      this.roots[u] = leaf;
      return;
    }
    const first = order[0] ?? 0;
    let node = this.roots[u];
    if (node === undefined) {
      node = { pos: first, next: new Map<number, Entry<V>>() };
      this.roots[u] = node;
    }
    for (let k = 0; k < order.length; k++) {
      const pos = order[k] ?? 0;
      if (isLeaf(node) || node.pos !== pos)
        throw new Error(`checker error: unit ${u} read the same components in another order`);
      const value = ids[pos] ?? -1;
      const last = k === order.length - 1;
      let child = node.next.get(value);
      if (child === undefined) {
        child = last ? leaf : { pos: order[k + 1] ?? 0, next: new Map<number, Entry<V>>() };
        node.next.set(value, child);
      } else if (last) {
        throw new Error(`checker error: unit ${u} ran twice on the same components`);
      }
      node = child;
    }
  }
}
