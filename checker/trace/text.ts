// A counterexample as text a kernel developer can follow: one block per step with the CPU,
// the context, the action and its kernel source, the events it caused, and only the facts
// that changed; then the violation in words.

import type { CellResult, Counterexample } from "../run";
import { describeAction, describeEvent, withChoice } from "./document";
import { diff, facts } from "./view";

export function traceText(cell: CellResult, cx: Counterexample): string {
  const lines: string[] = [];
  lines.push(`lazymmu counterexample: ${cx.rule} (${cx.obligation})`);
  lines.push(`spec:       ${cell.spec.id} (${cell.spec.path})`);
  lines.push(`arch:       ${cell.arch.id} [${cell.arch.commits.join(", ")}]`);
  lines.push(`scenario:   ${cell.scenario.id}`);
  lines.push(`preemption: ${cell.preemption}`);
  if (cell.whatIf !== undefined)
    lines.push(`WHAT-IF:    no such kernel (--any-era): ${cell.whatIf}`);
  lines.push(`rule text:  ${cx.text}`);
  lines.push("");
  const procs = cell.machine.procs;
  const first = cx.steps[0];
  if (!first) throw new Error("checker error: a trace without an initial state");
  let prev = facts(first.state, procs);
  lines.push("step 0  initial state");
  for (const [name, value] of prev) {
    if (value !== "-" && value !== "[]" && !name.endsWith("irqs") && !name.startsWith("irq ")) {
      lines.push(`        ${name} = ${value}`);
    }
  }
  cx.steps.forEach((s, i) => {
    if (i === 0) return;
    const d = describeAction(s.action);
    const who = [d.cpu === undefined ? undefined : `CPU${d.cpu}`, d.context]
      .filter(Boolean)
      .join(" ");
    lines.push("");
    lines.push(
      `step ${i}  ${who}: ${d.fn === undefined ? "" : `${d.fn}: `}${withChoice(d.label, d.choice)}${d.at === undefined ? "" : `   [${d.at}]`}`,
    );
    for (const h of d.hooks ?? []) lines.push(`        hook: ${h}`);
    for (const e of s.events) {
      if (e.kind === "bug") lines.push(`        !! ${describeEvent(e)}`);
      else lines.push(`        ${describeEvent(e)}`);
    }
    const now = facts(s.state, procs);
    for (const [name, a, b] of diff(prev, now)) lines.push(`        ${name}: ${a} -> ${b}`);
    prev = now;
  });
  lines.push("");
  lines.push(`VIOLATION of ${cx.rule} at step ${cx.steps.length - 1}: ${cx.message}`);
  for (const n of cx.notes) lines.push(`  ${n}`);
  return `${lines.join("\n")}\n`;
}
