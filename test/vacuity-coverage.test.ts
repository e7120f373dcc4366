// Per rule, whether any of its checks ran (a pass of a rule that never did is vacuous);
// which model steps no explored path reached (--coverage); and several shortest traces per
// rule when they end in distinct violations (--traces-per-rule), each replaying.

import { describe, expect, it } from "vitest";
import { rebuild } from "../checker/explore/rebuild";
import { runCell } from "../checker/run";
import type { Spec } from "../checker/spec/types";
import { findArch } from "../model/arch/index";
import { findScenario } from "../model/scenarios/index";
import { bundledSpec } from "./helpers";

const limits = { maxStates: 2_000_000, timeoutMs: 300_000, now: () => performance.now() };

function cell(archId: string, scenarioId: string, spec: Spec) {
  const arch = findArch(archId);
  const scenario = findScenario(scenarioId);
  if (!arch || !scenario) throw new Error(`no ${archId} or ${scenarioId}`);
  return { spec, arch, scenario, preemption: "full" as const };
}

describe("vacuity", () => {
  const spec = bundledSpec("lazy-mmu-v6.15");
  it("a rule whose checks never ran is vacuous; prohibitions (require false) are not", () => {
    // second-task-same-cpu reads no PTE inside a region: no-read-hazard is never asked.
    const r = runCell(cell("generic", "second-task-same-cpu", spec), limits);
    expect(r.verdict).toBe("pass");
    // no-kernel-bug filters on event.code, but a check on bug events is still a prohibition:
    // it holds by the event's absence, so it is not vacuous.
    expect(r.vacuous).toEqual(["no-read-hazard"]);
  });

  it("a misfiled trigger makes its rule vacuous, so the pass is flagged", () => {
    const typo: Spec = {
      ...spec,
      rules: spec.rules.map((x) =>
        x.id === "no-nesting"
          ? {
              ...x,
              checks: x.checks.map((c) => ({
                ...c,
                on: { ...c.on, fn: ["arch_entre_lazy_mmu_mode"] },
              })),
            }
          : x,
      ),
    };
    const r = runCell(cell("generic", "zap-pte-range", typo), limits);
    expect(r.vacuous).toContain("no-nesting");
    expect(runCell(cell("generic", "zap-pte-range", spec), limits).vacuous).not.toContain(
      "no-nesting",
    );
  });
});

describe("coverage", () => {
  it("lists the steps no path reached, and none that one did", () => {
    const spec = bundledSpec("lazy-mmu-v6.15");
    const r = runCell(cell("sparc64@v6.5", "zap-pte-range", spec), limits, { coverage: true });
    const unreached = r.unreached ?? [];
    expect(unreached.length).toBeGreaterThan(0);
    // arch_flush_lazy_mmu_mode is not called by zap_pte_range.
    expect(unreached.some((s) => s.fn === "arch_flush_lazy_mmu_mode")).toBe(true);
    expect(unreached.some((s) => s.fn === "arch_enter_lazy_mmu_mode")).toBe(false);
    for (const s of unreached) expect(s.at).toMatch(/\S/);
    expect(runCell(cell("sparc64@v6.5", "zap-pte-range", spec), limits).unreached).toBeUndefined();
  });
});

describe("--traces-per-rule", () => {
  it("shows the v7.0 Xen PV bug's enable side and its mirror at disable, both replaying", () => {
    const spec = bundledSpec("lazy-mmu-v7.0");
    const c = cell("x86-xen-pv@v7.0", "v7-apply-to-pte-range-init-mm", spec);
    const one = runCell(c, limits);
    expect(one.violations.map((v) => v.rule)).toEqual(["no-kernel-bug"]);
    const r = runCell(c, limits, { tracesPerRule: 3 });
    const msgs = r.violations.map((v) => v.message);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatch(/^kernel BUG: enter_lazy\(XEN_LAZY_MMU\)/);
    expect(msgs[1]).toMatch(/^kernel BUG: leave_lazy\(XEN_LAZY_MMU\)/);
    // The first is the one a single-trace run shows; each is shortest for its violation.
    expect(r.violations[0]?.choices).toEqual(one.violations[0]?.choices);
    for (const v of r.violations) expect(rebuild(r.machine, v.choices).ok).toBe(true);
  });
});
