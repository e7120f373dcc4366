// The kernel model as a system the explorer walks (bfs.ts): a machine's transitions, judged
// by a spec's monitor, keyed by the packed encoding of the state. The transitions come
// from the transition memo (memo.ts): each unit of the relation runs once per combination
// of the components it reads, and a successor is its state's component numbers with the
// unit's changes, its state built only when asked for. A stored state is expanded from the
// component numbers of its key (`expand`): it is built only for a unit that must run. A
// unit that runs does so on lazily copied drafts instead of immer drafts (lazy-draft.ts):
// the recipe mutates copies of the parts it reaches, and the successor shares the rest
// with the state it came from, which is never written. Events carry only the context
// fields the spec's checks read (the monitor's `listens` says which). Keys are of orbit
// representatives (symmetric-codec.ts) where the machine and the spec are symmetric under
// relabelling CPUs or tasks (symmetry.ts), unless the caller turns symmetry off.

import type { Kernel } from "../../model/kernel/state";
import { initialState, type Machine } from "../../model/machine/machine";
import type { Observation } from "../../model/machine/observe";
import type { Action } from "../../model/machine/transitions";
import { allDone, successors } from "../../model/machine/transitions";
import type { Monitor, Violation } from "../rules/monitor";
import type { Successor, System } from "./bfs";
import { CollapsedKernelCodec, type ComponentKeys } from "./kernel-codec";
import { lazyProduce } from "./lazy-draft";
import { type Remembered, TransitionMemo } from "./memo";
import type { SharedComponents } from "./shared-store";
import { SymmetricKernelCodec } from "./symmetric-codec";
import { type Symmetry, type SymmetryOver, symmetryOf } from "./symmetry";

export interface KernelSystemOptions {
  /**
   * Reduce by symmetry where the machine and spec allow it (symmetry.ts): over CPUs and
   * tasks (true, the default), only the kinds listed, or not at all (false).
   */
  readonly symmetry?: boolean | readonly SymmetryOver[];
  /** Told of every transition's action as it is explored (coverage of the model's steps). */
  readonly onAction?: (a: Action) => void;
  /** Remember each unit's transitions by the components it read (memo.ts); default on. */
  readonly memo?: boolean;
  /** Components shared with another thread that expands states (shared-store.ts). */
  readonly shared?: SharedComponents;
}

const NONE: readonly Violation[] = [];

/**
 * A successor found in the memo: its state is built from its components when asked for.
 * The explorer reads a successor before it asks for the next state's: each is reused.
 */
class Found implements Successor<Kernel, Violation> {
  violations: readonly Violation[] = NONE;
  readonly ids: number[] = [];
  private state: Kernel | undefined;
  constructor(private readonly codec: ComponentKeys) {}

  /** Becomes the successor `changes` (pairs of position, component) make of `base`. */
  reset(base: readonly number[], changes: readonly number[]): void {
    const ids = this.ids;
    for (let i = 0; i < base.length; i++) ids[i] = base[i] ?? 0;
    if (ids.length !== base.length) ids.length = base.length;
    for (let i = 0; i < changes.length; i += 2) ids[changes[i] ?? 0] = changes[i + 1] ?? 0;
    this.state = undefined;
  }

  get next(): Kernel {
    if (this.state === undefined) this.state = this.codec.assemble(this.ids);
    return this.state;
  }
}

export interface KernelSystem extends System<Kernel, Violation> {
  /** The symmetry the keys reduce by (`ok: false`: none, and why); absent when turned off. */
  readonly symmetry: Symmetry | undefined;
}

export function kernelSystem(
  m: Machine,
  mon: Monitor,
  opts: KernelSystemOptions = {},
): KernelSystem {
  const asked = opts.symmetry ?? true;
  const sym =
    asked === false
      ? undefined
      : symmetryOf(m, mon.spec, asked === true ? ["cpus", "tasks"] : asked);
  const codec: ComponentKeys =
    sym?.ok === true
      ? new SymmetricKernelCodec(sym.group, opts.shared)
      : new CollapsedKernelCodec(opts.shared);
  const memo = opts.memo === false ? undefined : new TransitionMemo<Violation>(m, mon, codec);
  const found: Remembered<Violation>[] = [];
  const pool: Found[] = [];
  const expanded: number[] = [];
  const lists: Found[][] = [];
  // The state built (rebase) keeps its numbers: a copy, as `expanded` is reused. One
  // function for every expansion (none allocated per state).
  const rebaseExpanded = () => codec.rebase(expanded.slice());
  // A stored state's components, and its state built only if the monitor reads it.
  const keyIds: number[] = [];
  const keyState = {
    get next(): Kernel {
      return codec.assemble(keyIds);
    },
  };
  const judged = (next: Kernel, action: Action, events: readonly Observation[]) => {
    opts.onAction?.(action);
    return { next, violations: events.length > 0 ? mon.transition(events, next) : [] };
  };
  /** The transitions the memo has (or runs) for the state of components `ids`. */
  const remembered = (
    memo: TransitionMemo<Violation>,
    ids: readonly number[],
    state: () => Kernel,
  ): Found[] => {
    const n = memo.transitions(ids, state, found);
    // One list per length, reused (bfs.ts reads a list before it asks for the next).
    let out = lists[n];
    if (out === undefined) {
      out = new Array<Found>(n);
      lists[n] = out;
    }
    for (let k = 0; k < n; k++) {
      const t = found[k];
      if (t === undefined) throw new Error("checker error: the memo gave fewer transitions");
      let f = pool[k];
      if (f === undefined) {
        f = new Found(codec);
        pool[k] = f;
      }
      f.reset(ids, t.changes);
      opts.onAction?.(t.action);
      f.violations = memo.violations(t, f.ids, f);
      out[k] = f;
    }
    return out;
  };
  return {
    symmetry: sym,
    reduced: sym?.ok === true,
    initial: initialState(m),
    successors: (s) => {
      if (memo === undefined)
        return successors(m, s, mon.listens, lazyProduce).map((t) =>
          judged(t.next, t.action, t.events),
        );
      return s.halted !== null ? [] : remembered(memo, codec.idsOf(s), () => s);
    },
    ...(memo === undefined
      ? {}
      : {
          expand: (bytes: Uint8Array, from: number, to: number) => {
            codec.readIds(bytes, expanded, from, to);
            if (codec.halted(expanded)) return [];
            return remembered(memo, expanded, rebaseExpanded);
          },
        }),
    successorKey: (t) => (t instanceof Found ? codec.keyOfIds(t.ids) : codec.key(t.next)),
    sharedKeys: opts.shared !== undefined,
    stateViolations: (s) => mon.state(s),
    ...(memo === undefined
      ? {}
      : {
          keyViolations: (b: Uint8Array, from: number, to: number) => {
            codec.readIds(b, keyIds, from, to);
            return memo.stateViolations(keyIds, keyState);
          },
        }),
    successorViolations: (t) =>
      memo !== undefined && t instanceof Found ? memo.stateViolations(t.ids, t) : mon.state(t.next),
    key: (s) => codec.key(s),
    decode: (k) => codec.decode(k),
    done: (s) => s.halted !== null || allDone(s),
    ruleOf: (v) => v.rule.id,
    // Distinct violations of one rule: another check, or another message (event, context).
    signatureOf: (v) => `${v.check}\u0000${v.message}`,
  };
}
