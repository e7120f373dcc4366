// The explorer's lazily copied drafts (checker/explore/lazy-draft.ts) give the successors
// immer gives: the same actions, equal states and the same events, and the state they
// came from unchanged; and a context view built for the fields a spec reads holds those
// fields as the whole view does. On a few reachable states of a cell per architecture
// family, the v7.0 generic layer, interrupts and context-switch hooks among them.

import { describe, expect, it } from "vitest";
import { canonical } from "../checker/explore/encode";
import { lazyProduce } from "../checker/explore/lazy-draft";
import { monitor } from "../checker/rules/monitor";
import type { Observation } from "../model/machine/observe";
import { successors } from "../model/machine/transitions";
import { machine, reachable } from "./explore-helpers";
import { bundledSpec } from "./helpers";

const cells: [string, string, "full" | "rt" | "none"][] = [
  ["sparc64@v6.15", "bench-reference", "full"],
  ["x86-xen-pv@v6.15", "apply-to-pte-range-init-mm", "full"],
  ["x86-xen-pv@v7.0", "v7-irq-api", "rt"],
  ["arm64@b81c688426a9", "debug-pagealloc-nested", "full"],
  ["powerpc-hash@v6.0", "apply-to-pte-range-init-mm", "none"],
];

const withoutCtx = (e: Observation) => {
  const { ctx: _ctx, ...rest } = e;
  return rest;
};

describe("lazily copied drafts", () => {
  for (const [arch, scenario, preemption] of cells) {
    it(`${arch} ${scenario} ${preemption}: the successors immer gives`, () => {
      const m = machine(arch, scenario, preemption);
      for (const { state, out } of reachable(m, 400)) {
        const before = canonical(state);
        const lazy = successors(m, state, undefined, lazyProduce);
        expect(canonical(state)).toBe(before);
        expect(lazy.map((t) => t.action)).toEqual(out.map((t) => t.action));
        expect(lazy.map((t) => canonical(t.next))).toEqual(out.map((t) => canonical(t.next)));
        expect(lazy.map((t) => t.events)).toEqual(out.map((t) => t.events));
      }
    });
  }

  it("views built for the fields a spec reads hold them as the whole view does", () => {
    for (const spec of ["lazy-mmu-v6.15", "lazy-mmu-v7.0", "lazy-mmu-original"]) {
      const mon = monitor(bundledSpec(spec));
      const m = machine("x86-xen-pv@v7.0", "v7-irq-api", "rt");
      let compared = 0;
      for (const { state, out } of reachable(m, 300)) {
        const part = successors(m, state, mon.listens, lazyProduce);
        part.forEach((t, i) => {
          const all = (out[i]?.events ?? []).filter((e) => {
            const fn = "fn" in e && e.kind !== "bug" ? e.fn : undefined;
            return mon.listens(e.kind, fn) !== false;
          });
          expect(t.events.map(withoutCtx)).toEqual(all.map(withoutCtx));
          t.events.forEach((e, j) => {
            const whole = all[j]?.ctx as unknown as Record<string, unknown>;
            for (const [k, v] of Object.entries(e.ctx)) expect(v).toEqual(whole[k]);
            compared++;
          });
          expect(mon.transition(t.events, t.next)).toEqual(
            mon.transition(out[i]?.events ?? [], out[i]?.next ?? state),
          );
        });
      }
      expect(compared).toBeGreaterThan(0);
    }
  });
});
