// The TLB state (model/kernel/hardware.ts): what a PTE change leaves cached, what a flush
// removes, and that a flush taking effect before an earlier update it follows is seen
// (hw.overtaken, rule flush-after-updates). The kernel verdicts are data in
// test/verdicts/section3-tlb.json; here are the laws of the state and one what-if design
// that shows the overtaking can be represented and is caught.

import { produce } from "immer";
import { describe, expect, it } from "vitest";
import { runCell } from "../checker/run";
import { findArch } from "../model/arch/index";
import {
  flushTlbAddr,
  issueQueued,
  markUnsynced,
  queueTlbFlush,
  queueUpdate,
  storePteTlbOwed,
  tlbFlushed,
} from "../model/kernel/hardware";
import { addrArg } from "../model/kernel/primitives";
import { proc, type StepEnv, step } from "../model/kernel/program";
import { initialKernel, type Kernel } from "../model/kernel/state";
import { flushTlbRange, lazyRegion, setPte } from "../model/scenarios/callers";
import type { Scenario } from "../model/scenarios/types";
import { bundledSpec } from "./helpers";

/** A machine of two idle CPUs with `user:0` present, booted as the state declares. */
function machine(): Kernel {
  const cpu = (id: number) => ({ id, current: null, arch: {} });
  return initialKernel({
    cpus: [cpu(0), cpu(1)],
    tasks: [],
    irqs: [],
    ptes: { "user:0": 1 },
    shared: {},
  });
}

const env = {} as StepEnv;

describe("the TLB state", () => {
  it("a changed present PTE stays cached until a flush of it; a pte_none one caches nothing", () => {
    const changed = produce(machine(), (d) => storePteTlbOwed(d, env, "user:0", 2));
    expect(tlbFlushed(changed, "user:0")).toBe(false);
    const flushed = produce(changed, (d) => flushTlbAddr(d, "user:0"));
    expect(tlbFlushed(flushed, "user:0")).toBe(true);
    expect(flushed.hw.overtaken).toEqual([]);
    const fresh = produce(machine(), (d) => storePteTlbOwed(d, env, "user:1", 1));
    expect(fresh.hw.tlb).toEqual([]);
  });

  it("a flush queued behind an update is issued after it: nothing overtaken, nothing stale", () => {
    const s = produce(machine(), (d) => {
      queueUpdate(d, 0, "user:0", 2);
      queueTlbFlush(d, 0, "user:0");
      expect(issueQueued(d, 0)).toBe(2);
    });
    expect(s.pte["user:0"]).toBe(2);
    expect(s.hw.tlb).toEqual([]);
    expect(s.hw.overtaken).toEqual([]);
    expect(s.cpus[0]?.queued).toEqual([]);
  });

  it("a flush queued before an update leaves the update's old translation cached", () => {
    const s = produce(machine(), (d) => {
      queueTlbFlush(d, 0, "user:0");
      queueUpdate(d, 0, "user:0", 2);
      issueQueued(d, 0);
    });
    expect(s.hw.tlb).toEqual(["user:0"]);
    // The update came after the flush in program order: the flush did not overtake it.
    expect(s.hw.overtaken).toEqual([]);
  });

  it("a flush that takes effect while an earlier update is still queued overtakes it", () => {
    const s = produce(machine(), (d) => {
      queueUpdate(d, 0, "user:0", 2);
      flushTlbAddr(d, "user:0");
      issueQueued(d, 0);
    });
    expect(s.hw.overtaken).toEqual(["user:0"]);
    expect(s.hw.tlb).toEqual(["user:0"]);
  });

  it("a flush before the walker sees a store (arm64, no dsb yet) overtakes it and leaves it stale", () => {
    const s = produce(machine(), (d) => {
      storePteTlbOwed(d, env, "user:0", 2);
      markUnsynced(d, 1, "user:0");
      flushTlbAddr(d, "user:0");
    });
    expect(s.hw.overtaken).toEqual(["user:0"]);
    expect(s.hw.tlb).toEqual(["user:0"]);
  });
});

/**
 * A caller that flushes inside its region: set_pte_at() of a present user PTE, then
 * flush_tlb_range() of it, before the leave (test-only: the built-in callers flush after
 * the region).
 */
const flushInRegion: Scenario = {
  id: "test-flush-in-region",
  summary: "A region that changes a user PTE and flushes its TLB entry before leaving",
  source: "test/tlb.test.ts",
  cpus: 1,
  tasks: [{ id: "A", cpu: 0, entry: "caller" }],
  irqs: [],
  ptes: { "user:0": 1 },
  procs: [proc("caller", lazyRegion([setPte("user:0", 2), flushTlbRange("user:0")]))],
  preemption: ["none"],
};

function verdictOn(archId: string, replace: readonly ReturnType<typeof proc>[] = []) {
  const base = findArch(archId);
  if (!base) throw new Error(`no ${archId}`);
  const names = new Set(replace.map((p) => p.name));
  const arch = {
    ...base,
    id: `${base.id}+what-if`,
    procs: [...base.procs.filter((p) => !names.has(p.name)), ...replace],
  };
  return runCell(
    { spec: bundledSpec("lazy-mmu-v6.15"), arch, scenario: flushInRegion, preemption: "none" },
    { maxStates: 10_000, timeoutMs: 60_000, now: () => performance.now() },
  );
}

describe("a TLB flush overtaking a deferred PTE update (Xen PV)", () => {
  it("the kernel's xen_flush_tlb_one_user() queues its MMUEXT behind the update: holds", () => {
    const r = verdictOn("x86-xen-pv@v6.15");
    expect(r.violations.map((v) => v.rule)).not.toContain("flush-after-updates");
  });

  it("a design that issues the MMUEXT at once while the update is queued: caught", () => {
    const immediate = proc("flush_tlb_range", [
      step(
        "flush_tlb_range",
        "HYPERVISOR_mmuext_op(MMUEXT_INVLPG_MULTI)  /* what-if: not through the multicall buffer */",
        "test/tlb.test.ts",
        (d, e) => {
          flushTlbAddr(d, addrArg(e));
        },
      ),
    ]);
    const r = verdictOn("x86-xen-pv@v6.15", [immediate]);
    expect(r.verdict).toBe("fail");
    expect(r.violations.map((v) => v.rule)).toContain("flush-after-updates");
  });
});
