// Rebuilds a trace by re-executing its choices from the initial state: each choice is the
// index of a transition among the successors of the state before it. A trace that cannot
// be rebuilt this way is not a path of the model.

import type { Kernel } from "../../model/kernel/state";
import { initialState, type Machine } from "../../model/machine/machine";
import type { Observation } from "../../model/machine/observe";
import { type Action, successors } from "../../model/machine/transitions";

export interface TraceStep {
  /** The action that led here; absent for the initial state. */
  readonly action?: Action;
  readonly events: readonly Observation[];
  readonly state: Kernel;
}

export type Rebuilt =
  | { readonly ok: true; readonly steps: readonly TraceStep[] }
  | { readonly ok: false; readonly step: number; readonly reason: string };

export function rebuild(m: Machine, choices: readonly number[]): Rebuilt {
  let s = initialState(m);
  const steps: TraceStep[] = [{ events: [], state: s }];
  for (const [i, k] of choices.entries()) {
    const succ = successors(m, s);
    const t = succ[k];
    if (!t) {
      return {
        ok: false,
        step: i + 1,
        reason: `choice ${k} but only ${succ.length} transition(s) are enabled`,
      };
    }
    steps.push({ action: t.action, events: t.events, state: t.next });
    s = t.next;
  }
  return { ok: true, steps };
}
