// The caller scenarios: every one links with every architecture model under every
// preemption model it runs in, says what it models and from where, and each family keeps
// the calling pattern it claims (a region under the PTL, a region with no lock, a handler
// that enters lazy mode, ...). A toy architecture that defers the PTE store while lazy
// (the Xen PV way, simplified) checks that the kmap scenarios can fail at all.

import { describe, expect, it } from "vitest";
import { runCell } from "../checker/run";
import { architectures } from "../model/arch/index";
import { genericBuilds } from "../model/arch/preemption";
import type { ArchModel } from "../model/arch/types";
import { cpuOf, inInterrupt } from "../model/kernel/context";
import { flushTlbAddr, storePte } from "../model/kernel/hardware";
import {
  addrArg,
  nop,
  preempt_disable,
  preempt_enable,
  valueArg,
} from "../model/kernel/primitives";
import { call, type Op, type Proc, proc, step } from "../model/kernel/program";
import type { PreemptionModel } from "../model/kernel/state";
import { buildMachine } from "../model/machine/machine";
import { ENTER, FLUSH, LEAVE } from "../model/scenarios/callers";
import { extraScenarios, findScenario, scenarios } from "../model/scenarios/index";
import { setPtesBcc6cc832573 } from "../model/scenarios/memory";
import type { Scenario } from "../model/scenarios/types";
import { bundledSpec } from "./helpers";

const all = [...scenarios, ...extraScenarios];

