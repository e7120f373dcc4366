// Breadth-first exploration of every state a system can reach. Each state is stored as its
// canonical packed key in an exact store (checker/explore/store.ts: no hash collisions to
// report); its BFS parent and the index of the transition that first reached it are
// recorded once, so every counterexample is a shortest path and is rebuilt by re-executing
// those choices from the initial state. States are numbered in discovery order, so each
// BFS level is a range of state numbers: the frontier is that range, decoded on expansion.
// Pure: no I/O, no clock of its own (the caller passes `now`), no logging.

import { StateStore } from "./store";

/** What the explorer needs of a system: the kernel model is one (kernel-system.ts). */
export interface System<S, V> {
  readonly initial: S;
  /** Every transition enabled in `s`, in a fixed order, with the violations each causes. */
  successors(s: S): readonly Successor<S, V>[];
  /** Violations of state invariants in `s`; asked of each new state, the initial one too. */
  stateViolations(s: S): readonly V[];
  /** The canonical key of `s`: equal exactly when the states are (may reuse one buffer). */
  key(s: S): Uint8Array;
  /** The state a key stands for, as a value the caller owns. */
  decode(key: Uint8Array): S;
  /** A final state: having no successor here is not a deadlock. */
  done(s: S): boolean;
  /** The rule a violation breaks: the first violation of each rule is kept. */
  ruleOf(v: V): string;
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
  /** Bytes the state store holds (packed states, their index and the hash table). */
  readonly storeBytes: number;
};

const PROGRESS_EVERY = 16384;

/** A growable array of 32-bit integers (parents and choices: 4 bytes a state each). */
class IntList {
  private a = new Int32Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = x;
  }
  at(i: number): number {
    return this.a[i] ?? -1;
  }
}

export function explore<S, V>(sys: System<S, V>, limits: Limits): Exploration<V> {
  const start = limits.now();
  const store = new StateStore();
  const parent = new IntList();
  const choice = new IntList();
  const findings = new Map<string, Finding<V>>();
  const pathTo = (i: number, last?: number): number[] => {
    const p: number[] = last === undefined ? [] : [last];
    for (let j = i; j > 0; j = parent.at(j)) p.push(choice.at(j));
    return p.reverse();
  };
  const report = (vs: readonly V[], at: number, last?: number) => {
    for (const v of vs) {
      const rule = sys.ruleOf(v);
      if (!findings.has(rule))
        findings.set(rule, { kind: "rule", violation: v, path: pathTo(at, last) });
    }
  };

  store.add(sys.key(sys.initial));
  parent.push(-1);
  choice.push(-1);
  report(sys.stateViolations(sys.initial), 0);

  let transitions = 0;
  let expanded = 0;
  let depth = 0;
  let stoppedBy: Exploration<V>["stoppedBy"] = null;
  let levelStart = 0;
  let levelEnd = 1;

  search: while (levelStart < levelEnd) {
    for (let i = levelStart; i < levelEnd; i++) {
      const s = i === 0 ? sys.initial : sys.decode(store.get(i));
      const succ = sys.successors(s);
      if (succ.length === 0 && !sys.done(s) && !findings.has("deadlock")) {
        findings.set("deadlock", { kind: "deadlock", path: pathTo(i) });
      }
      for (let k = 0; k < succ.length; k++) {
        const t = succ[k];
        if (!t) continue;
        transitions++;
        if (t.violations.length > 0) report(t.violations, i, k);
        const key = sys.key(t.next);
        // At the limit a new state stops the run before it is stored: counts stay exact.
        if (store.size >= limits.maxStates) {
          if (store.has(key)) continue;
          stoppedBy = "max-states";
          break search;
        }
        const { index, added } = store.add(key);
        if (!added) continue;
        parent.push(i);
        choice.push(k);
        report(sys.stateViolations(t.next), index);
      }
      expanded++;
      const elapsed = limits.now() - start;
      if (elapsed > limits.timeoutMs) {
        stoppedBy = "timeout";
        break search;
      }
      if (expanded % PROGRESS_EVERY === 0) {
        limits.onProgress?.({
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
    findings: [...findings.values()],
    stats: {
      states: store.size,
      transitions,
      depth,
      seconds: (limits.now() - start) / 1000,
    },
    stoppedBy,
    storeBytes: store.bytes,
  };
}
