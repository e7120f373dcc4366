// The transition memo explores exactly what running every step explores: on a sample of
// the default matrix's cells (a few per architecture, each era's first and last), the two
// runs give the same verdict, the same counterexample choices and the same numbers of
// states, transitions and levels. scripts/memo-agreement.ts compares every cell.

import { describe, expect, it } from "vitest";
import { runCell } from "../checker/run";
import { architectures } from "../model/arch/index";
import { cellsOf, specOf } from "../scripts/agreement";
import { fingerprint } from "../scripts/memo-agreement";
import { cliRun, tempDir } from "./cli";

const spec = specOf("lazy-mmu-v6.15");
const limits = { maxStates: 20_000, timeoutMs: 60_000, now: () => performance.now() };

// Cells where a reduced run finds violations while it explores (rebuilding their paths
// re-runs successors: the explorer must not be reading the successors it reuses then).
const FAILING_REDUCED: readonly [string, string][] = [
  ["sparc64@v6.15", "vmap-pages-error-return"],
  ["x86-xen-pv@49147beb0ccb", "apply-to-pte-range-init-mm"],
];

const sample = architectures.flatMap((arch) => {
  const cells = cellsOf(arch);
  const picks = [cells[0], cells[Math.floor(cells.length / 2)], cells[cells.length - 1]];
  for (const [a, s] of FAILING_REDUCED)
    if (a === arch.id) picks.push(...cells.filter(([sc]) => sc.id === s));
  return [...new Set(picks)].flatMap((c) => (c === undefined ? [] : [{ arch, cell: c }]));
});

describe("the transition memo", () => {
  it("has a sample to compare", () => {
    expect(sample.length).toBeGreaterThan(20);
  });

  for (const { arch, cell } of sample) {
    const [scenario, preemption] = cell;
    it(`explores ${arch.id} ${scenario.id} (${preemption}) as running every step does`, () => {
      const c = { spec, arch, scenario, preemption };
      for (const symmetry of [false, true]) {
        const memo = fingerprint(runCell(c, limits, { memo: true, symmetry }));
        const none = fingerprint(runCell(c, limits, { memo: false, symmetry }));
        expect(memo).toBe(none);
      }
    });
  }
});

describe("--no-memo", () => {
  it("gives the same results as the memo, in the JSON a user compares", async () => {
    const out = tempDir("lazymmu-memo-");
    const sel = ["--arch", "x86-xen-pv@49147beb0ccb", "--scenario", "apply-to-pte-range-init-mm"];
    const json = async (...flags: string[]) => {
      const r = await cliRun([
        "verify",
        ...sel,
        "--format",
        "json",
        "--quiet",
        "--out",
        out,
        ...flags,
      ]);
      expect(r.code).toBe(1);
      const results = JSON.parse(r.stdout).results as {
        verdict: string;
        stats: { states: number; transitions: number; depth: number };
        violations: unknown[];
      }[];
      return results.map((x) => ({
        verdict: x.verdict,
        violations: x.violations,
        ...x.stats,
        seconds: 0,
      }));
    };
    const memo = await json();
    const none = await json("--no-memo");
    expect(memo.length).toBe(3);
    expect(none).toEqual(memo);
  });
});
