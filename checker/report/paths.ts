// Where a counterexample is written: counterexamples/<spec>/<arch>/<scenario>/<preemption>-<rule>,
// with -2, -3... for a rule's further traces (--traces-per-rule).

import type { CellResult, Counterexample } from "../run";

export function tracePath(cell: CellResult, cx: Counterexample): string {
  const nth = cell.violations.filter((v) => v.rule === cx.rule).indexOf(cx);
  const suffix = nth > 0 ? `-${nth + 1}` : "";
  return [
    cell.spec.id,
    cell.arch.id,
    cell.scenario.id,
    `${cell.preemption}-${cx.rule}${suffix}`,
  ].join("/");
}
