// Symmetry reduction over CPUs changes no verdict: every cell of the known verdicts
// (test/verdicts/*.json) is run with and without it, and the two must violate the same
// rules with counterexamples of the same length (shortest paths in the quotient are as
// long as in the full graph). runCell replays every counterexample on the unreduced model
// and throws if one does not replay, so each reduced trace is checked to be concrete.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cpuSymmetry } from "../checker/explore/symmetry";
import { runCell } from "../checker/run";
import { findArch } from "../model/arch/index";
import type { PreemptionModel } from "../model/kernel/state";
import { buildMachine } from "../model/machine/machine";
import { findScenario } from "../model/scenarios/index";
import { bundledSpec, ROOT } from "./helpers";

interface Expectation {
  readonly spec?: string;
  readonly arch: string;
  readonly scenario: string;
  readonly preemption: PreemptionModel;
}

const dir = join(ROOT, "test", "verdicts");
const cells = new Map<string, Expectation>();
for (const f of readdirSync(dir).filter((x) => x.endsWith(".json"))) {
  const data = JSON.parse(readFileSync(join(dir, f), "utf8")) as { expectations: Expectation[] };
  for (const e of data.expectations) {
    cells.set(`${e.spec ?? "lazy-mmu-v6.15"} ${e.arch} ${e.scenario} ${e.preemption}`, e);
  }
}

const limits = { maxStates: 2_000_000, timeoutMs: 300_000, now: () => performance.now() };

describe("CPU symmetry reduction", () => {
  it("finds the bench scenario's two CPUs interchangeable and halves its states", () => {
    const arch = findArch("sparc64@v6.15");
    const scenario = findScenario("bench-reference");
    if (!arch || !scenario) throw new Error("bench configuration missing");
    const spec = bundledSpec("lazy-mmu-v6.15");
    const sym = cpuSymmetry(buildMachine(arch, scenario, "full"), spec);
    expect(sym.ok && sym.group.length).toBe(2);
    const cell = { spec, arch, scenario, preemption: "full" as const };
    const full = runCell(cell, limits);
    const reduced = runCell(cell, limits, { symmetry: true });
    expect(full.stats.states).toBe(118320);
    expect(reduced.stats.states).toBe(59160);
    expect(reduced.verdict).toBe(full.verdict);
  });

  for (const [name, e] of cells) {
    it(`${name}: same verdict, rules and trace lengths`, () => {
      const arch = findArch(e.arch);
      const scenario = findScenario(e.scenario);
      if (!arch || !scenario) throw new Error(`no ${e.arch} or ${e.scenario}`);
      const cell = {
        spec: bundledSpec(e.spec ?? "lazy-mmu-v6.15"),
        arch,
        scenario,
        preemption: e.preemption,
      };
      const full = runCell(cell, limits);
      const reduced = runCell(cell, limits, { symmetry: true });
      expect(reduced.verdict).toBe(full.verdict);
      const shape = (r: typeof full) => r.violations.map((v) => `${v.rule}:${v.choices.length}`);
      expect(shape(reduced)).toEqual(shape(full));
      expect(reduced.stats.states).toBeLessThanOrEqual(full.stats.states);
    });
  }
});
