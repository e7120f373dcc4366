// A counterexample as text a kernel developer can follow: one block per step with the CPU,
// the context, the action and its kernel source, the events it caused, and only the facts
// that changed; then the violation in words. Rendered from the trace view (lanes.ts), the
// same data `show` and `html` render.

import { factDisplay } from "../../model/kernel/state";
import type { CellResult, Counterexample } from "../run";
import { loadedTrace } from "../trace/read";
import { diff, type Fact, factsOf } from "../trace/view";
import { type TraceView, traceView } from "./lanes";

/** In the initial state: everything but empty values and what its field leaves out (`text`). */
function initiallyWorthSaying(f: Fact): boolean {
  return f.value !== "-" && f.value !== "[]" && factDisplay(f.field).text !== false;
}

export function renderText(view: TraceView): string {
  const m = view.meta;
  const lines: string[] = [];
  lines.push(`lazymmu counterexample: ${m.rule} (${m.obligation})`);
  lines.push(`spec:       ${m.spec} (${m.specPath})`);
  lines.push(`arch:       ${m.arch} [${m.commits.join(", ")}]`);
  lines.push(`scenario:   ${m.scenario}`);
  lines.push(`preemption: ${m.preemption}`);
  if (m.whatIf !== undefined) lines.push(`WHAT-IF:    ${m.whatIf} (--any-era)`);
  lines.push(`rule text:  ${m.text}`);
  lines.push("");
  const first = view.steps[0];
  if (!first) throw new Error("checker error: a trace without an initial state");
  let prev = factsOf(first.facts);
  lines.push("step 0  initial state");
  for (const f of first.facts.filter(initiallyWorthSaying))
    lines.push(`        ${f.name} = ${f.value}`);
  for (const s of view.steps.slice(1)) {
    const who = [s.cpu === undefined ? undefined : `CPU${s.cpu}`, s.context?.id]
      .filter((x) => x !== undefined)
      .join(" ");
    lines.push("");
    lines.push(
      `step ${s.index}  ${who}: ${s.fn === undefined ? "" : `${s.fn}: `}${s.label}${s.at === undefined ? "" : `   [${s.at}]`}`,
    );
    for (const h of s.hooks) lines.push(`        hook: ${h}`);
    for (const e of s.events) lines.push(`        ${e.bug ? "!! " : ""}${e.sentence}`);
    const now = factsOf(s.facts);
    for (const [name, a, b] of diff(prev, now)) lines.push(`        ${name}: ${a} -> ${b}`);
    prev = now;
  }
  lines.push("");
  lines.push(`VIOLATION of ${m.rule} at step ${view.steps.length - 1}: ${m.violation}`);
  for (const n of m.notes) lines.push(`  ${n}`);
  return `${lines.join("\n")}\n`;
}

export function traceText(cell: CellResult, cx: Counterexample): string {
  return renderText(traceView(loadedTrace(cell, cx), cell.machine.procs));
}
