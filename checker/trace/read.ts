// Reads a lazymmu counterexample back from its ITF text: the top #meta (what replay needs),
// each state's #meta (the step, its action and events as data) and the states themselves,
// decoded into kernel states. Any departure from the shape `traceDocument` writes is a
// `bad-trace` error naming the file, the JSON pointer where it broke and what was expected
// there. A trace of the earlier format lazymmu-trace/1 is read by legacy.ts, for `replay`.
// `loadedTrace` gives the same value straight from a run, for the `.txt` trace.

import { EVENT_KINDS, TRACED } from "../../model/kernel/events";
import type { FieldType } from "../../model/kernel/field-type";
import type { Kernel, Val } from "../../model/kernel/state";
import { EVENT_FIELDS } from "../../model/machine/vocabulary";
import type { Origin } from "../../model/registry";
import { fail, ok, type Result } from "../errors";
import { parseJsonText } from "../json";
import type { CellResult, Counterexample } from "../run";
import { bool, int, list, nat, oneOf, optStr, type Rec, record, str, strings } from "./decode";
import {
  type ActionKind,
  type ContextMeta,
  type EventMeta,
  type StepMeta,
  stepMeta,
  TRACE_FORMAT,
  type TraceMeta,
  traceMeta,
} from "./document";
import { ItfShapeError, STATE_VARS, stateFromItf } from "./itf";
import { checkItfValue, pointer } from "./itf-check";
import { LEGACY_FORMAT, type LegacyTrace, legacyStepMeta } from "./legacy";
import { LATER_VARS } from "./state-fields";

export interface LoadedStep {
  readonly meta: StepMeta;
  readonly state: Kernel;
}

export interface LoadedTrace {
  readonly version: 2;
  readonly meta: TraceMeta;
  readonly steps: readonly LoadedStep[];
}

/** A trace of any format lazymmu has written: what `replay` accepts. */
export type AnyTrace = LoadedTrace | LegacyTrace;

export function readTrace(text: string, file: string): Result<AnyTrace> {
  const json = parseJsonText(text, file);
  if (!json.ok) return json;
  try {
    return ok(decodeTrace(json.value));
  } catch (err) {
    if (err instanceof ItfShapeError) {
      return fail({ code: "bad-trace", file, where: err.path || "/", message: err.message });
    }
    throw err;
  }
}

/** Only a trace of the current format: what `show` and `html` render. */
export function currentTrace(t: AnyTrace, file: string): Result<LoadedTrace> {
  if (t.version === 2) return ok(t);
  return fail({
    code: "bad-trace",
    file,
    where: "/#meta/trace",
    message: `"${LEGACY_FORMAT}" is the trace format of an earlier lazymmu, without its events as data: \`lazymmu replay\` still reads it; to render it, write it again in "${TRACE_FORMAT}" with \`lazymmu verify\``,
  });
}

function decodeTrace(x: unknown): AnyTrace {
  const root = record(x, "", "a JSON object (an ITF trace)");
  const meta = decodeTraceMeta(root["#meta"]);
  const vars = strings(root, "", "vars");
  const want = [...STATE_VARS];
  const missing = want.filter((v) => !vars.includes(v));
  if (
    vars.some((v) => !(want as string[]).includes(v)) ||
    new Set(vars).size !== vars.length ||
    missing.some((v) => LATER_VARS[v] === undefined)
  )
    throw new ItfShapeError("/vars", `the state variables ${JSON.stringify(want)}`);
  const defaults = Object.fromEntries(missing.map((v) => [v, LATER_VARS[v]]));
  const states = root.states;
  if (!Array.isArray(states) || states.length === 0)
    throw new ItfShapeError("/states", "a non-empty list of states");
  if (states.length !== meta.choices.length + 1) {
    throw new ItfShapeError(
      "/states",
      `${meta.choices.length + 1} states (one more than the ${meta.choices.length} choices in /#meta/choices), got ${states.length}`,
    );
  }
  const decoded = states.map((s, i) =>
    decodeState(
      typeof s === "object" && s !== null && !Array.isArray(s) ? { ...defaults, ...s } : s,
      `/states/${i}`,
    ),
  );
  if (meta.trace === LEGACY_FORMAT) {
    return {
      version: 1,
      meta,
      steps: decoded.map((s, i) => ({
        meta: legacyStepMeta(s.meta, `/states/${i}/#meta`, i),
        state: s.state,
      })),
    };
  }
  return {
    version: 2,
    meta,
    steps: decoded.map((s, i) => ({
      meta: decodeStepMeta(s.meta, `/states/${i}/#meta`, i),
      state: s.state,
    })),
  };
}

function decodeTraceMeta(x: unknown): TraceMeta {
  const p = "/#meta";
  const m = record(x, p, 'a "#meta" object (lazymmu writes one in every trace)');
  if (m.trace !== TRACE_FORMAT && m.trace !== LEGACY_FORMAT) {
    const got = typeof m.trace === "string" ? `, got "${m.trace}"` : "";
    throw new ItfShapeError(
      `${p}/trace`,
      `"${TRACE_FORMAT}" (or the earlier "${LEGACY_FORMAT}")${got}: this is not a lazymmu trace, or one from a version this lazymmu does not know`,
    );
  }
  const choices = m.choices;
  if (!Array.isArray(choices)) throw new ItfShapeError(`${p}/choices`, "a list of whole numbers");
  return {
    format: "ITF",
    "format-description": optStr(m, p, "format-description") ?? "",
    source: "lazymmu",
    trace: m.trace,
    spec: str(m, p, "spec"),
    specPath: str(m, p, "specPath"),
    arch: str(m, p, "arch"),
    commits: strings(m, p, "commits"),
    scenario: str(m, p, "scenario"),
    preemption: str(m, p, "preemption"),
    ...(m.whatIf === undefined ? {} : { whatIf: str(m, p, "whatIf") }),
    rule: str(m, p, "rule"),
    obligation: str(m, p, "obligation"),
    text: str(m, p, "text"),
    violation: str(m, p, "violation"),
    notes: strings(m, p, "notes"),
    // lazymmu-trace/1 did not record them: its renderers are refused, replay does not need them.
    addrs: m.trace === LEGACY_FORMAT ? [] : strings(m, p, "addrs"),
    choices: choices.map((c, i) => nat(c, `${p}/choices/${i}`)),
    ...(m.loaded === undefined ? {} : { loaded: origins(m.loaded, `${p}/loaded`) }),
  };
}

