// The known verdicts: every expectation in test/verdicts/*.json, each with the sentence of
// the seed or the kernel commit it comes from, must be what the checker reaches. Nothing
// here computes a verdict: the checker does, from the models. An expectation on a
// combination no kernel had is either `n/a` (model/arch/existed.ts must say so, for the
// reason given) or explicitly a what-if (`anyEra`, as `--any-era` runs it); a pass/fail
// expectation that describes no kernel, unmarked, fails.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cellExisted } from "../model/arch/existed";
import { findArch } from "../model/arch/index";
import type { PreemptionModel } from "../model/kernel/state";
import { findScenario } from "../model/scenarios/index";
import { ROOT, run } from "./helpers";

interface Expectation {
  readonly spec?: string;
  readonly arch: string;
  readonly scenario: string;
  readonly preemption: PreemptionModel;
  readonly verdict: "pass" | "fail" | "n/a";
  /** For n/a: words the reason must contain. */
  readonly why?: string;
  /** A what-if: no kernel had this combination, and it is run anyway (--any-era). */
  readonly anyEra?: boolean;
  /** The verdict before a model changed, and where that one came from. */
  readonly was?: string;
  /** Rules that must be among those violated (for fail). */
  readonly violates?: readonly string[];
  /** Rules that must not be violated (for fail verdicts that are about one rule). */
  readonly holds?: readonly string[];
  readonly source: string;
  readonly note?: string;
}

const dir = join(ROOT, "test", "verdicts");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();

for (const file of files) {
  const data = JSON.parse(readFileSync(join(dir, file), "utf8")) as { expectations: Expectation[] };
  describe(`known verdicts: ${file}`, () => {
    for (const e of data.expectations) {
      const name = `${e.arch} ${e.scenario} ${e.preemption}: ${e.verdict}${e.violates ? ` (${e.violates.join(", ")})` : ""} — ${e.source}`;
      it(name, () => {
        const arch = findArch(e.arch);
        const scenario = findScenario(e.scenario);
        if (!arch || !scenario) throw new Error(`unknown ${e.arch} or ${e.scenario}`);
        const existence = cellExisted(arch, scenario, e.preemption);
        if (e.verdict === "n/a") {
          expect(existence.existed, "a kernel had this combination").toBe(false);
          if (!existence.existed && e.why !== undefined) expect(existence.why).toContain(e.why);
          return;
        }
        if (!existence.existed && e.anyEra !== true) {
          throw new Error(
            `no kernel had this combination (${existence.why}); mark it n/a or anyEra`,
          );
        }
        const r = run(e.arch, e.scenario, e.preemption, e.spec ?? "lazy-mmu-v6.15");
        const violated = r.violations.map((v) => v.rule);
        expect(r.verdict, `violated: ${violated.join(", ") || "none"}`).toBe(e.verdict);
        for (const rule of e.violates ?? []) expect(violated).toContain(rule);
        for (const rule of e.holds ?? []) expect(violated).not.toContain(rule);
      });
    }
  });
}
