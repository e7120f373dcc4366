// Reads a lazymmu counterexample back from its ITF text: the top #meta (what replay needs),
// each state's #meta (the step) and the states themselves, decoded into kernel states.
// Any departure from the shape `traceDocument` writes is a `bad-trace` error naming the
// file, the JSON pointer where it broke and what was expected there.

import type { Kernel, Val } from "../../model/kernel/state";
import { fail, ok, type Result } from "../errors";
import { parseJson } from "../spec/parse";
import { type BugMeta, type StepMeta, TRACE_FORMAT, type TraceMeta } from "./document";
import { ItfShapeError, STATE_VARS, stateFromItf } from "./itf";
import { checkItfValue, pointer } from "./itf-check";

export interface LoadedStep {
  readonly meta: StepMeta;
  readonly state: Kernel;
}

export interface LoadedTrace {
  readonly meta: TraceMeta;
  readonly steps: readonly LoadedStep[];
}

export function readTrace(text: string, file: string): Result<LoadedTrace> {
  const json = parseJson(text, file);
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

type Rec = Record<string, unknown>;

function record(x: unknown, path: string, what: string): Rec {
  if (x === null || typeof x !== "object" || Array.isArray(x)) throw new ItfShapeError(path, what);
  return x as Rec;
}
function str(o: Rec, path: string, k: string): string {
  const v = o[k];
  if (typeof v !== "string") throw new ItfShapeError(`${path}/${pointer(k)}`, "a string");
  return v;
}
function optStr(o: Rec, path: string, k: string): string | undefined {
  return o[k] === undefined ? undefined : str(o, path, k);
}
function nat(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw new ItfShapeError(path, "a whole number");
  return v;
}
function strings(o: Rec, path: string, k: string): string[] {
  const v = o[k];
  const at = `${path}/${pointer(k)}`;
  if (!Array.isArray(v)) throw new ItfShapeError(at, "a list of strings");
  return v.map((x, i) => {
    if (typeof x !== "string") throw new ItfShapeError(`${at}/${i}`, "a string");
    return x;
  });
}

function decodeTrace(x: unknown): LoadedTrace {
  const root = record(x, "", "a JSON object (an ITF trace)");
  const meta = decodeTraceMeta(root["#meta"]);
  const vars = strings(root, "", "vars");
  const want = [...STATE_VARS];
  if (vars.length !== want.length || want.some((v) => !vars.includes(v)))
    throw new ItfShapeError("/vars", `the state variables ${JSON.stringify(want)}`);
  const states = root.states;
  if (!Array.isArray(states) || states.length === 0)
    throw new ItfShapeError("/states", "a non-empty list of states");
  if (states.length !== meta.choices.length + 1) {
    throw new ItfShapeError(
      "/states",
      `${meta.choices.length + 1} states (one more than the ${meta.choices.length} choices in /#meta/choices), got ${states.length}`,
    );
  }
  const steps = states.map((s, i) => decodeState(s, `/states/${i}`, i));
  return { meta, steps };
}

function decodeTraceMeta(x: unknown): TraceMeta {
  const p = "/#meta";
  const m = record(x, p, 'a "#meta" object (lazymmu writes one in every trace)');
  if (m.trace !== TRACE_FORMAT) {
    throw new ItfShapeError(
      `${p}/trace`,
      `"${TRACE_FORMAT}": this is not a lazymmu trace, or one from another version`,
    );
  }
  const choices = m.choices;
  if (!Array.isArray(choices)) throw new ItfShapeError(`${p}/choices`, "a list of whole numbers");
  return {
    format: "ITF",
    "format-description": optStr(m, p, "format-description") ?? "",
    source: "lazymmu",
    trace: TRACE_FORMAT,
    spec: str(m, p, "spec"),
    specPath: str(m, p, "specPath"),
    arch: str(m, p, "arch"),
    commits: strings(m, p, "commits"),
    scenario: str(m, p, "scenario"),
    preemption: str(m, p, "preemption"),
    rule: str(m, p, "rule"),
    obligation: str(m, p, "obligation"),
    text: str(m, p, "text"),
    violation: str(m, p, "violation"),
    notes: strings(m, p, "notes"),
    choices: choices.map((c, i) => nat(c, `${p}/choices/${i}`)),
  };
}

function decodeState(x: unknown, path: string, index: number): LoadedStep {
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
  return { meta: decodeStepMeta(s["#meta"], `${path}/#meta`, index), state: stateFromItf(s, path) };
}

function decodeStepMeta(x: unknown, path: string, index: number): StepMeta {
  const m = record(x, path, "the step's #meta object");
  if (m.index !== index) throw new ItfShapeError(`${path}/index`, `${index}, this state's index`);
  const context = optStr(m, path, "context");
  const fn = optStr(m, path, "fn");
  const at = optStr(m, path, "at");
  return {
    index,
    action: str(m, path, "action"),
    label: str(m, path, "label"),
    events: strings(m, path, "events"),
    ...(m.cpu === undefined ? {} : { cpu: nat(m.cpu, `${path}/cpu`) }),
    ...(context === undefined ? {} : { context }),
    ...(fn === undefined ? {} : { fn }),
    ...(at === undefined ? {} : { at }),
    ...(m.choice === undefined ? {} : { choice: choiceOf(m.choice, `${path}/choice`) }),
    ...(m.hooks === undefined ? {} : { hooks: strings(m, path, "hooks") }),
    ...(m.bugs === undefined ? {} : { bugs: decodeBugs(m.bugs, `${path}/bugs`) }),
  };
}

function choiceOf(v: unknown, path: string): Val {
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  throw new ItfShapeError(path, "a number, string or boolean (the value the step chose)");
}

function decodeBugs(x: unknown, path: string): BugMeta[] {
  if (!Array.isArray(x)) throw new ItfShapeError(path, "a list of debug checks");
  return x.map((b, i) => {
    const p = `${path}/${i}`;
    const o = record(b, p, "a debug check {check, message, fatal, context, cpu}");
    if (typeof o.fatal !== "boolean") throw new ItfShapeError(`${p}/fatal`, "a boolean");
    return {
      check: str(o, p, "check"),
      message: str(o, p, "message"),
      fatal: o.fatal,
      context: str(o, p, "context"),
      cpu: nat(o.cpu, `${p}/cpu`),
    };
  });
}
