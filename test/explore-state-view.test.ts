// The monitor builds the rules' `state` only for the fields its checks read
// (checker/rules/monitor.ts, observed-state.ts stateView): a view of some fields holds them
// as the whole view does, and a check that reads a field, or `state` whole, still sees it.

import { describe, expect, it } from "vitest";
import { monitor } from "../checker/rules/monitor";
import type { Rule, Spec } from "../checker/spec/types";
import { initialState } from "../model/machine/machine";
import { STATE_VIEW_FIELDS, stateView } from "../model/machine/observed-state";
import { machine, reachable } from "./explore-helpers";
import { bundledSpec } from "./helpers";

describe("the monitor's state view", () => {
  it("a view of some fields holds them as the whole view does", () => {
    const m = machine("x86-xen-pv@v6.15", "apply-to-pte-range-init-mm", "full");
    let withTlb = 0;
    for (const { state } of reachable(m, 300)) {
      const whole = stateView(state);
      expect(Object.keys(whole).sort()).toEqual(Object.keys(STATE_VIEW_FIELDS).sort());
      expect(stateView(state, new Set(["tlb"]))).toEqual({ tlb: whole.tlb });
      expect(stateView(state, new Set(["cpus", "tlb"]))).toEqual({
        cpus: whole.cpus,
        tlb: whole.tlb,
      });
      if (state.hw.tlb.length > 0) withTlb++;
    }
    // Some of those states hold stale TLB entries: the views compared were not all empty.
    expect(withTlb).toBeGreaterThan(0);
  });

  it("checks that read one field, or `state` whole, see what they read", () => {
    const base = bundledSpec("lazy-mmu-v6.15");
    const template = base.rules[0] as Rule;
    const rule = (id: string, require: unknown): Rule =>
      ({ ...template, id, checks: [{ on: { event: "state" }, require }] }) as unknown as Rule;
    const spec: Spec = {
      ...base,
      rules: [
        rule("no-cpus", { eq: [{ count: { var: "state.cpus" } }, 0] }),
        rule("no-tasks-whole", { eq: [{ count: { get: [{ var: "state" }, "tasks"] } }, 0] }),
        rule("not-overtaken", { eq: [{ count: { var: "state.tlb.overtaken" } }, 0] }),
      ],
    };
    const m = machine("sparc64@v6.15", "bench-reference", "full");
    const found = monitor(spec).state(initialState(m));
    // Two CPUs and three tasks: the first two break; nothing was overtaken.
    expect(found.map((v) => v.rule.id)).toEqual(["no-cpus", "no-tasks-whole"]);
  });
});
