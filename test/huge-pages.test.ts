// PMD, PUD and huge-page paths (issue 8, section 3): what each architecture does with a
// PMD write, checked on the states the explorer reaches, beyond the verdicts in
// test/verdicts/section3-pmd.json.

import { describe, expect, it } from "vitest";
import { findArch } from "../model/arch/index";
import { call, proc, step } from "../model/kernel/program";
import { buildMachine } from "../model/machine/machine";
import { lazyRegion, wpPageCopy } from "../model/scenarios/callers";
import { findScenario } from "../model/scenarios/index";
import type { Scenario } from "../model/scenarios/types";
import { reachable } from "./explore-helpers";
import { run } from "./helpers";

function scenario(id: string): Scenario {
  const s = findScenario(id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
}

function arch(id: string) {
  const a = findArch(id);
  if (!a) throw new Error(`no architecture model ${id}`);
  return a;
}

describe("sparc64 before a1d416bf9faf: a batch left active catches a PMD write", () => {
  it("khugepaged's set_pmd_at() is batched on a CPU where no region is open (the stray tb->active)", () => {
    const r = run("sparc64@v6.14", "collapse-huge-page-after-region", "full");
    const cx = r.violations.find((v) => v.rule === "immediate-outside");
    expect(cx?.message).toContain("set_pmd_at(user:pmd0)");
    const last = cx?.steps[cx.steps.length - 1]?.state;
    if (!last) throw new Error("no trace");
    expect(last.tasks.find((t) => t.id === "A")?.status).toBe("done");
    for (const t of last.tasks) expect(t.ghost.lazyDepth, t.id).toBe(0);
    const holder = last.cpus.find((c) => c.batch.includes("user:pmd0"));
    expect(holder?.arch.active).toBe(1);
    expect(last.hw.stale).toContain("user:pmd0");
  });

  it("a PTE write in K's place is not caught: set_pte_at() nests from 1a10a44dfc1d, and its leave flushes", () => {
    const base = scenario("collapse-huge-page-after-region");
    const pteInstead: Scenario = {
      ...base,
      id: "pte-write-after-region",
      ptes: { "user:0": 1 },
      procs: [
        ...base.procs.filter((p) => p.name !== "khugepaged" && p.name !== "collapse_huge_page"),
        proc("khugepaged", [
          step("khugepaged", "(test) after A", "test", () => ({ call: "wp_page_copy" }), {
            guard: (s) => s.shared.a_done === 1,
          }),
        ]),
        wpPageCopy("wp_page_copy", "user:0", 2),
      ],
    };
    const m = buildMachine(arch("sparc64@v6.14"), pteInstead, "full");
    // The stray exists in this scenario too: some reachable state has A done and a CPU's
    // batch active...
    const all = reachable(m, 100_000);
    expect(
      all.some(
        ({ state }) =>
          state.tasks.find((t) => t.id === "A")?.status === "done" &&
          state.cpus.some((c) => c.arch.active === 1),
      ),
    ).toBe(true);
    // ...yet K's PTE write is never left batched once it returns, so nothing is stale at
    // the end of any run.
    for (const { state, out } of all) {
      if (out.length === 0) expect(state.hw.stale).toEqual([]);
    }
  });
});

describe("arm64 and Xen PV defer PMD writes made in a region to its leave", () => {
  it("arm64: split_pmd()'s set_pmd() of a kernel table entry waits for the leave's barrier", () => {
    const m = buildMachine(arch("arm64@1ef3095b1405"), scenario("arm64-split-kernel-pmd"), "none");
    const all = reachable(m, 100_000);
    const deferred = all.filter(({ state }) =>
      state.hw.unsynced.some((k) => k.endsWith("|kernel:pmd0")),
    );
    expect(deferred.length).toBeGreaterThan(0);
    for (const { state } of deferred) {
      const a = state.tasks.find((t) => t.id === "A");
      // Only while A is in its region (TIF_LAZY_MMU), with the barrier pending or its
      // leave between test_and_clear_thread_flag() and emit_pte_barriers().
      expect(a?.ghost.lazyDepth).toBe(1);
      const leaving = a?.stack.some((f) => f.proc === "arch_leave_lazy_mmu_mode") ?? false;
      expect(a?.flags.TIF_LAZY_MMU_PENDING === 1 || leaving).toBe(true);
    }
  });

  it("Xen PV: a pmd set in MMU mode is queued in the multicall buffer, and issued by the leave", () => {
    const s: Scenario = {
      id: "xen-pmd-in-region",
      summary: "a PMD populated inside a region",
      source: "arch/x86/xen/mmu_pv.c xen_set_pmd_hyper()",
      cpus: 1,
      tasks: [{ id: "A", cpu: 0, entry: "populate" }],
      irqs: [],
      ptes: {},
      procs: [
        proc("populate", lazyRegion([call("pmd_populate", { addr: "user:pmd0", value: 1 })])),
      ],
      preemption: ["none"],
    };
    const all = reachable(buildMachine(arch("x86-xen-pv@v6.15"), s, "none"));
    const queued = all.filter(({ state }) =>
      state.cpus[0]?.queued.some((u) => u.addr === "user:pmd0"),
    );
    expect(queued.length).toBeGreaterThan(0);
    for (const { state } of queued) expect(state.pte["user:pmd0"] ?? 0).toBe(0);
    const end = all.filter(({ out }) => out.length === 0);
    expect(end.length).toBeGreaterThan(0);
    for (const { state } of end) {
      expect(state.pte["user:pmd0"]).toBe(1);
      expect(state.cpus[0]?.queued).toEqual([]);
    }
  });
});
