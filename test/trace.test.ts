// Every counterexample is a real path of the model that ends in its violation: re-executed
// from the initial state by its choices it reaches the same states, and the monitor sees
// the same rule broken by its last step. Its ITF form decodes to those same states.

import { describe, expect, it } from "vitest";
import { canonical } from "../checker/explore/encode";
import { rebuild } from "../checker/explore/rebuild";
import { monitor } from "../checker/rules/monitor";
import { traceDocument } from "../checker/trace/document";
import { stateFromItf } from "../checker/trace/itf";
import { allDone, successors } from "../model/machine/transitions";
import { run } from "./helpers";

const FAILING: [string, string, "none" | "full" | "rt"][] = [
  ["sparc64@v6.14", "apply-to-pte-range-init-mm", "full"],
  ["sparc64@v6.14", "zap-pte-range", "rt"],
  ["sparc64@v6.14", "remap-pte-range-set-ptes", "none"],
];

describe.each(FAILING)("counterexamples of %s on %s (%s)", (arch, scenario, p) => {
  const r = run(arch, scenario, p);

  it("fails with at least one violation", () => {
    expect(r.verdict).toBe("fail");
    expect(r.violations.length).toBeGreaterThan(0);
  });

  it("each trace replays to the same states and ends in its violation", () => {
    const mon = monitor(r.spec);
    for (const cx of r.violations) {
      const again = rebuild(r.machine, cx.choices);
      expect(again.ok).toBe(true);
      if (!again.ok) continue;
      expect(again.steps.map((s) => canonical(s.state))).toEqual(
        cx.steps.map((s) => canonical(s.state)),
      );
      const last = again.steps[again.steps.length - 1];
      expect(last).toBeDefined();
      if (!last) continue;
      if (cx.rule === "deadlock") {
        expect(successors(r.machine, last.state)).toEqual([]);
        expect(allDone(last.state)).toBe(false);
        continue;
      }
      const broken =
        last.action === undefined ? mon.state(last.state) : mon.transition(last.events, last.state);
      expect(broken.map((v) => v.rule.id)).toContain(cx.rule);
      // ...and not before its last step: the trace stops where the rule first breaks.
      for (const s of again.steps.slice(1, -1)) {
        expect(mon.transition(s.events, s.state).map((v) => v.rule.id)).not.toContain(cx.rule);
      }
    }
  });

  it("its ITF document decodes to the same states", () => {
    for (const cx of r.violations) {
      const doc = JSON.parse(JSON.stringify(traceDocument(r, cx))) as { states: unknown[] };
      expect(doc.states).toHaveLength(cx.steps.length);
      doc.states.forEach((s, i) => {
        expect(canonical(stateFromItf(s, `/states/${i}`))).toBe(
          canonical(cx.steps[i]?.state ?? ({} as never)),
        );
      });
    }
  });
});
