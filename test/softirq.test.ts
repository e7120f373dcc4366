// Softirqs and bottom halves in the transition relation: in_interrupt() under
// local_bh_disable(), where a softirq may land (never where bottom halves are off, never on
// PREEMPT_RT), and a hardirq nesting over a softirq. Sources: include/linux/preempt.h,
// kernel/softirq.c (see model/kernel/bottom-half.ts).

import { describe, expect, it } from "vitest";
import { canonical } from "../checker/explore/encode";
import { softirqCount } from "../model/kernel/context";
import type { Kernel } from "../model/kernel/state";
import { machine, reach } from "./explore-helpers";

function softirqOn(s: Kernel, cpu: number): boolean {
  return (
    s.cpus[cpu]?.irq?.source === "net_rx" || s.cpus[cpu]?.irq?.interrupted?.source === "net_rx"
  );
}

describe("softirqs and bottom halves", () => {
  it("a softirq never lands on a task with bottom halves disabled", () => {
    const { transitions } = reach(machine("arm64@v7.0", "v7-bh-region", "full"));
    const fired = transitions.filter((t) => t.action.kind === "irq" && softirqOn(t.next, 0));
    expect(fired.length).toBeGreaterThan(0);
    for (const t of fired) {
      const a = t.next.tasks.find((x) => x.id === "A");
      if (a && t.next.cpus[0]?.current === "A") expect(softirqCount(a)).toBe(0);
    }
  });

  it("a softirq is not an interrupt under PREEMPT_RT (ksoftirqd serves it)", () => {
    const { transitions } = reach(machine("arm64@v7.0", "v7-softirq-in-region", "rt"));
    expect(transitions.some((t) => t.action.kind === "irq" && softirqOn(t.next, 0))).toBe(false);
    // ksoftirqd/0 runs its handler with the softirq count up, and preemptible.
    expect(
      transitions.some((t) => {
        const k = t.next.tasks.find((x) => x.id === "ksoftirqd/0");
        return k !== undefined && softirqCount(k) === 1 && t.action.kind === "switch-out";
      }),
    ).toBe(true);
  });

  it("a hardirq nests over a softirq and the softirq resumes when it returns", () => {
    const { states, transitions } = reach(machine("arm64@v7.0", "v7-softirq-in-region", "full"));
    const nested = states.filter((s) => s.cpus[0]?.irq?.interrupted?.source === "net_rx");
    expect(nested.length).toBeGreaterThan(0);
    const resumed = transitions.filter(
      (t) =>
        t.action.kind === "step" &&
        t.action.ctx === "kfence@cpu0" &&
        t.next.cpus[0]?.irq?.source === "net_rx",
    );
    expect(resumed.length).toBeGreaterThan(0);
    for (const t of resumed) expect(t.next.cpus[0]?.irqsEnabled).toBe(true);
    // The nesting is part of the state key.
    const keys = new Set(nested.map(canonical));
    expect(keys.size).toBe(nested.length);
  });

  it("no hardirq nests over a hardirq, and no softirq over anything", () => {
    const { states } = reach(machine("arm64@v7.0", "v7-softirq-in-region", "full"));
    for (const s of states) {
      const below = s.cpus[0]?.irq?.interrupted;
      if (below) {
        expect(below.source).toBe("net_rx");
        // It interrupted nothing: one level only (IrqContext.interrupted is an IrqFrame).
        expect((below as { interrupted?: unknown }).interrupted ?? null).toBeNull();
        expect(s.cpus[0]?.irq?.source).toBe("kfence");
      }
    }
  });
});
