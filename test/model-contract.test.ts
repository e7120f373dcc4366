// The contract every architecture model passes on every scenario: a valid initial state,
// steps that never write to their input, the same successors for the same input, and a
// canonical state key (equal states encode alike, different ones differently).

import { describe, expect, it } from "vitest";
import { canonical } from "../checker/explore/encode";
import { archProblems, REQUIRED_HOOKS } from "../model/api";
import { architectures } from "../model/arch/index";
import { genericLazyProcs } from "../model/kernel/primitives";
import type { Kernel } from "../model/kernel/state";
import { buildMachine, initialState } from "../model/machine/machine";
import { successors } from "../model/machine/transitions";
import { scenarios } from "../model/scenarios/index";
import { reachable } from "./explore-helpers";

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === "object" && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/** The same state with every record's keys in reverse order. */
function reorder<T>(x: T): T {
  if (Array.isArray(x)) return x.map(reorder) as T;
  if (x !== null && typeof x === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).reverse()) out[k] = reorder((x as Record<string, unknown>)[k]);
    return out as T;
  }
  return x;
}

function sortedJson(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

const SAMPLE = 200;

for (const arch of architectures) {
  describe(`model contract: ${arch.id}`, () => {
    it("states its source: arch, commits, kernel files", () => {
      expect(arch.arch).not.toBe("");
      // A baseline era (before any of the commits the issue names) may list none.
      expect(arch.era).not.toBe("");
      for (const c of arch.commits) expect(c).toMatch(/^[0-9a-f]{12}$/);
      expect(arch.sources.length).toBeGreaterThan(0);
      expect(archProblems(arch)).toEqual([]);
      for (const name of REQUIRED_HOOKS) {
        expect(arch.procs.some((p) => p.name === name)).toBe(true);
      }
    });

    it("links an arch_flush_lazy_mmu_mode(): its own, or the generic empty one", () => {
      const first = scenarios[0];
      if (!first) throw new Error("no scenarios");
      const m = buildMachine(arch, first, "full");
      const own = arch.procs.find((p) => p.name === "arch_flush_lazy_mmu_mode");
      expect(m.procs.arch_flush_lazy_mmu_mode).toBe(own ?? genericLazyProcs[0]);
    });

    for (const scenario of scenarios) {
      const m = buildMachine(arch, scenario, "full");

      it(`${scenario.id}: valid initial state`, () => {
        const s = initialState(m);
        expect(s.cpus).toHaveLength(scenario.cpus);
        expect(s.tasks).toHaveLength(scenario.tasks.length);
        for (const c of s.cpus) {
          if (c.current === null) continue;
          const t = s.tasks.find((x) => x.id === c.current);
          expect(t?.status).toBe("running");
          expect(t?.cpu).toBe(c.id);
        }
        for (const t of s.tasks) {
          expect(t.cpu).toBeLessThan(scenario.cpus);
          expect(t.preemptCount).toBe(0);
          expect(t.stack).toHaveLength(1);
        }
        expect(s.halted).toBeNull();
      });

      const explored = reachable(m, SAMPLE);
      const states = explored.map((x) => x.state);

      it(`${scenario.id}: steps never write to their input`, () => {
        for (const s of states) {
          const before = canonical(s);
          const frozen = deepFreeze(structuredClone(s) as Kernel);
          expect(() => successors(m, frozen)).not.toThrow();
          expect(canonical(frozen)).toBe(before);
        }
      });

      it(`${scenario.id}: the same input gives the same successors`, () => {
        for (const s of states.slice(0, 100)) {
          const a = successors(m, s).map((t) => [t.action, canonical(t.next), t.events]);
          const b = successors(m, structuredClone(s) as Kernel).map((t) => [
            t.action,
            canonical(t.next),
            t.events,
          ]);
          expect(b).toEqual(a);
        }
      });

      it(`${scenario.id}: state keys are canonical`, () => {
        // Every successor (not deduplicated), keyed two ways: the checker's canonical key and
        // a plain JSON of the state with sorted keys. The two must determine each other.
        const byKey = new Map<string, string>();
        const byJson = new Map<string, string>();
        for (const { out } of explored) {
          for (const t of out) {
            const k = canonical(t.next);
            expect(canonical(reorder(t.next))).toBe(k);
            const j = sortedJson(t.next);
            expect(byKey.get(k) ?? j).toBe(j);
            expect(byJson.get(j) ?? k).toBe(k);
            byKey.set(k, j);
            byJson.set(j, k);
          }
        }
        expect(byKey.size).toBeGreaterThan(1);
      });
    }
  });
}
