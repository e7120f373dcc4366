// The events the checker observes, declared once, kind by kind: each kind's fields with
// their types (what rules read: the rule vocabulary, model/machine/vocabulary.ts, and the
// spec schema's list of triggers come from here), which of them a trace records (the trace
// codec, checker/trace/document.ts and read.ts, is derived from that), whether model steps
// emit it (`env.emit()`: program.ts KernelEvent), and how it reads in words (the text
// trace, `show` and `html`). Adding an event kind is adding an entry here; the code that
// emits it is a model step.

import type { FieldsOf, FieldType } from "./field-type";

/** How an event reads: `says` as a sentence, `own` in the lane of the context that did it. */
interface Words<E> {
  /** `who` is the id of the context it concerns. */
  readonly says: (e: E, who: string) => string;
  /** In the lane of the context that acted (its own doings lose its name); default `says`. */
  readonly own?: (e: E) => string;
}

interface EventDecl<
  F extends Readonly<Record<string, FieldType>>,
  T extends keyof F,
  S extends true | undefined = true | undefined,
> {
  readonly fields: F;
  /** The fields a trace records (all of them when absent), in this order. */
  readonly traced?: readonly T[];
  /** Emitted by model steps through `env.emit()` (the others the machine observes itself). */
  readonly fromSteps?: S;
  readonly words: Words<FieldsOf<Pick<F, T>>>;
}

/** One event kind; `traced` narrows what its words may read to what traces keep. */
const event = <
  const F extends Readonly<Record<string, FieldType>>,
  const T extends keyof F = keyof F,
  S extends true | undefined = undefined,
>(
  d: EventDecl<F, T, S>,
): EventDecl<F, T, S> => d;

const callText = (e: { readonly fn: string; readonly args: Readonly<Record<string, unknown>> }) =>
  `${e.fn}(${Object.entries(e.args)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ")})`;

export const EVENTS = {
  /** A procedure is entered (rules see the ghost before the call updates it). */
  call: event({
    fields: { fn: "string", args: { map: "value" } },
    words: { says: (e, who) => `${who} calls ${callText(e)}`, own: (e) => `call ${callText(e)}` },
  }),
  /** A procedure returns (rules see the region it closes). */
  return: event({
    fields: { fn: "string", args: { map: "value" } },
    words: { says: (e, who) => `${e.fn}() returns to ${who}`, own: (e) => `ret ${e.fn}()` },
  }),
  /** A PTE read by the CPU's walker or by code. */
  read: event({
    fields: { addr: "string", value: "number" },
    fromSteps: true,
    words: {
      says: (e, who) => `${who} reads pte[${e.addr}] = ${e.value}`,
      own: (e) => `read pte[${e.addr}] = ${e.value}`,
    },
  }),
  /** A kernel debug check fired (BUG_ON, WARN_ON, ...). */
  bug: event({
    fields: {
      check: "string",
      message: "string",
      fatal: "boolean",
      /** The kernel function and file whose code fired it (the step's, or the hook's). */
      fn: "string",
      file: "string",
      /** Whose code it is: `caller` (mm/ or fs/ debug checks) or `implementation`. */
      code: "string",
    },
    traced: ["check", "message", "fatal"],
    words: { says: (e) => e.message },
  }),
  /** A context finished its program. */
  finish: event({
    fields: {},
    words: { says: (_e, who) => `${who} finishes`, own: () => "finishes" },
  }),
  /** A step at which the context may sleep (might_sleep()), seen before it runs. */
  "might-sleep": event({
    fields: { fn: "string", label: "string" },
    words: { says: (e, who) => `${who} may sleep in ${e.fn}: ${e.label}` },
  }),
};

export type EventKind = keyof typeof EVENTS;

/** Each event kind's own fields (besides `kind` and the context), with their types. */
export type EventFields = { readonly [K in EventKind]: (typeof EVENTS)[K]["fields"] };

/** The fields of kind K a trace records. */
export type TracedOf<K extends EventKind> =
  (typeof EVENTS)[K] extends EventDecl<infer F, infer T, infer _S> ? FieldsOf<Pick<F, T>> : never;

/** The kinds model steps emit, and what a step gives of each (program.ts KernelEvent). */
export type StepEventKind = {
  [K in EventKind]: (typeof EVENTS)[K] extends EventDecl<infer _F, infer _T, infer S>
    ? [S] extends [undefined]
      ? never
      : K
    : never;
}[EventKind];

export const EVENT_KINDS = Object.keys(EVENTS) as EventKind[];

/** The fields of each kind a trace records, in order. */
export const TRACED: { readonly [K in EventKind]: readonly string[] } = Object.fromEntries(
  EVENT_KINDS.map((k) => {
    const d: EventDecl<Readonly<Record<string, FieldType>>, string> = EVENTS[k];
    return [k, d.traced ?? Object.keys(d.fields)];
  }),
) as { readonly [K in EventKind]: readonly string[] };
