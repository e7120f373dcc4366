// Breadth-first exploration of every state a system can reach. Each state is stored as its
// canonical packed key in an exact store (checker/explore/store.ts: no hash collisions to
// report); its BFS parent and the index of the transition that first reached it are
// recorded once, so every counterexample is a shortest path and is rebuilt by re-executing
// those choices from the initial state. States are numbered in discovery order, so each
// BFS level is a range of state numbers: the frontier is that range, decoded on expansion.
// Pure: no I/O, no clock of its own (the caller passes `now`), no logging.

import { doubled } from "./doubled";
import { Segments } from "./segments";
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

/** The BFS parents: 4 bytes a state, in segments (nothing copied as it grows). */
class IntList {
  private readonly a = new Segments();
  push(x: number): void {
    this.a.push(x);
  }
  at(i: number): number {
    return i >= 0 && i < this.a.length ? this.a.at(i) | 0 : -1;
  }
}

/**
 * The index of the transition that reached each state: a byte a state, as a state has
 * fewer than 255 successors but for the rare one whose index is kept aside.
 */
class ChoiceList {
  private a = new Uint8Array(1024);
  private readonly large = new Map<number, number>();
  length = 0;
  push(x: number): void {
    if (this.length === this.a.length) this.a = doubled(this.a);
    if (x >= 0 && x < 255) this.a[this.length] = x;
    else {
      this.a[this.length] = 255;
      this.large.set(this.length, x);
    }
    this.length++;
  }
  at(i: number): number {
    const x = this.a[i];
    if (x === undefined || i >= this.length) return -1;
    return x === 255 ? (this.large.get(i) ?? -1) : x;
  }
}

export function explore<S, V>(sys: System<S, V>, limits: Limits): Exploration<V> {
  const start = limits.now();
  const store = new StateStore();
  const parent = new IntList();
  const choice = new ChoiceList();
  const findings = new Map<string, Finding<V>>();
  const pathTo = (i: number, last?: number): number[] => {
    const p: number[] = last === undefined ? [] : [last];
    for (let j = i; j > 0; j = parent.at(j)) p.push(choice.at(j));
    return p.reverse();
  };
  const chainTo = (i: number): number[] => {
    const c: number[] = [];
    for (let j = i; j > 0; j = parent.at(j)) c.push(j);
    return c.reverse();
  };
  const perRule = new Map<string, number>();
  const most = limits.tracesPerRule ?? 1;
  // A reduced run's findings are made concrete once the search is over: rebuilding a path
  // runs `successors` again, which may reuse the objects of the successors being read.
  const unbuilt: { readonly key: string; readonly build: () => Finding<V> }[] = [];
  const later = (key: string, build: () => Finding<V>): Finding<V> => {
    unbuilt.push({ key, build });
    return { kind: "rule", path: [] };
  };
  const report = (vs: readonly V[], at: number, last?: number) => {
    for (const v of vs) {
      const rule = sys.ruleOf(v);
      const key = most > 1 && sys.signatureOf ? `${rule}\u0000${sys.signatureOf(v)}` : rule;
      const n = perRule.get(rule) ?? 0;
      if (n >= most || findings.has(key)) continue;
      perRule.set(rule, n + 1);
      findings.set(
        key,
        sys.reduced === true
          ? later(key, () => concrete(sys, store, chainTo(at), { rule, last }))
          : { kind: "rule", violation: v, path: pathTo(at, last) },
      );
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
  let error: Exploration<V>["error"];
  let levelStart = 0;
  let levelEnd = 1;
  // Read once: a run without a progress callback never reaches that code (which V8 would
  // otherwise reach first long after compiling the loop, and compile the loop again).
  const onProgress = limits.onProgress;

  search: while (levelStart < levelEnd) {
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
          sys.reduced === true ? concrete(sys, store, chainTo(i), undefined).path : pathTo(i);
        error = { message: err instanceof Error ? err.message : String(err), path };
        break search;
      }
      if (
        succ.length === 0 &&
        !findings.has("deadlock") &&
        !sys.done(i === 0 ? sys.initial : sys.decode(store.get(i)))
      ) {
        findings.set(
          "deadlock",
          sys.reduced === true
            ? later("deadlock", () => concrete(sys, store, chainTo(i), undefined))
            : { kind: "deadlock", path: pathTo(i) },
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
          break search;
        }
        const index = store.add(key);
        if (!store.added) continue;
        parent.push(i);
        choice.push(k);
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
        break search;
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
  // In the order they were found (a key set again keeps its place).
  for (const u of unbuilt) findings.set(u.key, u.build());
  return {
    findings: [...findings.values()],
    stats: {
      states: store.size,
      transitions,
      depth,
      seconds: (limits.now() - start) / 1000,
    },
    stoppedBy,
    ...(error === undefined ? {} : { error }),
    storeBytes: store.bytes,
  };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A finding of a reduced exploration as a path of the unreduced system: re-executes from
 * the initial state, at each step taking the first successor whose key is the next
 * stored state's (one exists: the successors of a state and of its representative are
 * the same up to renumbering). The violation is judged again on the concrete path, so its
 * message names the CPUs the trace shows. `rule` is absent for a deadlock.
 */
function concrete<S, V>(
  sys: System<S, V>,
  store: StateStore,
  chain: readonly number[],
  found: { readonly rule: string; readonly last: number | undefined } | undefined,
): Finding<V> {
  let s = sys.initial;
  const path: number[] = [];
  for (const j of chain) {
    const want = store.get(j).slice();
    const succ = sys.successors(s);
    const k = succ.findIndex((t) => sameBytes(sys.key(t.next), want));
    const t = succ[k];
    if (!t) throw new Error(`checker error: no concrete successor reaches stored state ${j}`);
    path.push(k);
    s = t.next;
  }
  if (found === undefined) return { kind: "deadlock", path };
  const { rule, last } = found;
  if (last === undefined) {
    const v = sys.stateViolations(s).find((x) => sys.ruleOf(x) === rule);
    if (v === undefined) throw new Error(`checker error: ${rule} does not hold again on replay`);
    return { kind: "rule", violation: v, path };
  }
  // The representative's transition `last` broke `rule`; some transition of the concrete
  // state leads to the same orbit and breaks it too.
  const rep = sys.decode(store.get(chain[chain.length - 1] ?? 0).slice());
  const repNext = sys.successors(chain.length === 0 ? sys.initial : rep)[last];
  if (!repNext) throw new Error("checker error: a reduced finding's transition is gone");
  const want = sys.key(repNext.next).slice();
  const succ = sys.successors(s);
  for (let k = 0; k < succ.length; k++) {
    const t = succ[k];
    if (!t || !sameBytes(sys.key(t.next), want)) continue;
    const v = t.violations.find((x) => sys.ruleOf(x) === rule);
    if (v !== undefined) return { kind: "rule", violation: v, path: [...path, k] };
  }
  throw new Error(`checker error: ${rule} does not break again on the concrete path`);
}
