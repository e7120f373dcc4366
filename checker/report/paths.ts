// Where a counterexample is written: counterexamples/<spec>/<arch>/<scenario>/<preemption>-<rule>.

import type { CellResult, Counterexample } from "../run";

export function tracePath(cell: CellResult, cx: Counterexample): string {
  return [cell.spec.id, cell.arch.id, cell.scenario.id, `${cell.preemption}-${cx.rule}`].join("/");
}