function scenario(id: string): Scenario {
  const s = findScenario(id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
}

function entryOps(s: Scenario, task = "A"): readonly Op[] {
  const t = s.tasks.find((x) => x.id === task);
  const p = s.procs.find((x) => x.name === t?.entry);
  if (!p) throw new Error(`${s.id}: no entry for ${task}`);
  return p.ops;
}

const isCall = (name: string) => (op: Op) => op.op === "call" && op.proc === name;
const isLock = (op: Op) => op.op === "step" && op.label.startsWith("spin_lock(");
const isUnlock = (op: Op) => op.op === "step" && op.label.startsWith("spin_unlock(");

describe("every scenario", () => {
  it("has a unique id", () => {
    const ids = all.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const s of all) {
    describe(s.id, () => {
      it("says what it models and from which kernel source", () => {
        expect(s.summary.length).toBeGreaterThan(20);
        expect(s.source).toMatch(/\.(c|h)\b|[0-9a-f]{12}/);
      });

      it("stays small: 1 or 2 CPUs in the default matrix (one for a softirq on the task it lands on; 3 for the variants outside it), 1 to 3 tasks, interrupt bound 1", () => {
        expect(scenarios.includes(s) ? [1, 2] : [1, 2, 3]).toContain(s.cpus);
        expect(s.tasks.length).toBeGreaterThanOrEqual(1);
        expect(s.tasks.length).toBeLessThanOrEqual(3);
        for (const t of s.tasks) expect(t.cpu).toBeLessThan(s.cpus);
        for (const i of s.irqs) expect(i.bound).toBe(1);
      });
    });
  }
});

describe("regions under the PTL", () => {
  for (const id of [
    "apply-to-pte-range-user",
    "zap-pte-range",
    "remap-pte-range-set-ptes",
    "change-pte-range",
    "pagemap-scan-pmd-entry-ad449d856bd7",
  ]) {
    it(`${id}: enter after the PTL is taken, leave before it is dropped`, () => {
      const ops = entryOps(scenario(id));
      const enter = ops.findIndex(isCall(ENTER));
      const leave = ops.findIndex(isCall(LEAVE));
      const lastLock = ops.map(isLock).lastIndexOf(true);
      const firstUnlockAfterLeave = ops.findIndex((op, i) => i > leave && isUnlock(op));
      expect(enter).toBeGreaterThan(lastLock);
      expect(lastLock).toBeGreaterThanOrEqual(0);
      expect(firstUnlockAfterLeave).toBeGreaterThan(leave);
    });
  }

  it("move-ptes holds both the old and the new PTL across its region", () => {
    const ops = entryOps(scenario("move-ptes"));
    const enter = ops.findIndex(isCall(ENTER));
    expect(ops.slice(0, enter).filter(isLock)).toHaveLength(2);
  });

  it("kmap-local-in-region (copy_pte_range) holds both PTLs across its region", () => {
    const ops = entryOps(scenario("kmap-local-in-region"));
    const enter = ops.findIndex(isCall(ENTER));
    expect(ops.slice(0, enter).filter(isLock)).toHaveLength(2);
  });
});

describe("regions with no lock (init_mm)", () => {
  for (const id of ["apply-to-pte-range-init-mm", "vmap-pte-range", "vunmap-pte-range"]) {
    it(`${id}: takes no lock`, () => {
      const ops = entryOps(scenario(id));
      expect(ops.some(isLock)).toBe(false);
      expect(ops.some(isCall(ENTER))).toBe(true);
    });
  }

  it("second-task-same-cpu: B is bound to A's CPU", () => {
    const s = scenario("second-task-same-cpu");
    const [a, b] = s.tasks;
    expect(b?.pinned).toBe(true);
    expect(b?.cpu).toBe(a?.cpu);
  });
});

describe("set_ptes called from a region", () => {
  const bcc6 = scenario("remap-pte-range-set-ptes-bcc6cc832573");

  it("the generic set_ptes of bcc6cc832573 enters and leaves lazy mode itself", () => {
    expect(bcc6.genericProcs).toContain(setPtesBcc6cc832573);
    expect(setPtesBcc6cc832573.ops.some(isCall(ENTER))).toBe(true);
    expect(setPtesBcc6cc832573.ops.some(isCall(LEAVE))).toBe(true);
  });

  it("is what generic links, and an architecture's own set_ptes overrides it", () => {
    const generic = architectures.find((a) => a.id === "generic");
    if (!generic) throw new Error("no generic model");
    expect(buildMachine(generic, bcc6, "full").procs.set_ptes).toBe(setPtesBcc6cc832573);
    for (const arch of architectures.filter((a) => a.procs.some((p) => p.name === "set_ptes"))) {
      expect(buildMachine(arch, bcc6, "full").procs.set_ptes).not.toBe(setPtesBcc6cc832573);
    }
  });

  it("the 691ee97e1a9d variant brings no set_ptes of its own", () => {
    expect(scenario("remap-pte-range-set-ptes").genericProcs ?? []).toHaveLength(0);
  });
});

describe("pagemap_scan_pmd_entry scopes", () => {
  it("before ad449d856bd7 the region opens before any lock", () => {
    const ops = entryOps(scenario("pagemap-scan-pmd-entry-wide"));
    expect(ops.findIndex(isCall(ENTER))).toBeLessThan(ops.findIndex(isLock));
  });

  it("the kmap variant maps the PTE page inside the wide region, before the PTL", () => {
    const ops = entryOps(scenario("pagemap-scan-kmap-in-wide-region"));
    const enter = ops.findIndex(isCall(ENTER));
    const kmap = ops.findIndex(isCall("kmap_local_page"));
    expect(kmap).toBeGreaterThan(enter);
    expect(kmap).toBeLessThan(ops.findIndex(isCall(LEAVE)));
  });
});

describe("interrupt handlers", () => {
  it("kfence-irq-apply-to-page-range: the handler itself enters lazy mode", () => {
    const s = scenario("kfence-irq-apply-to-page-range");
    const handler = s.procs.find((p) => p.name === s.irqs[0]?.handler);
    expect(handler?.ops.some(isCall(ENTER))).toBe(true);
  });

  it("kfence-irq-in-region: the handler does not", () => {
    const s = scenario("kfence-irq-in-region");
    const handler = s.procs.find((p) => p.name === s.irqs[0]?.handler);
    expect(handler?.ops.some(isCall(ENTER))).toBe(false);
  });
});

// A toy architecture that queues PTE stores while this CPU is lazy (not in interrupt) and
// issues them at leave and flush, as Xen PV's multicall buffer does. Preemption is off in
// the region, so that only the store deferral matters. `postMapFlushes`: whether
// arch_kmap_local_post_map() calls arch_flush_lazy_mmu_mode() (as x86 does).
function deferringArch(postMapFlushes: boolean): ArchModel {
  const at = "test (toy deferring architecture)";
  const issue = (name: string): Proc =>
    proc(name, [
      step(name, "issue the queued PTE updates", at, (d, env) => {
        const c = cpuOf(d, env);
        for (const u of c.queued) storePte(d, env, u.addr, u.value);
        c.queued = [];
      }),
    ]);
  const store = (name: string, clear: boolean): Proc =>
    proc(name, [
      step(name, "queue the store if lazy, else store now", at, (d, env) => {
        const c = cpuOf(d, env);
        const value = clear ? 0 : valueArg(env);
        if (c.arch.lazy === 1 && !inInterrupt(d, env)) c.queued.push({ addr: addrArg(env), value });
        else storePte(d, env, addrArg(env), value);
      }),
    ]);
  return {
    id: `test-deferring${postMapFlushes ? "-kmap-flush" : ""}`,
    arch: "test",
    era: "test",
    commits: [],
    summary: "toy: PTE stores queued while lazy",
    ran: [{ why: "a toy model of no kernel, for the test" }],
    builds: genericBuilds,
    sources: [],
    departures: [],
    procs: [
      proc(ENTER, [
        preempt_disable(ENTER),
        step(ENTER, "lazy = 1", at, (d, env) => {
          (cpuOf(d, env).arch as Record<string, number>).lazy = 1;
        }),
      ]),
      proc(LEAVE, [
        call("issue_queued"),
        step(LEAVE, "lazy = 0", at, (d, env) => {
          (cpuOf(d, env).arch as Record<string, number>).lazy = 0;
        }),
        preempt_enable(LEAVE),
      ]),
      proc(FLUSH, [call("issue_queued")]),
      issue("issue_queued"),
      // A TLB flush goes behind the queued stores, as Xen PV's MMUEXT op does in its buffer.
      proc("flush_tlb_range", [
        call("issue_queued"),
        step("flush_tlb_range", "invalidate the address's TLB entries", at, (d, env) => {
          flushTlbAddr(d, addrArg(env));
        }),
      ]),
      store("set_pte_at", false),
      store("pte_clear", true),
      proc(
        "arch_kmap_local_post_map",
        postMapFlushes ? [call(FLUSH, {})] : [nop("arch_kmap_local_post_map", "nothing", at)],
      ),
    ],
    perCpu: { lazy: 0 },
    perTask: {},
    contextSwitch: [],
  };
}

function check(arch: ArchModel, id: string, preemption: PreemptionModel = "full") {
  const r = runCell(
    { spec: bundledSpec("lazy-mmu-v6.15"), arch, scenario: scenario(id), preemption },
    { maxStates: 200_000, timeoutMs: 60_000, now: () => performance.now() },
  );
  return { verdict: r.verdict, rules: r.violations.map((v) => v.rule) };
}

describe("kmap_local inside a region, on an architecture that defers the store", () => {
  for (const id of ["pagemap-scan-kmap-in-wide-region", "kmap-local-in-region"]) {
    it(`${id}: the access through the kmap sees no PTE (no-read-hazard)`, () => {
      const r = check(deferringArch(false), id);
      expect(r.verdict).toBe("fail");
      expect(r.rules).toContain("no-read-hazard");
    });

    it(`${id}: passes when arch_kmap_local_post_map() flushes lazy mode (x86's way)`, () => {
      expect(check(deferringArch(true), id)).toEqual({ verdict: "pass", rules: [] });
    });
  }

  it("the narrowed pagemap_scan_pmd_entry() region, with no kmap in it, passes", () => {
    expect(check(deferringArch(false), "pagemap-scan-pmd-entry-ad449d856bd7")).toEqual({
      verdict: "pass",
      rules: [],
    });
  });
});
