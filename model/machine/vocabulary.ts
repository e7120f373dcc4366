// The rules' vocabulary: the fields of the context view, and those of each event kind
// (declared in model/kernel/events.ts) and of the state view (declared with each state
// field, model/kernel/state.ts) gathered here. The TypeScript types of observe.ts, the spec
// schema's list of triggers (scripts/spec-schema.ts writes it, a test checks it) and the
// rule language's vocabulary (every `{"var": ...}` path is checked against it when a spec
// is loaded) all come from here. Nothing here depends on an architecture.

import { EVENT_KINDS, EVENTS, type EventFields, type EventKind } from "../kernel/events";
import type { FieldType } from "../kernel/field-type";
import { STATE_VIEW_FIELDS } from "./observed-state";

export type { FieldsOf, TypeOf } from "../kernel/field-type";
export type { FieldType };

/** A context as rules see it at the moment of an event. */
export const CONTEXT_FIELDS = {
  id: "string",
  /** `task` or `irq`. */
  kind: "string",
  cpu: "number",
  inInterrupt: "boolean",
  preemptCount: "number",
  lazyDepth: "number",
  /** Addresses written in the innermost open region (the one a leave closes). */
  regionWrites: { list: "string" },
  /** Addresses written since the outermost enter. */
  outerRegionWrites: { list: "string" },
  /** The value this context last wrote to each address inside a region. */
  wrote: { map: "number" },
  /** Locks this context holds (a task's; an interrupt handler holds none here). */
  locksHeld: { list: "string" },
  /** The mms (`user`, `kernel`) whose page-table lock (`ptl:<mm>...`) this context holds. */
  ptlHeld: { list: "string" },
  /** The mms of the addresses written in the innermost open region. */
  regionMms: { list: "string" },
  /** `current->lazy_mmu_state.enable_count` (v7.0; 0 before): the task this context runs as. */
  enableCount: "number",
  /** `current->lazy_mmu_state.pause_count` (v7.0; 0 before). */
  pauseCount: "number",
  /** What `is_lazy_mmu_mode_active()` returns here: not in interrupt, enabled, not paused. */
  lazyActive: "boolean",
} as const satisfies Record<string, FieldType>;

/** Each event kind's own fields (besides `kind` and the context `ctx`): model/kernel/events.ts. */
export const EVENT_FIELDS = Object.fromEntries(
  EVENT_KINDS.map((k) => [k, EVENTS[k].fields]),
) as EventFields;

export type { EventKind };

/**
 * What rules may read of the whole state, after the event (or of any state, for `state`):
 * declared with each state field (model/kernel/state.ts), gathered in observed-state.ts.
 */
export { STATE_VIEW_FIELDS };

/** What a check may be triggered by: an event kind, or every reachable state. */
export const TRIGGERS = [...EVENT_KINDS, "state"] as const;
export type Trigger = EventKind | "state";

/**
 * The event kinds a check may filter with `fn`: those that name the function entered, left
 * or about to sleep. A `bug` event's `fn` (the function whose code fired the check) is read
 * in expressions (`event.fn`), not filtered on.
 */
export const KINDS_WITH_FN: ReadonlySet<Trigger> = new Set(
  EVENT_KINDS.filter((k) => "fn" in EVENT_FIELDS[k] && k !== "bug"),
);

/** The names a check's expressions may start a path with, and what each holds. */
export function scopeOf(trigger: Trigger): Readonly<Record<string, FieldType>> {
  const state: FieldType = { fields: STATE_VIEW_FIELDS };
  if (trigger === "state") return { state };
  return {
    event: { fields: { kind: "string", ...EVENT_FIELDS[trigger] } },
    ctx: { fields: CONTEXT_FIELDS },
    state,
  };
}
