// The observable world, declared once: the fields of the context view and of each event
// kind that rules read, with their types (the state view's are declared beside the state's
// facts, observed-state.ts, and listed here). The TypeScript types of
// observe.ts, the spec schema's list of triggers (checked against this at load) and the
// rule language's vocabulary (every `{"var": ...}` path is checked against it when a spec
// is loaded) all come from here. Nothing here depends on an architecture.

import type { FieldType } from "./field-type";
import { STATE_VIEW_FIELDS } from "./observed-state";

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

/** Each event kind's own fields (besides `kind` and the context `ctx`). */
export const EVENT_FIELDS = {
  /** A procedure is entered (rules see the ghost before the call updates it). */
  call: { fn: "string", args: { map: "value" } },
  /** A procedure returns (rules see the region it closes). */
  return: { fn: "string", args: { map: "value" } },
  /** A PTE read by the CPU's walker or by code. */
  read: { addr: "string", value: "number" },
  /** A kernel debug check fired (BUG_ON, WARN_ON, ...). */
  bug: {
    check: "string",
    message: "string",
    fatal: "boolean",
    /** The kernel function and file whose code fired it (the step's, or the hook's). */
    fn: "string",
    file: "string",
    /** Whose code it is: `caller` (mm/ or fs/ debug checks) or `implementation`. */
    code: "string",
  },
  /** A context finished its program. */
  finish: {},
  /** A step at which the context may sleep (might_sleep()), seen before it runs. */
  "might-sleep": { fn: "string", label: "string" },
} as const satisfies Record<string, Record<string, FieldType>>;

export type EventKind = keyof typeof EVENT_FIELDS;

/**
 * What rules may read of the whole state, after the event (or of any state, for `state`):
 * declared field by field with the state's facts, in observed-state.ts.
 */
export { STATE_VIEW_FIELDS };

/** What a check may be triggered by: an event kind, or every reachable state. */
export const TRIGGERS = [...(Object.keys(EVENT_FIELDS) as EventKind[]), "state"] as const;
export type Trigger = EventKind | "state";

/**
 * The event kinds a check may filter with `fn`: those that name the function entered, left
 * or about to sleep. A `bug` event's `fn` (the function whose code fired the check) is read
 * in expressions (`event.fn`), not filtered on.
 */
export const KINDS_WITH_FN: ReadonlySet<Trigger> = new Set(
  (Object.keys(EVENT_FIELDS) as EventKind[]).filter((k) => "fn" in EVENT_FIELDS[k] && k !== "bug"),
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

/** The TypeScript type a declared field type stands for. */
export type TypeOf<T> = T extends "number"
  ? number
  : T extends "string"
    ? string
    : T extends "boolean"
      ? boolean
      : T extends "value"
        ? number | string | boolean
        : T extends { readonly list: infer E }
          ? readonly TypeOf<E>[]
          : T extends { readonly map: infer E }
            ? Readonly<Record<string, TypeOf<E>>>
            : T extends { readonly fields: infer F }
              ? { readonly [K in keyof F]: TypeOf<F[K]> }
              : never;

export type FieldsOf<F> = { readonly [K in keyof F]: TypeOf<F[K]> };
