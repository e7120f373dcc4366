// The v7.0 rules on callers that break them (scenarios written here, not in the registry:
// no kernel caller is known to do this), the refusal of v7.0 hooks under pre-v7.0
// callers, and `compare` over two contracts.

import { describe, expect, it } from "vitest";
import { resolveRun } from "../checker/cli/options";
import { compareResults } from "../checker/compare-contracts";
import { runCell } from "../checker/run";
import { findArch } from "../model/arch/index";
import { lazyMmuModeProcs } from "../model/kernel/lazy-mmu-mode";
import { alloc_page_may_sleep } from "../model/kernel/primitives";
import { proc } from "../model/kernel/program";
import type { PreemptionModel } from "../model/kernel/state";
import { lazyRegion, setPte } from "../model/scenarios/callers";
import type { Scenario } from "../model/scenarios/types";
import { disable, enable, lazyMmuRegion } from "../model/scenarios/v7";
import { bundledSpec, run, summary } from "./helpers";

function bad(id: string, ops: Parameters<typeof proc>[1]): Scenario {
  return {
    id,
    summary: id,
    source: "test",
    api: "lazy-mmu-mode",
    cpus: 1,
    tasks: [{ id: "A", cpu: 0, entry: "caller" }],
    irqs: [],
    ptes: {},
    genericProcs: lazyMmuModeProcs,
    procs: [proc("caller", ops)],
    preemption: ["full"],
  };
}

function check(
  archId: string,
  scenario: Scenario,
  spec = "lazy-mmu-v7.0",
  p: PreemptionModel = "full",
) {
  const arch = findArch(archId);
  if (!arch) throw new Error(archId);
  return runCell(
    { spec: bundledSpec(spec), arch, scenario, preemption: p },
    { maxStates: 100_000, timeoutMs: 60_000, now: () => performance.now() },
  );
}

const sleepy = bad(
  "sleep-in-region",
  lazyMmuRegion([setPte("kernel:0", 1), alloc_page_may_sleep("caller"), setPte("kernel:1", 1)]),
);

describe("v7.0 caller rules", () => {
  it("no-sleep-in-region flags a GFP_KERNEL allocation inside a section, even where the arch does not disable preemption", () => {
    const g = check("generic", sleepy).violations.map((v) => v.rule);
    expect(g).toEqual(["no-sleep-in-region"]);
    const s = check("sparc64@v7.0", sleepy).violations.map((v) => v.rule);
    expect(s).toContain("no-sleep-in-region");
    // sparc64@v7.0's enter disables preemption: the kernel's own check fires too.
    expect(s).toContain("no-kernel-bug");
  });

  it("the same allocation between pause() and resume() is allowed", () => {
    const paused = bad("sleep-while-paused", [
      enable(),
      { op: "call", proc: "lazy_mmu_mode_pause", args: {} },
      alloc_page_may_sleep("caller"),
      { op: "call", proc: "lazy_mmu_mode_resume", args: {} },
      disable(),
    ]);
    expect(check("sparc64@v7.0", paused).verdict).toBe("pass");
  });

  it("counts-in-range and pairing: a disable without an enable, an enable never disabled", () => {
    const under = check("generic", bad("underflow", [disable()])).violations.map((v) => v.rule);
    expect(under).toContain("counts-in-range");
    expect(under).toContain("no-kernel-bug"); // VM_WARN_ON_ONCE(enable_count == 0)
    const open = check("generic", bad("unclosed", [enable(), enable(), disable()]));
    expect(open.violations.map((v) => v.rule)).toEqual(["pairing"]);
  });
});

describe("v7.0 implementation rules", () => {
  it("inactive-in-interrupt: arch hooks called straight from an interrupt handler (a v6.15-style caller) break v7.0, and v6.15's caller rule names the same act", () => {
    const irqCaller: Scenario = {
      ...bad("irq-hooks", [setPte("user:0", 2)]),
      api: "arch-hooks",
      genericProcs: [],
      irqs: [{ id: "irq", handler: "handler", bound: 1 }],
      ptes: { "user:0": 1 },
      procs: [
        proc("caller", [setPte("user:0", 2)]),
        proc("handler", lazyRegion([setPte("kernel:0", 1)])),
      ],
    };
    const v70 = check("generic", irqCaller).violations.map((v) => v.rule);
    expect(v70).toEqual(["inactive-in-interrupt"]);
    const v615 = check("generic", irqCaller, "lazy-mmu-v6.15").violations.map((v) => v.rule);
    expect(v615).toEqual(["no-interrupt-context"]);
  });
});

