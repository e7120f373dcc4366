// One verification run: a spec, an architecture model, a scenario and a preemption model.
// Returns a verdict with its counterexamples as data; reporters and the CLI do the rest.

import type { ArchModel } from "../model/arch/types";
import type { PreemptionModel } from "../model/kernel/state";
import { buildMachine, type Machine } from "../model/machine/machine";
import type { Scenario } from "../model/scenarios/types";
import { explore, type Limits, type Stats } from "./explore/bfs";
import { monitor } from "./rules/monitor";
import type { Spec } from "./spec/types";
import { rebuild, type TraceStep } from "./trace/build";

export type Verdict = "pass" | "fail" | "incomplete";

export interface Counterexample {
  readonly rule: string;
  readonly obligation: "caller" | "implementation" | "model";
  readonly text: string;
  readonly message: string;
  readonly notes: readonly string[];
  /** Successor indices from the initial state: what `replay` re-executes. */
  readonly choices: readonly number[];
  readonly steps: readonly TraceStep[];
}

export interface CellResult {
  readonly spec: Spec;
  readonly machine: Machine;
  readonly arch: ArchModel;
  readonly scenario: Scenario;
  readonly preemption: PreemptionModel;
  /** Set when --any-era ran a combination no kernel had: why no kernel had it. */
  readonly whatIf?: string;
  readonly verdict: Verdict;
  readonly violations: readonly Counterexample[];
  readonly stats: Stats;
  readonly stoppedBy: "max-states" | "timeout" | null;
}

export interface Cell {
  readonly spec: Spec;
  readonly arch: ArchModel;
  readonly scenario: Scenario;
  readonly preemption: PreemptionModel;
  /** Set when no kernel had this combination and --any-era ran it anyway: why not. */
  readonly whatIf?: string;
}

/** A combination no kernel had (model/arch/existed.ts): reported, not run. */
export interface NotBuilt {
  readonly spec: Spec;
  readonly arch: ArchModel;
  readonly scenario: Scenario;
  readonly preemption: PreemptionModel;
  readonly why: string;
}

const DEADLOCK_TEXT =
  "No context can move but not every task has finished (a deadlock of the model: a lock never released, a task never woken).";

export function runCell(cell: Cell, limits: Limits): CellResult {
  const machine = buildMachine(cell.arch, cell.scenario, cell.preemption);
  const result = explore(machine, monitor(cell.spec), limits);
  const violations = result.findings.map((f): Counterexample => {
    const rebuilt = rebuild(machine, f.path);
    if (!rebuilt.ok)
      throw new Error(`checker error: a counterexample does not replay (${rebuilt.reason})`);
    if (f.kind === "deadlock" || f.violation === undefined) {
      return {
        rule: "deadlock",
        obligation: "model",
        text: DEADLOCK_TEXT,
        message: "no transition is enabled and some task has not finished",
        notes: [],
        choices: f.path,
        steps: rebuilt.steps,
      };
    }
    const v = f.violation;
    return {
      rule: v.rule.id,
      obligation: v.rule.obligation,
      text: v.rule.text,
      message: v.message,
      notes: v.notes,
      choices: f.path,
      steps: rebuilt.steps,
    };
  });
  violations.sort((a, b) => a.rule.localeCompare(b.rule));
  const verdict: Verdict =
    violations.length > 0 ? "fail" : result.stoppedBy !== null ? "incomplete" : "pass";
  return {
    ...cell,
    machine,
    verdict,
    violations,
    stats: result.stats,
    stoppedBy: result.stoppedBy,
  };
}
