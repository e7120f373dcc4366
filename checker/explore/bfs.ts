// Breadth-first exploration of every state a system can reach. Each state is stored as its
// canonical packed key in an exact store (checker/explore/store.ts: no hash collisions to
// report); its BFS parent and the index of the transition that first reached it are
// recorded once, so every counterexample is a shortest path and is rebuilt by re-executing
// those choices from the initial state. States are numbered in discovery order, so each
// BFS level is a range of state numbers: the frontier is that range, decoded on expansion.
// Pure: no I/O, no clock of its own (the caller passes `now`), no logging.

import { concrete, DEADLOCK, FindingSet, reporter } from "./findings";
import { Tree } from "./lists";
import { StateStore } from "./store";

/** What the explorer needs of a system: the kernel model is one (kernel-system.ts). */
export interface System<S, V> {
  readonly initial: S;
  /**
   * Every transition enabled in `s`, in a fixed order, with the violations each causes.
   * The list and the successor objects may be reused by the next call: read them before
   * it (their `next` states are the caller's to keep).
   */
  successors(s: S): readonly Successor<S, V>[];
  /**
   * `successors(decode(key))` for the key `bytes[from .. to)`, possibly without decoding
   * the state (the explorer expands stored states by their keys, read in place: the call
   * must not keep `bytes`).
   */
  expand?(bytes: Uint8Array, from: number, to: number): readonly Successor<S, V>[];
  /** Violations of state invariants in `s`; asked of each new state, the initial one too. */
  stateViolations(s: S): readonly V[];
  /** The canonical key of `s`: equal exactly when the states are (may reuse one buffer). */
  key(s: S): Uint8Array;
  /** `key(t.next)` of a successor just returned, possibly without building its state. */
  successorKey?(t: Successor<S, V>): Uint8Array;
  /** `stateViolations(t.next)` of a successor just returned, possibly without building it. */
  successorViolations?(t: Successor<S, V>): readonly V[];
  /** `stateViolations(decode(bytes[from .. to)))`, possibly without decoding the state. */
  keyViolations?(bytes: Uint8Array, from: number, to: number): readonly V[];
  /** The state a key stands for, as a value the caller owns. */
  decode(key: Uint8Array): S;
  /** A final state: having no successor here is not a deadlock. */
  done(s: S): boolean;
  /** The rule a violation breaks: the first violations of each rule are kept. */
  ruleOf(v: V): string;
  /**
   * What tells two violations of one rule apart (another check, event, message or
   * context): with `tracesPerRule` above 1, one finding is kept per distinct signature.
   */
  signatureOf?(v: V): string;
  /**
   * Keys are of orbit representatives (symmetry reduction): a stored state stands for
   * every state its key stands for, and a transition choice made from a representative is
   * not one of the concrete state the path reached. Paths are then rebuilt by re-executing
   * from the initial state, at each step taking the first successor with the next key.
   */
  readonly reduced?: boolean;
  /**
   * Keys mean the same state to every instance of this system built on the same shared
   * components (shared-store.ts): an exploration on two threads (offload.ts) can send them
   * between threads.
   */
  readonly sharedKeys?: boolean;
}

export interface Successor<S, V> {
  readonly next: S;
  readonly violations: readonly V[];
}

export interface Limits {
  /** Stop before storing more than this many distinct states. */
  readonly maxStates: number;
  /** Stop after this many milliseconds (as measured by `now`). */
  readonly timeoutMs: number;
  readonly now: () => number;
  /** Called now and then with how far exploration got (the CLI shows it on a terminal). */
  readonly onProgress?: (p: Progress) => void;
  /** Up to this many findings per rule, each with a distinct signature (default 1). */
  readonly tracesPerRule?: number;
}

export interface Progress {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
}

/** A violation and the choices that reach it: successor indices from the initial state. */
export interface Finding<V> {
  readonly kind: "rule" | "deadlock";
  readonly violation?: V;
  readonly path: readonly number[];
}

export interface Stats {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
}

export type Exploration<V> = {
  readonly findings: readonly Finding<V>[];
  readonly stats: Stats;
  /** Why exploration stopped early, if it did. */
  readonly stoppedBy: "max-states" | "timeout" | null;
  /** The model threw while expanding the state these choices reach: exploration stopped. */
  readonly error?: { readonly message: string; readonly path: readonly number[] };
  /** Bytes the state store holds (packed states, their index and the hash table). */
  readonly storeBytes: number;
};

const PROGRESS_EVERY = 16384;

/**
 * A search stopped at the end of a BFS level, to go on elsewhere (offload.ts): what it
 * stored, the tree, what it found, and the frontier, states `levelStart` to the last.
 */
