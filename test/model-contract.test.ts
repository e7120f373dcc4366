// The contract every architecture model passes on the scenarios its era ran: a valid
// initial state, steps that never write to their input, the same successors for the same
// input, and a canonical state key (equal states encode alike, different ones differently),
// checked on every state of seeded random walks from the initial state to the end.

import { describe, expect, it } from "vitest";
import { canonical } from "../checker/explore/encode";
import { archProblems, REQUIRED_HOOKS } from "../model/api";
import { cellExisted } from "../model/arch/existed";
import { architectures } from "../model/arch/index";
import type { ArchModel } from "../model/arch/types";
import { genericLazyProcs } from "../model/kernel/primitives";
import type { Kernel, PreemptionModel } from "../model/kernel/state";
import { buildMachine, initialState, type Machine } from "../model/machine/machine";
import { successors } from "../model/machine/transitions";
import { scenarios } from "../model/scenarios/index";
import type { Scenario } from "../model/scenarios/types";
import { mulberry32 } from "../scripts/random";
import { sortedJson } from "./explore-helpers";

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

/**
 * The scenarios whose steps are checked with a model's: those a kernel of the model's era
 * ran (a what-if runs the same step functions), under the first preemption model one ran
 * with; a scenario that no model ran is checked on the generic model, so every scenario's
 * steps are checked at least once.
 */
function pairs(arch: ArchModel): { scenario: Scenario; preemption: PreemptionModel }[] {
  const out: { scenario: Scenario; preemption: PreemptionModel }[] = [];
  for (const scenario of scenarios) {
    const p = scenario.preemption.find((q) => cellExisted(arch, scenario, q).existed);
    const ranNowhere = !architectures.some((a) =>
      scenario.preemption.some((q) => cellExisted(a, scenario, q).existed),
    );
    if (p !== undefined) out.push({ scenario, preemption: p });
    else if (ranNowhere && arch.id === "generic")
      out.push({ scenario, preemption: scenario.preemption[0] ?? "full" });
  }
  return out;
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h;
}

/**
 * Walks from the initial state to the end, WALKS times, choosing successors at random,
 * and checks every state on the way: its steps never write to their input (run on a
 * deep-frozen copy), give the same successors on a copy, and key their successors
 * canonically (the checker's key and a plain JSON with sorted keys determine each other,
 * whatever the order of a record's keys). Random walks reach the leaves and flushes at the
 * end of a region, where a breadth-first sample of the first states would not.
 */
const WALKS = 3;
const MAX_DEPTH = 500;

function checkWalks(m: Machine): number {
  const next = mulberry32(seedOf(`${m.arch.id} ${m.scenario.id} ${m.preemption}`));
  const byKey = new Map<string, string>();
  const byJson = new Map<string, string>();
  let checked = 0;
  for (let w = 0; w < WALKS; w++) {
    let s: Kernel | undefined = initialState(m);
    for (let depth = 0; s !== undefined && depth < MAX_DEPTH; depth++) {
      const before = canonical(s);
      const frozen = deepFreeze(structuredClone(s) as Kernel);
      const onFrozen = successors(m, frozen);
      expect(canonical(frozen)).toBe(before);
      const out = successors(m, s);
      expect(out.map((t) => [t.action, canonical(t.next), t.events])).toEqual(
        onFrozen.map((t) => [t.action, canonical(t.next), t.events]),
      );
      for (const t of out) {
        const k = canonical(t.next);
        expect(canonical(reorder(t.next))).toBe(k);
        const j = sortedJson(t.next);
        expect(byKey.get(k) ?? j).toBe(j);
        expect(byJson.get(j) ?? k).toBe(k);
        byKey.set(k, j);
        byJson.set(j, k);
      }
      checked++;
      s = out[Math.floor(next() * out.length)]?.next;
    }
  }
  expect(byKey.size).toBeGreaterThan(1);
  return checked;
}

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

    for (const { scenario, preemption } of pairs(arch)) {
      it(`${scenario.id} (${preemption}): a valid initial state; pure, deterministic steps; canonical keys`, () => {
        const m = buildMachine(arch, scenario, preemption);
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
        expect(checkWalks(m)).toBeGreaterThan(WALKS);
      });
    }
  });
}

describe("model contract coverage", () => {
  it("checks every scenario with some model", () => {
    const checked = new Set(architectures.flatMap((a) => pairs(a).map((p) => p.scenario.id)));
    expect(scenarios.filter((s) => !checked.has(s.id)).map((s) => s.id)).toEqual([]);
  });
});