describe("which API a pair of models speaks", () => {
  it("refuses a v7.0 architecture on callers of the arch hooks, in words", () => {
    const r = resolveRun(bundledSpec("lazy-mmu-v7.0"), {
      arch: ["sparc64@v7.0"],
      scenario: ["zap-pte-range"],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("incompatible-api");
    expect(r.error.message).toMatch(
      /zap-pte-range calls arch_enter\/leave_lazy_mmu_mode\(\) directly/,
    );
  });

  it("leaves such pairs out of a default matrix; v6.15 hooks under v7.0 callers are n/a, or a what-if with --any-era", () => {
    const spec = bundledSpec("lazy-mmu-v7.0");
    const r = resolveRun(spec, { arch: ["sparc64@v7.0", "sparc64@v6.15"] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const pairs = new Set(r.value.cells.map((c) => `${c.arch.id} ${c.scenario.id}`));
    expect(pairs.has("sparc64@v7.0 zap-pte-range")).toBe(false);
    expect(pairs.has("sparc64@v7.0 v7-vmalloc")).toBe(true);
    expect(pairs.has("sparc64@v6.15 zap-pte-range")).toBe(true);
    // No kernel ran sparc64's v6.15 hooks under v7.0's callers.
    expect(pairs.has("sparc64@v6.15 v7-vmalloc")).toBe(false);
    const na = r.value.notBuilt.find(
      (n) => n.arch.id === "sparc64@v6.15" && n.scenario.id === "v7-vmalloc",
    );
    expect(na?.why).toMatch(/v7\.0/);
    const w = resolveRun(spec, { arch: ["sparc64@v6.15"], anyEra: true });
    expect(w.ok).toBe(true);
    if (!w.ok) return;
    const c = w.value.cells.find((x) => x.scenario.id === "v7-vmalloc");
    expect(c?.whatIf).toBeDefined();
  });
});

describe("compare", () => {
  it("v6.15 -> v7.0 on sparc64@v6.15 hooks under nested v7.0 callers: nested-disable-flushes makes the difference", () => {
    const a = run("sparc64@v6.15", "v7-zap-nested-debug-pagealloc", "full", "lazy-mmu-v6.15");
    const b = run("sparc64@v6.15", "v7-zap-nested-debug-pagealloc", "full", "lazy-mmu-v7.0");
    const cmp = compareResults(a.spec, b.spec, [summary(a)], [summary(b)]);
    expect(cmp.differing).toHaveLength(1);
    expect(cmp.differing[0]?.onlyB.map((r) => r.id)).toEqual(["nested-disable-flushes"]);
    expect(cmp.differing[0]?.onlyA).toEqual([]);
    const changes = cmp.rules.map((c) => `${c.kind} ${c.id}`);
    expect(changes).toContain("removed no-interrupt-context");
    expect(changes).toContain("added inactive-in-interrupt");
    expect(changes).toContain("added nested-disable-flushes");
  });

  it("original -> v6.15 on init_mm without a lock: under-ptl is the whole difference", () => {
    const a = run("generic", "apply-to-pte-range-init-mm", "full", "lazy-mmu-original");
    const b = run("generic", "apply-to-pte-range-init-mm", "full", "lazy-mmu-v6.15");
    const cmp = compareResults(a.spec, b.spec, [summary(a)], [summary(b)]);
    expect(cmp.differing.map((c) => [c.verdictA, c.verdictB, c.onlyA.map((r) => r.id)])).toEqual([
      ["fail", "pass", ["under-ptl"]],
    ]);
  });

  it("the same spec on both sides differs nowhere", () => {
    const a = run("sparc64@v7.0", "v7-irq-api", "full", "lazy-mmu-v7.0");
    const cmp = compareResults(a.spec, a.spec, [summary(a)], [summary(a)]);
    expect(cmp.rules).toEqual([]);
    expect(cmp.differing).toEqual([]);
  });
});
