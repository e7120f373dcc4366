// Breadth-first exploration of every interleaving. Each state is keyed by its canonical
// encoding (exact: no hash collisions to report); its BFS parent and the index of the
// transition that first reached it are recorded once, so every counterexample is a
// shortest path and is rebuilt by re-executing those choices from the initial state.
// Pure: no I/O, no clock of its own (the caller passes `now`), no logging.

import type { Kernel } from "../../model/kernel/state";
import { initialState, type Machine } from "../../model/machine/machine";
import { allDone, successors, type Transition } from "../../model/machine/transitions";
import type { Monitor, Violation } from "../rules/monitor";
import { canonical } from "./encode";

export interface Limits {
  /** Stop after this many distinct states. */
  readonly maxStates: number;
  /** Stop after this many milliseconds (as measured by `now`). */
  readonly timeoutMs: number;
  readonly now: () => number;
  /** Called now and then with how far exploration got (the CLI shows it on a terminal). */
  readonly onProgress?: (p: Progress) => void;
  /** Called with every transition taken (for coverage); absent, it costs nothing. */
  readonly onTransition?: (t: Transition) => void;
  /** Up to this many shortest traces per rule, each ending in a distinct violation (default 1). */
  readonly tracesPerRule?: number;
}

export interface Progress {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
}

/** A violation and the choices that reach it: successor indices from the initial state. */
export interface Finding {
  readonly kind: "rule" | "deadlock";
  readonly violation?: Violation;
  readonly path: readonly number[];
}

export interface Stats {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
}

export type Exploration = {
  readonly findings: readonly Finding[];
  readonly stats: Stats;
  /** Why exploration stopped early, if it did. */
  readonly stoppedBy: "max-states" | "timeout" | null;
  /** The model threw while expanding the state these choices reach: exploration stopped. */
  readonly error?: { readonly message: string; readonly path: readonly number[] };
};

export function explore(m: Machine, mon: Monitor, limits: Limits): Exploration {
  const start = limits.now();
  const init = initialState(m);
  const index = new Map<string, number>([[canonical(init), 0]]);
  const parent: number[] = [-1];
  const choice: number[] = [-1];
  const findings = new Map<string, Finding>();
  const perRule = new Map<string, number>();
  const most = limits.tracesPerRule ?? 1;
  const pathTo = (i: number, last?: number): number[] => {
    const p: number[] = last === undefined ? [] : [last];
    for (let j = i; j > 0; j = parent[j] ?? 0) p.push(choice[j] ?? 0);
    return p.reverse();
  };
  const report = (vs: readonly Violation[], at: number, last?: number) => {
    for (const v of vs) {
      // Distinct violations of one rule: another check, or another message (event, context).
      const key = `${v.rule.id}\u0000${v.check}\u0000${v.message}`;
      const n = perRule.get(v.rule.id) ?? 0;
      if (n >= most || findings.has(key)) continue;
      perRule.set(v.rule.id, n + 1);
      findings.set(key, { kind: "rule", violation: v, path: pathTo(at, last) });
    }
  };
  report(mon.state(init), 0);

  let frontier: { s: Kernel; i: number }[] = [{ s: init, i: 0 }];
  let transitions = 0;
  let expanded = 0;
  let depth = 0;
  let stoppedBy: Exploration["stoppedBy"] = null;
  let error: Exploration["error"];

  search: while (frontier.length > 0) {
    const next: { s: Kernel; i: number }[] = [];
    for (const { s, i } of frontier) {
      let succ: ReturnType<typeof successors>;
      try {
        succ = successors(m, s, mon.listens);
      } catch (err) {
        error = { message: err instanceof Error ? err.message : String(err), path: pathTo(i) };
        break search;
      }
      if (succ.length === 0 && s.halted === null && !allDone(s) && !findings.has("deadlock")) {
        findings.set("deadlock", { kind: "deadlock", path: pathTo(i) });
      }
      for (let k = 0; k < succ.length; k++) {
        const t = succ[k];
        if (!t) continue;
        transitions++;
        limits.onTransition?.(t);
        if (t.events.length > 0) report(mon.transition(t.events, t.next), i, k);
        const key = canonical(t.next);
        if (index.has(key)) continue;
        // A new state beyond the limit is not counted: the stats say exactly how many were.
        if (parent.length >= limits.maxStates) {
          stoppedBy = "max-states";
          break search;
        }
        const j = parent.length;
        index.set(key, j);
        parent.push(i);
        choice.push(k);
        report(mon.state(t.next), j);
        next.push({ s: t.next, i: j });
      }
      if (++expanded % 256 === 0) {
        const elapsed = limits.now() - start;
        if (elapsed > limits.timeoutMs) {
          stoppedBy = "timeout";
          break search;
        }
        if (expanded % 16384 === 0) {
          limits.onProgress?.({
            states: parent.length,
            transitions,
            depth,
            seconds: elapsed / 1000,
          });
        }
      }
    }
    if (next.length > 0) depth++;
    frontier = next;
  }
  return {
    findings: [...findings.values()],
    stats: { states: parent.length, transitions, depth, seconds: (limits.now() - start) / 1000 },
    stoppedBy,
    ...(error === undefined ? {} : { error }),
  };
}
