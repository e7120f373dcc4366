// The transition memo: each unit of the transition relation (model/machine/transitions.ts
// unitSuccessors: what one CPU can do, what the scheduler can do to one task) is run once
// for each combination of the state's components that it reads, and its transitions are
// remembered as changes of component numbers. A reachable state space is made of few
// components (the reference configuration's 118,320 states of 80 CPU, 74 task and a few
// hundred other components), so most units of most states are found here instead of run.
// The monitor's verdict on a transition's events is remembered alike: with the transition
// when it reads nothing of the state reached, else by the components of it that it reads.
//
// Exact, as the store is: a unit (and the monitor) is a deterministic function of the
// components it reads (reads.ts hears every one of them), kept in a ReadTree by them
// (read-tree.ts). A unit that changed a component it did not reach is a checker error.

import type { Kernel } from "../../model/kernel/state";
import type { Machine } from "../../model/machine/machine";
import type { Listen, Observation } from "../../model/machine/observe";
import { type Action, unitCount, unitSuccessors } from "../../model/machine/transitions";
import type { ComponentKeys } from "./kernel-codec";
import { lazyProduce } from "./lazy-draft";
import { ReadTrees } from "./read-tree";
import { type Layout, layoutOf, listening, ReadSet, stateView } from "./reads";

/** What the memo asks of the monitor. */
export interface Judge<V> {
  readonly listens: Listen;
  /** Whether judging these events reads the state they reached. */
  readsPost(events: readonly Observation[]): boolean;
  transition(events: readonly Observation[], post: Kernel): readonly V[];
  /** Violations of state invariants in `s`. */
  state(s: Kernel): readonly V[];
}

/** One transition, as the changes it makes to the component numbers of its state. */
export interface Remembered<V> {
  readonly action: Action;
  /**
   * Its events, where the monitor's verdict on them waits for the state reached (none
   * otherwise: the verdict is kept instead, and the memo keeps no events it will not read).
   */
  readonly events: readonly Observation[];
  /** Pairs of (position, component number): the positions whose component changes. */
  readonly changes: readonly number[];
  /** The violations its events cause whatever state they reach, when that is so. */
  readonly violations: readonly V[] | undefined;
  /** Otherwise, the tree of the violations by the components of the state reached they read. */
  readonly verdicts: number;
}

const NONE: readonly never[] = [];

/** An empty list of packed objects, as the others are: one array shape for the explorer. */
const NO_TRANSITIONS: readonly Remembered<never>[] = (() => {
  const xs: unknown[] = [NONE];
  xs.pop();
  return xs as readonly Remembered<never>[];
})();

/** What `transition` is given as the state reached when it reads none of it (readsPost). */
const NO_STATE = new Proxy({} as Kernel, {
  get() {
    throw new Error("checker error: the monitor read a state it said it does not read");
  },
});

export class TransitionMemo<V> {
  private readonly units = new ReadTrees<readonly Remembered<V>[]>();
  private readonly verdicts = new ReadTrees<readonly V[]>();
  private readonly roots: number[] = [];
  /** The state invariants' verdicts, by the components they read. */
  private readonly stateTree = this.verdicts.tree();
  private layout: Layout | undefined;
  private readonly succIds: number[] = [];

  constructor(
    private readonly m: Machine,
    private readonly judge: Judge<V>,
    private readonly keys: ComponentKeys,
  ) {
    for (let u = 0; u < unitCount(m); u++) this.roots.push(this.units.tree());
  }

  /**
   * The transitions of the state whose component numbers are `ids` (not halted) into
   * `out`, in unit order: exactly `successors(m, s)`'s, as changes of `ids`. Returns how
   * many. `state` builds the state, for the units that must run.
   */
  transitions(ids: readonly number[], state: () => Kernel, out: Remembered<V>[]): number {
    const layout = this.layoutFor(ids);
    let s: Kernel | undefined;
    let n = 0;
    for (let u = 0; u < this.roots.length; u++) {
      let ts = this.units.find(this.roots[u] ?? 0, ids);
      if (ts === undefined) {
        s ??= state();
        ts = this.run(s, ids, layout, u);
      }
      for (let k = 0; k < ts.length; k++) out[n++] = ts[k] as Remembered<V>;
    }
    return n;
  }

  /**
   * The violations `t`'s events cause, `t` having reached the state of components `ids`
   * (`reached.next` builds it, when the monitor must be run).
   */
  violations(
    t: Remembered<V>,
    ids: readonly number[],
    reached: { readonly next: Kernel },
  ): readonly V[] {
    return t.violations ?? this.verdict(t.verdicts, ids, reached, t);
  }

  /**
   * The violations of state invariants in the state of components `ids` (`reached.next`
   * builds it, when the monitor must be run).
   */
  stateViolations(ids: readonly number[], reached: { readonly next: Kernel }): readonly V[] {
    return this.verdict(this.stateTree, ids, reached, undefined);
  }

  /**
   * What the monitor says of the state of components `ids`, kept in verdict tree `tree` by
   * the components it reads: of transition `t`'s events, or (undefined) the invariants.
   */
  private verdict(
    tree: number,
    ids: readonly number[],
    reached: { readonly next: Kernel },
    t: Remembered<V> | undefined,
  ): readonly V[] {
    const known = this.verdicts.find(tree, ids);
    if (known !== undefined) return known;
    const reads = new ReadSet(this.layoutFor(ids));
    let vs: readonly V[];
    try {
      const post = stateView(reached.next, reads);
      vs = t === undefined ? this.judge.state(post) : this.judge.transition(t.events, post);
    } finally {
      reads.active = false;
    }
    const what = t === undefined ? "the state invariants" : `the monitor on ${t.action.kind}`;
    this.verdicts.add(tree, reads.order, ids, vs, what);
    return vs;
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
  private run(
    s: Kernel,
    ids: readonly number[],
    layout: Layout,
    u: number,
  ): readonly Remembered<V>[] {
    const reads = new ReadSet(layout);
    listening.on = reads;
    let ts: ReturnType<typeof unitSuccessors>;
    try {
      ts = unitSuccessors(this.m, stateView(s, reads), u, this.judge.listens, lazyProduce);
    } finally {
      listening.on = null;
      reads.active = false;
    }
    const succ = this.succIds;
    // Pushed one by one: every list of transitions has one array shape (packed objects).
    const remembered: Remembered<V>[] = [];
    for (const t of ts) {
      this.keys.ids(t.next, succ);
      const changes: number[] = [];
      for (let p = 0; p < succ.length; p++) {
        const id = succ[p] ?? -1;
        if (id === ids[p]) continue;
        if (!reads.has(p))
          throw new Error(`checker error: unit ${u} changed component ${p}, which it never read`);
        changes.push(p, id);
      }
      const { events } = t;
      const post = events.length > 0 && this.judge.readsPost(events);
      remembered.push({
        action: t.action,
        events: post ? events : NONE,
        changes,
        violations:
          events.length === 0 ? NONE : post ? undefined : this.judge.transition(events, NO_STATE),
        verdicts: post ? this.verdicts.tree() : -1,
      });
    }
    // A unit with no transitions keeps the one empty list of the others' array shape.
    const kept = remembered.length === 0 ? NO_TRANSITIONS : remembered;
    this.units.add(this.roots[u] ?? 0, reads.order, ids, kept, `unit ${u}`);
    return kept;
  }
}
