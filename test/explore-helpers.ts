// Walks the reachable states of a machine breadth-first (up to a bound) for property tests
// over the transition relation itself, independent of the checker's explorer.

import { canonical } from "../checker/explore/encode";
import { findArch } from "../model/arch/index";
import type { Kernel, PreemptionModel } from "../model/kernel/state";
import { buildMachine, initialState, type Machine } from "../model/machine/machine";
import { successors, type Transition } from "../model/machine/transitions";
import { findScenario } from "../model/scenarios/index";
import type { Scenario } from "../model/scenarios/types";

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

/** A machine by architecture id and scenario (id or value). */
export function machine(
  archId: string,
  scenario: string | Scenario,
  preemption: PreemptionModel,
): Machine {
  const arch = findArch(archId);
  const sc = typeof scenario === "string" ? findScenario(scenario) : scenario;
  if (!arch || !sc) throw new Error(`unknown ${archId} or scenario`);
  return buildMachine(arch, sc, preemption);
}

/** Every reachable state and every transition taken, by breadth-first search. */
export function reach(m: Machine): { states: Kernel[]; transitions: Transition[] } {
  const all = reachable(m, Number.POSITIVE_INFINITY);
  return { states: all.map((x) => x.state), transitions: all.flatMap((x) => x.out) };
}

/** Runs task `id`'s own steps only (no preemption, no interrupt), recording each state. */
export function runAlone(m: Machine, id: string): Kernel[] {
  let s = initialState(m);
  const trail = [s];
  for (;;) {
    const t = successors(m, s).find((x) => x.action.kind === "step" && x.action.ctx === id);
    if (!t) return trail;
    s = t.next;
    trail.push(s);
  }
}

/** JSON with every object's keys sorted: equal for equal states whatever the key order. */
export function sortedJson(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
