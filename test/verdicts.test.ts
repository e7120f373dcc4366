// The known verdicts: every expectation in test/verdicts/*.json, each with the sentence of
// the seed or the kernel commit it comes from, must be what the checker reaches. Nothing
// here computes a verdict: the checker does, from the models.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PreemptionModel } from "../model/kernel/state";
import { ROOT, run } from "./helpers";

interface Expectation {
  readonly spec?: string;
  readonly arch: string;
  readonly scenario: string;
  readonly preemption: PreemptionModel;
  readonly verdict: "pass" | "fail";
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
        const r = run(e.arch, e.scenario, e.preemption, e.spec ?? "lazy-mmu-v6.15");
        const violated = r.violations.map((v) => v.rule);
        expect(r.verdict, `violated: ${violated.join(", ") || "none"}`).toBe(e.verdict);
        for (const rule of e.violates ?? []) expect(violated).toContain(rule);
        for (const rule of e.holds ?? []) expect(violated).not.toContain(rule);
      });
    }
  });
}
