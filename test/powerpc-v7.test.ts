// Focused tests of powerpc-hash@v7.0 (58852f24f956, c3f0778ffeca, 313a05a15a1b) against the
// v6.18 era powerpc-hash@47b8def9358c driven by the same v7.0 callers: what the per-CPU
// batch holds along chosen paths and in every reachable state. The verdicts against the
// v7.0 rules are in test/verdicts/v7-powerpc.json.

import { describe, expect, it } from "vitest";
import { runCell } from "../checker/run";
import { findArch } from "../model/arch/index";
import { ENABLE_COUNT, lazyMmuModeProcs } from "../model/kernel/lazy-mmu-mode";
import { proc } from "../model/kernel/program";
import type { Kernel, PreemptionModel } from "../model/kernel/state";
import { flushTlbRange, pteClear } from "../model/scenarios/callers";
import type { Scenario } from "../model/scenarios/types";
import { lazyMmuRegion } from "../model/scenarios/v7";
import { machine, reach, runAlone } from "./explore-helpers";
import { bundledSpec } from "./helpers";

const V70 = "powerpc-hash@v7.0";
const V618 = "powerpc-hash@47b8def9358c";

const batched = (s: Kernel, addr: string) => s.cpus.some((c) => c.batch.includes(addr));

/**
 * A KFENCE-like interrupt that write-protects a present kernel page (kfence_protect():
 * clear, then flush_tlb_kernel_range()), on either CPU, inside or outside task A's region.
 * Unlike kfence-irq-in-region, the old kernel PTE is present (hashed), so hpte_need_flush()
 * runs in the handler.
 */
const irqProtect: Scenario = {
  id: "test-v7-irq-protect",
  summary: "an interrupt clears a present kernel PTE inside or outside task A's v7.0 region",
  source: "test; mm/kfence/core.c: kfence_protect(); 313a05a15a1b",
  api: "lazy-mmu-mode",
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "zap" }],
  irqs: [{ id: "kfence", handler: "kfence_protect", bound: 1 }],
  ptes: { "user:0": 1, "user:1": 1, "kernel:4": 1 },
  genericProcs: lazyMmuModeProcs,
  procs: [
    proc("zap", lazyMmuRegion([pteClear("user:0"), pteClear("user:1")])),
    proc("kfence_protect", [pteClear("kernel:4"), flushTlbRange("kernel:4")]),
  ],
  preemption: ["none", "full"],
};

describe("powerpc-hash@v7.0: the model's shape", () => {
  it("has no `active`, no _TLF_LAZY_MMU and no __switch_to hooks (58852f24f956, 313a05a15a1b)", () => {
    const a = findArch(V70);
    expect(a?.api).toBe("lazy-mmu-mode");
    expect(a?.perCpu).toEqual({});
    expect(a?.perTask).toEqual({});
    expect(a?.contextSwitch).toHaveLength(0);
  });

  it("never runs a context-switch hook and never writes cpu.arch", () => {
    const { states, transitions } = reach(machine(V70, "v7-zap-nested-debug-pagealloc", "full"));
    const hooks = transitions.filter(
      (t) =>
        (t.action.kind === "switch-out" || t.action.kind === "switch-in") && t.action.hooks.length,
    );
    expect(hooks).toHaveLength(0);
    for (const s of states) for (const c of s.cpus) expect(c.arch).toEqual({});
  });
});

describe("c3f0778ffeca: the nested disable flushes", () => {
  // zap_pte_range() clears user:0, the nested __kernel_map_pages() enable/disable runs, then
  // user:1 is cleared. When user:1 is stored, is user:0's invalidation still batched?
  const atSecondClear = (archId: string) => {
    const trail = runAlone(machine(archId, "v7-zap-nested-debug-pagealloc", "none"), "A");
    const i = trail.findIndex((s) => s.pte["user:1"] === 0);
    const s = trail[i];
    if (!s) throw new Error("user:1 never cleared");
    return { s, trail };
  };

  it("v7.0: user:0 was batched, then flushed by arch_flush_lazy_mmu_mode() before user:1", () => {
    const { s, trail } = atSecondClear(V70);
    expect(trail.some((x) => batched(x, "user:0"))).toBe(true);
    expect(batched(s, "user:0")).toBe(false);
    expect(s.hw.stale).not.toContain("user:0");
  });

  it("v6.18 hooks: the nested disable's empty flush leaves user:0 batched", () => {
    const { s } = atSecondClear(V618);
    expect(batched(s, "user:0")).toBe(true);
  });

  it("v7.0: A ends with nothing batched, preemption on, and the count at 0", () => {
    const { trail } = atSecondClear(V70);
    const end = trail[trail.length - 1];
    if (!end) throw new Error("empty trail");
    expect(end.cpus.every((c) => c.batch.length === 0)).toBe(true);
    expect(end.hw.stale).toHaveLength(0);
    const a = end.tasks.find((t) => t.id === "A");
    expect(a?.preemptCount).toBe(0);
    expect(a?.flags[ENABLE_COUNT] ?? 0).toBe(0);
  });
});

describe("313a05a15a1b: an interrupt's change is never batched", () => {
  it("v7.0: kernel:4 is in no CPU's batch in any reachable state", () => {
    const { states } = reach(machine(V70, irqProtect, "full"));
    expect(states.some((s) => (s.irqFired.kfence ?? 0) === 1)).toBe(true);
    for (const s of states) expect(batched(s, "kernel:4")).toBe(false);
  });

  it("v7.0: when the handler has returned, kernel:4 is no longer stale", () => {
    const { states } = reach(machine(V70, irqProtect, "full"));
    const after = states.filter(
      (s) => (s.irqFired.kfence ?? 0) === 1 && s.cpus.every((c) => c.irq === null),
    );
    expect(after.length).toBeGreaterThan(0);
    for (const s of after) expect(s.hw.stale).not.toContain("kernel:4");
  });

  it("v6.18 hooks (batch->active): the interrupt's kernel:4 lands in the interrupted task's batch", () => {
    const { states } = reach(machine(V618, irqProtect, "full"));
    expect(states.some((s) => batched(s, "kernel:4"))).toBe(true);
  });
});

describe("313a05a15a1b against the v7.0 contract (the interrupt write-protects a hashed kernel page)", () => {
  const verdict = (archId: string, p: PreemptionModel) => {
    const arch = findArch(archId);
    if (!arch) throw new Error(archId);
    const r = runCell(
      { spec: bundledSpec("lazy-mmu-v7.0"), arch, scenario: irqProtect, preemption: p },
      { maxStates: 1_000_000, timeoutMs: 60_000, now: () => performance.now() },
    );
    return { verdict: r.verdict, rules: r.violations.map((v) => v.rule) };
  };

  for (const p of ["none", "full", "rt"] as const) {
    it(`v7.0 ${p}: pass`, () => {
      expect(verdict(V70, p)).toEqual({ verdict: "pass", rules: [] });
    });
    it(`v6.18 hooks ${p}: fail (the handler's change is deferred to the task's leave)`, () => {
      const r = verdict(V618, p);
      expect(r.verdict).toBe("fail");
      expect(r.rules).toContain("inactive-in-interrupt");
      expect(r.rules).toContain("immediate-outside");
    });
  }
});