function origins(x: unknown, path: string): Origin[] {
  if (!Array.isArray(x)) throw new ItfShapeError(path, "a list of {file, sha256}");
  return x.map((o, i) => {
    const r = record(o, `${path}/${i}`, "a model file {file, sha256}");
    return { file: str(r, `${path}/${i}`, "file"), sha256: str(r, `${path}/${i}`, "sha256") };
  });
}

function decodeState(x: unknown, path: string): { meta: unknown; state: Kernel } {
  const s = record(x, path, "a state object");
  for (const k of Object.keys(s)) {
    if (k !== "#meta" && !(STATE_VARS as readonly string[]).includes(k))
      throw new ItfShapeError(`${path}/${pointer(k)}`, "no variable outside /vars");
  }
  for (const v of STATE_VARS) {
    if (s[v] === undefined)
      throw new ItfShapeError(`${path}/${v}`, `a value for "${v}" (every state sets every var)`);
    checkItfValue(s[v], `${path}/${v}`);
  }
  return { meta: s["#meta"], state: stateFromItf(s, path) };
}

const ACTIONS: readonly ActionKind[] = [
  "init",
  "step",
  "irq",
  "switch-out",
  "switch-in",
  "migrate",
  "wake",
];
function decodeContext(x: unknown, path: string): ContextMeta {
  const o = record(x, path, 'a context {"kind": "task" | "irq", "id", "cpu"}');
  return {
    kind: oneOf(o, path, "kind", ["task", "irq"] as const),
    id: str(o, path, "id"),
    cpu: nat(o.cpu, `${path}/cpu`),
  };
}

/** A map of scalars (a call's arguments). */
function decodeValues(x: unknown, path: string, what: string): Record<string, Val> {
  const o = record(x, path, what);
  return Object.fromEntries(
    Object.entries(o).map(([k, v]): [string, Val] => {
      if (typeof v === "string" || typeof v === "boolean") return [k, v];
      return [k, int(v, `${path}/${pointer(k)}`)];
    }),
  );
}

/** A traced event field, by the type its declaration gives it (model/kernel/events.ts). */
function decodeField(t: FieldType, o: Rec, path: string, k: string): unknown {
  if (t === "string") return str(o, path, k);
  if (t === "boolean") return bool(o, path, k);
  if (t === "number") return int(o[k], `${path}/${pointer(k)}`);
  if (typeof t === "object" && "map" in t && t.map === "value")
    return decodeValues(o[k], `${path}/${pointer(k)}`, `the event's ${k}, an object`);
  throw new Error(`checker error: no trace reader for an event field of type ${JSON.stringify(t)}`);
}

function decodeEvent(x: unknown, path: string): EventMeta {
  const o = record(x, path, "an event object");
  const kind = oneOf(o, path, "kind", EVENT_KINDS);
  const out: Record<string, unknown> = {
    kind,
    context: decodeContext(o.context, `${path}/context`),
  };
  const fields: Readonly<Record<string, FieldType>> = EVENT_FIELDS[kind];
  for (const f of TRACED[kind]) {
    const t = fields[f];
    if (t !== undefined) out[f] = decodeField(t, o, path, f);
  }
  // Each field TRACED names for the kind was read with its declared type: an EventMeta.
  return out as EventMeta;
}

function decodeStepMeta(x: unknown, path: string, index: number): StepMeta {
  const m: Rec = record(x, path, "the step's #meta object");
  if (m.index !== index) throw new ItfShapeError(`${path}/index`, `${index}, this state's index`);
  const fn = optStr(m, path, "fn");
  const at = optStr(m, path, "at");
  return {
    index,
    action: oneOf(m, path, "action", ACTIONS),
    ...(m.cpu === undefined ? {} : { cpu: nat(m.cpu, `${path}/cpu`) }),
    ...(m.context === undefined ? {} : { context: decodeContext(m.context, `${path}/context`) }),
    ...(fn === undefined ? {} : { fn }),
    label: str(m, path, "label"),
    ...(at === undefined ? {} : { at }),
    ...(m.choice === undefined ? {} : { choice: choiceOf(m.choice, `${path}/choice`) }),
    ...(m.hooks === undefined ? {} : { hooks: strings(m, path, "hooks") }),
    events: list(m, path, "events", "a list of events").map((e, i) =>
      decodeEvent(e, `${path}/events/${i}`),
    ),
  };
}

function choiceOf(v: unknown, path: string): Val {
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  throw new ItfShapeError(path, "a number, string or boolean (the value the step chose)");
}

/** The trace as `readTrace` gives it back, without the round trip through JSON. */
export function loadedTrace(cell: CellResult, cx: Counterexample): LoadedTrace {
  return {
    version: 2,
    meta: traceMeta(cell, cx),
    steps: cx.steps.map((s, index) => ({ meta: stepMeta(index, s), state: s.state })),
  };
}
