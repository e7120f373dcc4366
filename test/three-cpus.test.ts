// The three-CPU variants (model/scenarios/three-cpus.ts): outside the default matrix, they
// really use the third CPU, and on the cells checked here they give the verdict (and the
// failed rules) of their two-CPU originals: a third CPU adds interleavings, and on the
// built-in models none that breaks a rule the two-CPU run did not already break.

import { describe, expect, it } from "vitest";
import { cellExisted } from "../model/arch/existed";
import { findArch } from "../model/arch/index";
import { extraScenarios, findScenario, scenarios } from "../model/scenarios/index";
import { threeCpuScenarios } from "../model/scenarios/three-cpus";
import { machine, reachable } from "./explore-helpers";
import { run } from "./helpers";

const ARCHS = [
  "generic",
  "x86-xen-pv@49147beb0ccb",
  "sparc64@v6.5",
  "powerpc-hash@9fee28baa601",
  "arm64@1ef3095b1405",
] as const;

function original(id: string): string {
  return id.replace(/-3cpu$/, "");
}

function outcome(archId: string, scenarioId: string) {
  const r = run(archId, scenarioId, "full");
  return { verdict: r.verdict, rules: [...new Set(r.violations.map((v) => v.rule))].sort() };
}

describe("three-CPU scenario variants", () => {
  it("run on three CPUs and are not in the default matrix", () => {
    expect(threeCpuScenarios.length).toBeGreaterThan(0);
    for (const s of threeCpuScenarios) {
      expect(s.cpus).toBe(3);
      expect(scenarios.map((x) => x.id)).not.toContain(s.id);
      expect(extraScenarios.map((x) => x.id)).toContain(s.id);
      expect(scenarios.map((x) => x.id)).toContain(original(s.id));
    }
  });

  it.each(threeCpuScenarios.map((s) => s.id))("%s: some task runs on CPU 2", (id) => {
    const m = machine("sparc64@v6.15", id, "full");
    const onCpu2 = reachable(m, 5_000).some(({ state }) => state.cpus[2]?.current !== null);
    expect(onCpu2).toBe(true);
  });

  for (const s of threeCpuScenarios) {
    it.each(ARCHS)(`${s.id} on %s (full) gives its two-CPU original's verdict`, (arch) => {
      const a = findArch(arch);
      const base = findScenario(original(s.id));
      if (!a || !base) throw new Error(`no ${arch} or ${original(s.id)}`);
      if (!cellExisted(a, base, "full").existed) return; // n/a: no kernel to compare
      expect(outcome(arch, s.id)).toEqual(outcome(arch, original(s.id)));
    });
  }
});
