// What an exploration keeps of the violations it meets: the first ones of each rule, in the
// order found (up to `tracesPerRule` of a rule, each with a distinct signature), and the
// first deadlock. A finding is built once the search is over, from the BFS tree: a reduced
// run's paths are made concrete by re-executing them (`concrete`), which runs `successors`
// again and would reuse the objects of the successors being read.

import type { Finding, System } from "./bfs";
import type { Tree } from "./lists";

/** What tells two kept findings apart: the rule, or with more traces a rule, its signature too. */
export function findingKey<S, V>(sys: System<S, V>, most: number, v: V): string {
  const rule = sys.ruleOf(v);
  return most > 1 && sys.signatureOf ? `${rule}\u0000${sys.signatureOf(v)}` : rule;
}

export const DEADLOCK = "deadlock" as const;

export class FindingSet<V> {
  private readonly kept = new Map<string, () => Finding<V>>();
  private readonly perRule = new Map<string, number>();
  /** Traces kept per rule at most. */
  constructor(readonly most: number) {}

  /** Whether a violation of `rule` with finding key `key` would be kept. */
  wants(rule: string, key: string): boolean {
    return (this.perRule.get(rule) ?? 0) < this.most && !this.kept.has(key);
  }

  /** Keeps a finding the caller `wants`: built by `build` at the end. */
  keep(rule: string, key: string, build: () => Finding<V>): void {
    this.perRule.set(rule, (this.perRule.get(rule) ?? 0) + 1);
    this.kept.set(key, build);
  }

  hasDeadlock(): boolean {
    return this.kept.has(DEADLOCK);
  }

  keepDeadlock(build: () => Finding<V>): void {
    if (!this.kept.has(DEADLOCK)) this.kept.set(DEADLOCK, build);
  }

  /** The findings, in the order they were kept. */
  built(): Finding<V>[] {
    return [...this.kept.values()].map((build) => build());
  }
}

/**
 * What a search does with violations `vs` found at state `at` (by its transition `last`,
 * or of the state itself): keeps those `findings` wants, their paths read from `tree` (and
 * made concrete, in a reduced run) once the search is over.
 */
export function reporter<S, V>(
  sys: System<S, V>,
  tree: Tree,
  findings: FindingSet<V>,
): (vs: readonly V[], at: number, last?: number) => void {
  return (vs, at, last) => {
    for (const v of vs) {
      const rule = sys.ruleOf(v);
      const key = findingKey(sys, findings.most, v);
      if (!findings.wants(rule, key)) continue;
      findings.keep(
        rule,
        key,
        sys.reduced === true
          ? () => concrete(sys, tree.pathTo(at), { rule, last })
          : () => ({ kind: "rule", violation: v, path: tree.pathTo(at, last) }),
      );
    }
  };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A finding of a reduced exploration as a path of the unreduced system. `repPath` is the
 * stored path: choices made from orbit representatives. Each representative is found again
 * by re-executing it (the key of a representative's successor is the next stored state's);
 * alongside, the concrete path re-executes from the initial state, at each step taking the
 * first successor with that key (one exists: the successors of a state and of its
 * representative are the same up to renumbering). The violation is judged again on the
 * concrete path, so its message names the CPUs the trace shows. `found` is absent for a
 * deadlock; `last` is the representative's transition that broke the rule (absent for a
 * state invariant of the path's last state).
 */
export function concrete<S, V>(
  sys: System<S, V>,
  repPath: readonly number[],
  found: { readonly rule: string; readonly last: number | undefined } | undefined,
): Finding<V> {
  let rep = sys.initial;
  let s = sys.initial;
  const path: number[] = [];
  const nextKey = (from: S, k: number): Uint8Array => {
    const t = sys.successors(from)[k];
    if (!t) throw new Error("checker error: a stored path's transition is gone");
    return sys.key(t.next).slice();
  };
  for (const c of repPath) {
    const want = nextKey(rep, c);
    rep = sys.decode(want);
    const succ = sys.successors(s);
    const k = succ.findIndex((t) => sameBytes(sys.key(t.next), want));
    const t = succ[k];
    if (!t) throw new Error("checker error: no concrete successor reaches a stored state");
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
  // Some transition of the concrete state leads to the orbit the representative's did and
  // breaks the rule too.
  const want = nextKey(rep, last);
  const succ = sys.successors(s);
  for (let k = 0; k < succ.length; k++) {
    const t = succ[k];
    if (!t || !sameBytes(sys.key(t.next), want)) continue;
    const v = t.violations.find((x) => sys.ruleOf(x) === rule);
    if (v !== undefined) return { kind: "rule", violation: v, path: [...path, k] };
  }
  throw new Error(`checker error: ${rule} does not break again on the concrete path`);
}
