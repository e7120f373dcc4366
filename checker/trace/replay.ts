// Replays a trace against the model from scratch: from the initial state of the machine the
// trace names, takes each recorded choice (the index of a transition among the enabled
// ones), and checks that the model's action, events and state match what the trace
// recorded at every step (for a lazymmu-trace/1 trace, which has no events as data, its
// action fields and state); then checks that the last step violates the rule the trace says (the spec's
// monitor on the last transition's events and state, or the deadlock condition). Pure:
// the caller resolves the spec and the machine.

import { initialState, type Machine } from "../../model/machine/machine";
import { allDone, successors } from "../../model/machine/transitions";
import { monitor, type Violation } from "../rules/monitor";
import type { Spec } from "../spec/types";
import { type ActionMeta, describeAction, type EventMeta, eventMeta } from "./document";
import type { LegacyStepMeta } from "./legacy";
import type { AnyTrace } from "./read";
import { type Difference, sameState, stableJson, stateDifferences } from "./state-diff";

export type ReplayOutcome =
  | { readonly kind: "reproduced"; readonly steps: number; readonly rule: string }
  | {
      readonly kind: "diverged";
      /** The first step whose recorded action or state the model does not reproduce. */
      readonly step: number;
      readonly reason: string;
      readonly differences: readonly Difference[];
    }
  | {
      readonly kind: "not-violated";
      readonly step: number;
      readonly reason: string;
    };

const ACTION_FIELDS = ["action", "cpu", "context", "fn", "label", "at", "choice", "hooks"] as const;

/** A step's recorded fields as JSON text, field by field, for comparison with the model's. */
type Comparable = Readonly<Record<string, string | undefined>>;

const json = (x: unknown): string | undefined => (x === undefined ? undefined : stableJson(x));

function comparable(a: ActionMeta, events: readonly EventMeta[]): Comparable {
  const out: Record<string, string | undefined> = {};
  for (const f of ACTION_FIELDS) out[f] = json(a[f]);
  out.events = json(events);
  return out;
}

/** A lazymmu-trace/1 step recorded the context by its id, no hooks and no events as data. */
function legacyComparable(a: LegacyStepMeta): Comparable {
  return {
    action: json(a.action),
    cpu: json(a.cpu),
    context: json(a.context),
    fn: json(a.fn),
    label: json(a.label),
    at: json(a.at),
  };
}

function modelComparable(version: 1 | 2, a: ActionMeta, events: readonly EventMeta[]): Comparable {
  if (version === 2) return comparable(a, events);
  const { context, hooks: _hooks, ...rest } = a;
  return legacyComparable({ index: 0, ...rest, ...(context ? { context: context.id } : {}) });
}

/** Recorded and modelled step fields that differ, e.g. `label: "x" vs "y"`. */
function stepDifferences(recorded: Comparable, model: Comparable): Difference[] {
  const out: Difference[] = [];
  for (const f of Object.keys(model)) {
    const r = recorded[f];
    const m = model[f];
    if (r !== m) {
      out.push({ what: `#meta.${f}`, recorded: r ?? "(absent)", model: m ?? "(absent)" });
    }
  }
  return out;
}

export function replay(trace: AnyTrace, machine: Machine, spec: Spec): ReplayOutcome {
  const mon = monitor(spec);
  const [first, ...rest] = trace.steps;
  if (!first) throw new Error("checker error: a loaded trace without states");
  let s = initialState(machine);
  if (!sameState(first.state, s)) {
    return {
      kind: "diverged",
      step: 0,
      reason: "the recorded initial state is not the model's initial state",
      differences: stateDifferences(first.state, s),
    };
  }
  let found: Violation[] = mon.state(s);
  const recordedSteps: readonly Comparable[] =
    trace.version === 2
      ? trace.steps.map((x) => comparable(x.meta, x.meta.events))
      : trace.steps.map((x) => legacyComparable(x.meta));
  for (const [i, recorded] of rest.entries()) {
    const step = i + 1;
    const k = trace.meta.choices[i] ?? -1;
    const enabled = successors(machine, s);
    const t = enabled[k];
    if (!t) {
      return {
        kind: "diverged",
        step,
        reason: `choice ${k}, but the model enables only ${enabled.length} transition(s) here`,
        differences: [],
      };
    }
    const modelled = describeAction(t.action, t.next);
    const actionDiff = stepDifferences(
      recordedSteps[step] ?? {},
      modelComparable(trace.version, modelled, t.events.map(eventMeta)),
    );
    if (actionDiff.length > 0) {
      return {
        kind: "diverged",
        step,
        reason: `the trace records a different action than the model's transition ${k}`,
        differences: actionDiff,
      };
    }
    if (!sameState(recorded.state, t.next)) {
      return {
        kind: "diverged",
        step,
        reason: `the model's step (${modelled.label}) reaches another state than the one recorded`,
        differences: stateDifferences(recorded.state, t.next),
      };
    }
    found = [...mon.transition(t.events, t.next), ...mon.state(t.next)];
    s = t.next;
  }
  const last = trace.steps.length - 1;
  const { rule, violation } = trace.meta;
  if (rule !== "deadlock" && !spec.rules.some((r) => r.id === rule)) {
    return { kind: "not-violated", step: last, reason: `spec ${spec.id} has no rule ${rule}` };
  }
  if (rule === "deadlock") {
    const stuck = s.halted === null && !allDone(s) && successors(machine, s).length === 0;
    return stuck
      ? { kind: "reproduced", steps: last, rule }
      : {
          kind: "not-violated",
          step: last,
          reason:
            "the last state is not a deadlock: a transition is enabled, or every task finished, or the machine halted",
        };
  }
  const v = found.find((x) => x.rule.id === rule);
  if (v === undefined) {
    const others = found.map((x) => x.rule.id);
    return {
      kind: "not-violated",
      step: last,
      reason: `the last step does not violate ${rule}${others.length > 0 ? ` (it violates ${others.join(", ")})` : ""}`,
    };
  }
  if (v.message !== violation) {
    return {
      kind: "not-violated",
      step: last,
      reason: `${rule} is violated, but not as recorded: the model says "${v.message}", the trace "${violation}"`,
    };
  }
  return { kind: "reproduced", steps: last, rule };
}