export interface Handoff<V> {
  readonly store: StateStore;
  readonly tree: Tree;
  readonly findings: FindingSet<V>;
  readonly transitions: number;
  readonly depth: number;
  readonly levelStart: number;
  /** When the search started (by `limits.now`). */
  readonly start: number;
}

export function explore<S, V>(sys: System<S, V>, limits: Limits): Exploration<V> {
  const r = search(sys, limits, Number.POSITIVE_INFINITY);
  if (r.done === undefined) throw new Error("checker error: a search handed off unasked");
  return r.done;
}

/**
 * `explore`, unless the states stored reach `handOffAt` at the end of a level with more to
 * expand: then the search so far.
 */
export function search<S, V>(
  sys: System<S, V>,
  limits: Limits,
  handOffAt: number,
):
  | { readonly done: Exploration<V>; readonly handoff?: undefined }
  | { readonly done?: undefined; readonly handoff: Handoff<V> } {
  const start = limits.now();
  const store = new StateStore();
  const tree = new Tree();
  const findings = new FindingSet<V>(limits.tracesPerRule ?? 1);
  const report = reporter(sys, tree, findings);

  store.add(sys.key(sys.initial));
  tree.add(-1, -1);
  report(sys.stateViolations(sys.initial), 0);

  let transitions = 0;
  let expanded = 0;
  let depth = 0;
  let stoppedBy: Exploration<V>["stoppedBy"] = null;
  let error: Exploration<V>["error"];
  let levelStart = 0;
  let levelEnd = 1;
  // Read once: a run without a progress callback never reaches that code (which V8 would
  // otherwise reach first long after compiling the loop, and compile the loop again).
  const onProgress = limits.onProgress;

  levels: while (levelStart < levelEnd) {
    if (store.size >= handOffAt && levelStart > 0)
      return {
        handoff: { store, tree, findings, transitions, depth, levelStart, start },
      };
    for (let i = levelStart; i < levelEnd; i++) {
      // The state itself only where it is needed: by `successors`, or to tell a final
      // state from a deadlock.
      let succ: readonly Successor<S, V>[];
      try {
        succ =
          i === 0
            ? sys.successors(sys.initial)
            : sys.expand !== undefined
              ? sys.expand(store.locate(i), store.at, store.end)
              : sys.successors(sys.decode(store.get(i)));
      } catch (err) {
        // A model exception is the run's outcome (an `error` verdict), not a crash.
        // Reduced, the stored path is of representatives: the concrete one reaches a
        // relabelling of this state, which throws alike.
        const path =
          sys.reduced === true ? concrete(sys, tree.pathTo(i), undefined).path : tree.pathTo(i);
        error = { message: err instanceof Error ? err.message : String(err), path };
        break levels;
      }
      if (
        succ.length === 0 &&
        !findings.hasDeadlock() &&
        !sys.done(i === 0 ? sys.initial : sys.decode(store.get(i)))
      ) {
        findings.keepDeadlock(
          sys.reduced === true
            ? () => concrete(sys, tree.pathTo(i), undefined)
            : () => ({ kind: DEADLOCK, path: tree.pathTo(i) }),
        );
      }
      for (let k = 0; k < succ.length; k++) {
        const t = succ[k];
        if (!t) continue;
        transitions++;
        if (t.violations.length > 0) report(t.violations, i, k);
        const key = sys.successorKey === undefined ? sys.key(t.next) : sys.successorKey(t);
        // At the limit a new state stops the run before it is stored: counts stay exact.
        if (store.size >= limits.maxStates) {
          if (store.has(key)) continue;
          stoppedBy = "max-states";
          break levels;
        }
        const index = store.add(key);
        if (!store.added) continue;
        tree.add(i, k);
        report(
          sys.successorViolations === undefined
            ? sys.stateViolations(t.next)
            : sys.successorViolations(t),
          index,
        );
      }
      expanded++;
      const elapsed = limits.now() - start;
      if (elapsed > limits.timeoutMs) {
        stoppedBy = "timeout";
        break levels;
      }
      if (onProgress !== undefined && expanded % PROGRESS_EVERY === 0) {
        onProgress({
          states: store.size,
          transitions,
          depth,
          seconds: elapsed / 1000,
        });
      }
    }
    levelStart = levelEnd;
    levelEnd = store.size;
    if (levelEnd > levelStart) depth++;
  }
  return {
    done: {
      findings: findings.built(),
      stats: {
        states: store.size,
        transitions,
        depth,
        seconds: (limits.now() - start) / 1000,
      },
      stoppedBy,
      ...(error === undefined ? {} : { error }),
      storeBytes: store.bytes,
    },
  };
}
