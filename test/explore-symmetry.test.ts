// Symmetry reduction (checker/explore/symmetry.ts) changes no verdict. On a set of
// known-verdict cells (test/verdicts/*.json) chosen by the rule below, each is run with
// and without it, and the two must violate the same rules with counterexamples of the same length (shortest paths
// in the quotient are as long as in the full graph). runCell replays every counterexample
// on the unreduced model and throws if one does not replay, so each reduced trace is
// checked to be concrete. (verdicts.test.ts runs every known cell with the default
// settings, symmetry on; this file compares the two settings; test/symmetry-tasks.test.ts
// covers tasks running the same program, which no known-verdict cell has.)
//
// The rule that chooses the cells, so that the comparison stays cheap and covers what
// matters: among the known-verdict cells that run (not n/a) and on which the reduction
// applies (cpuSymmetry: the machine and the spec are symmetric), taken from the smallest
// by a static estimate of their size (tasks, then interrupt sources, then CPUs, then
// preemption none < full < rt, then name), a cell is chosen when it brings an architecture
// family or a rule its expectation names as violated that no chosen cell brought yet.
// Among the chosen, some must actually merge states (fewer states reduced).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { symmetryOf } from "../checker/explore/symmetry";
import { type Cell, runCell } from "../checker/run";
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
  readonly verdict: string;
  readonly violates?: readonly string[];
}

const dir = join(ROOT, "test", "verdicts");
const known = new Map<string, Expectation>();
for (const f of readdirSync(dir).filter((x) => x.endsWith(".json"))) {
  const data = JSON.parse(readFileSync(join(dir, f), "utf8")) as { expectations: Expectation[] };
  for (const e of data.expectations) {
    if (e.verdict === "n/a") continue;
    known.set(`${e.spec ?? "lazy-mmu-v6.15"} ${e.arch} ${e.scenario} ${e.preemption}`, e);
  }
}

const PREEMPTION_ORDER: readonly PreemptionModel[] = ["none", "full", "rt"];

interface Candidate {
  readonly name: string;
  readonly cell: Cell;
  readonly family: string;
  readonly violates: readonly string[];
  readonly size: readonly (number | string)[];
}

function candidates(): Candidate[] {
  const out: Candidate[] = [];
  for (const [name, e] of known) {
    const arch = findArch(e.arch);
    const scenario = findScenario(e.scenario);
    if (!arch || !scenario) throw new Error(`no ${e.arch} or ${e.scenario}`);
    const spec = bundledSpec(e.spec ?? "lazy-mmu-v6.15");
    if (!symmetryOf(buildMachine(arch, scenario, e.preemption), spec).ok) continue;
    out.push({
      name,
      cell: { spec, arch, scenario, preemption: e.preemption },
      family: e.arch.split("@")[0] ?? e.arch,
      violates: e.violates ?? [],
      size: [
        scenario.tasks.length,
        scenario.irqs.length,
        scenario.cpus,
        PREEMPTION_ORDER.indexOf(e.preemption),
        name,
      ],
    });
  }
  const bySize = (a: Candidate, b: Candidate) => {
    for (let i = 0; i < a.size.length; i++) {
      const x = a.size[i] ?? 0;
      const y = b.size[i] ?? 0;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
  return out.sort(bySize);
}

function chosen(): Candidate[] {
  const families = new Set<string>();
  const rules = new Set<string>();
  const out: Candidate[] = [];
  for (const c of candidates()) {
    const brings = !families.has(c.family) || c.violates.some((r) => !rules.has(r));
    if (!brings) continue;
    out.push(c);
    families.add(c.family);
    for (const r of c.violates) rules.add(r);
  }
  return out;
}

const limits = { maxStates: 2_000_000, timeoutMs: 300_000, now: () => performance.now() };
const cells = chosen();
const merged: string[] = [];

describe("symmetry reduction", () => {
  it("finds the bench scenario's two CPUs interchangeable and halves its states", () => {
    const arch = findArch("sparc64@v6.15");
    const scenario = findScenario("bench-reference");
    if (!arch || !scenario) throw new Error("bench configuration missing");
    const spec = bundledSpec("lazy-mmu-v6.15");
    const sym = symmetryOf(buildMachine(arch, scenario, "full"), spec);
    expect(sym.ok && sym.group.length).toBe(2);
    const cell = { spec, arch, scenario, preemption: "full" as const };
    const full = runCell(cell, limits, { symmetry: false });
    const reduced = runCell(cell, limits, { symmetry: true });
    expect(full.stats.states).toBe(118320);
    expect(reduced.stats.states).toBe(59160);
    expect(reduced.verdict).toBe(full.verdict);
  });

  it("the rule chooses cells of several architecture families", () => {
    expect(new Set(cells.map((c) => c.family)).size).toBeGreaterThan(2);
  });

  for (const { name, cell } of cells) {
    it(`${name}: same verdict, rules and trace lengths`, () => {
      const full = runCell(cell, limits, { symmetry: false });
      const reduced = runCell(cell, limits, { symmetry: true });
      expect(full.stoppedBy).toBeNull();
      expect(reduced.verdict).toBe(full.verdict);
      const shape = (r: typeof full) => r.violations.map((v) => `${v.rule}:${v.choices.length}`);
      expect(shape(reduced)).toEqual(shape(full));
      expect(reduced.stats.states).toBeLessThanOrEqual(full.stats.states);
      if (reduced.stats.states < full.stats.states) merged.push(name);
    });
  }

  it("some chosen cells merge states under the reduction", () => {
    expect(merged.length).toBeGreaterThan(0);
  });
});
