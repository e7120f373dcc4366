// The text report of `verify`: a line per run, and for each violation the rule, its text,
// what happened and where the trace was written.

import type { CellResult, NotBuilt } from "../run";
import { overallVerdict } from "./json";
import { tracePath } from "./paths";

const MARK = { pass: "pass", fail: "FAIL", incomplete: "INCOMPLETE" } as const;

export function reportText(
  results: readonly CellResult[],
  outDir: string,
  notBuilt: readonly NotBuilt[] = [],
): string {
  const out: string[] = [];
  for (const r of results) {
    const s = r.stats;
    out.push(
      `${MARK[r.verdict].padEnd(10)} ${r.arch.id}  ${r.scenario.id}  preemption=${r.preemption}  (${s.states} states, ${s.transitions} transitions, depth ${s.depth}, ${s.seconds.toFixed(2)}s)`,
    );
    if (r.whatIf !== undefined)
      out.push(`           WHAT-IF (--any-era): no such kernel: ${r.whatIf}`);
    if (r.stoppedBy !== null) {
      out.push(
        `           stopped by ${r.stoppedBy === "max-states" ? "--max-states" : "--timeout"}: not every interleaving was explored`,
      );
    }
    for (const v of r.violations) {
      out.push(`  violated ${v.rule} (${v.obligation}): ${v.text}`);
      out.push(`    ${v.message}`);
      for (const n of v.notes) out.push(`    ${n}`);
      out.push(
        `    shortest trace (${v.steps.length - 1} steps): ${outDir}/${tracePath(r, v)}.txt (ITF: .itf.json)`,
      );
    }
  }
  for (const n of notBuilt) {
    out.push(`${"n/a".padEnd(10)} ${n.arch.id}  ${n.scenario.id}  preemption=${n.preemption}`);
    out.push(`           no such kernel: ${n.why}`);
  }
  const failed = results.filter((r) => r.verdict === "fail").length;
  const incomplete = results.filter((r) => r.verdict === "incomplete").length;
  const whatIfs = results.filter((r) => r.whatIf !== undefined).length;
  out.push(
    `verdict: ${overallVerdict(results)} (${results.length} runs: ${failed} violated a rule, ${incomplete} incomplete${whatIfs > 0 ? `, ${whatIfs} what-if` : ""}${notBuilt.length > 0 ? `; ${notBuilt.length} n/a, not run` : ""})`,
  );
  return `${out.join("\n")}\n`;
}
