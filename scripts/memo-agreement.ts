// The transition memo (checker/explore/memo.ts) against running every step: every cell of
// the default matrix (every built-in era, scenario and preemption model a kernel had, on
// the default contract) is explored both ways, and the two runs must agree exactly: the
// verdict, each counterexample's rule and choices, and the distinct states, transitions
// and depth. Any difference fails the run (exit 1) and is printed.
//
//   node -r ts-node/register/transpile-only scripts/memo-agreement.ts [--no-symmetry] [--extra] [--max-states N]
//
// Symmetry reduction is on, as in the default matrix; --no-symmetry compares unreduced runs.
// --extra compares the scenarios outside the default matrix instead (bench, three-CPU,
// same-program, ...); a run the limit stops must stop at the same state both ways.
//
// test/explore-memo.test.ts runs a sample of the same comparison.

import { type CellResult, runCell } from "../checker/run";
import { architectures } from "../model/arch/index";
import { extraScenarios } from "../model/scenarios/index";
import { cellsOf, specOf } from "./agreement";

const DEFAULT_SPEC = "lazy-mmu-v6.15";

/** What two runs of a cell must share. */
export function fingerprint(r: CellResult): string {
  const { states, transitions, depth } = r.stats;
  const traces = r.violations.map((v) => `${v.rule}:${v.choices.join(",")}`);
  return `${r.verdict} states=${states} transitions=${transitions} depth=${depth} ${traces.join(" ")}`;
}

function main(): number {
  const symmetry = !process.argv.includes("--no-symmetry");
  const i = process.argv.indexOf("--max-states");
  const maxStates = i >= 0 ? Number(process.argv[i + 1]) : 1_000_000;
  const spec = specOf(DEFAULT_SPEC);
  const extra = process.argv.includes("--extra");
  const limits = { maxStates, timeoutMs: 3_600_000, now: () => performance.now() };
  let cells = 0;
  let differ = 0;
  let withMemo = 0;
  let without = 0;
  for (const arch of architectures) {
    for (const [scenario, preemption] of extra ? cellsOf(arch, extraScenarios) : cellsOf(arch)) {
      const cell = { spec, arch, scenario, preemption };
      const t0 = process.cpuUsage();
      const a = fingerprint(runCell(cell, limits, { symmetry, memo: true }));
      const t1 = process.cpuUsage();
      const b = fingerprint(runCell(cell, limits, { symmetry, memo: false }));
      const t2 = process.cpuUsage();
      withMemo += t1.user + t1.system - t0.user - t0.system;
      without += t2.user + t2.system - t1.user - t1.system;
      cells++;
      if (a !== b) {
        differ++;
        process.stdout.write(
          `DIFFER ${arch.id} ${scenario.id} ${preemption}\n  memo: ${a}\n  none: ${b}\n`,
        );
      }
    }
  }
  process.stdout.write(
    `${cells} ${extra ? "extra " : ""}cells on ${DEFAULT_SPEC}${symmetry ? " with symmetry reduction" : " unreduced"}: ${differ} differ; CPU ${(withMemo / 1e6).toFixed(1)} s with the memo, ${(without / 1e6).toFixed(1)} s without\n`,
  );
  return differ === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main();
