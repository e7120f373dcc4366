// Walks the reachable states of a machine breadth-first (up to a bound) for property tests
// over the transition relation itself, independent of the checker's explorer.

import { canonical } from "../checker/explore/encode";
import type { Kernel } from "../model/kernel/state";
import { initialState, type Machine } from "../model/machine/machine";
import { successors, type Transition } from "../model/machine/transitions";

export function reachable(m: Machine, limit = 20_000): { state: Kernel; out: Transition[] }[] {
  const init = initialState(m);
  const seen = new Set([canonical(init)]);
  let frontier = [init];
  const all: { state: Kernel; out: Transition[] }[] = [];
  while (frontier.length > 0 && all.length < limit) {
    const next: Kernel[] = [];
    for (const s of frontier) {
      const out = successors(m, s);
      all.push({ state: s, out });
      for (const t of out) {
        const k = canonical(t.next);
        if (!seen.has(k)) {
          seen.add(k);
          next.push(t.next);
        }
      }
    }
    frontier = next;
  }
  return all;
}
