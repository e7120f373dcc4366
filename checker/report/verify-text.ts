// The text report of `verify`: a line per run, and for each violation the rule, its text,
// what happened and where the trace was written.

import { unreachable } from "../errors";
import { type CellSummary, overallVerdict, type StoppedBy, textTracePath } from "./summary";

const MARK = {
  pass: "pass",
  fail: "FAIL",
  incomplete: "INCOMPLETE",
  "n/a": "n/a",
  error: "ERROR",
} as const;

export function stoppedText(s: StoppedBy): string {
  switch (s) {
    case "max-states":
      return "stopped by --max-states: not every interleaving was explored";
    case "timeout":
      return "stopped by --timeout: not every interleaving was explored";
    case "interrupted":
      return "interrupted (Ctrl-C) before it finished";
    default:
      return unreachable(s);
  }
}

/** `; one state per orbit of CPUs and tasks`, when symmetry reduced the run. */
function reducedText(over: CellSummary["reduced"]): string {
  if (over === undefined || over.length === 0) return "";
  const names = over.map((o) => (o === "cpus" ? "CPUs" : "tasks"));
  return `; one state per relabelling of ${names.join(" and ")}`;
}

export function reportText(results: readonly CellSummary[]): string {
  const out: string[] = [];
  const ran = results.filter((r) => r.verdict !== "n/a" || r.why === undefined);
  const notBuilt = results.filter((r) => r.verdict === "n/a" && r.why !== undefined);
  for (const r of ran) {
    const s = r.stats;
    out.push(
      `${MARK[r.verdict].padEnd(10)} ${r.arch}  ${r.scenario}  preemption=${r.preemption}  (${s.states} states, ${s.transitions} transitions, depth ${s.depth}, ${s.seconds.toFixed(2)}s${r.threads === undefined ? "" : `, ${r.threads} threads`}${reducedText(r.reduced)})`,
    );
    if (r.whatIf !== undefined) out.push(`           WHAT-IF (--any-era): ${r.whatIf}`);
    if (r.stoppedBy !== undefined) out.push(`           ${stoppedText(r.stoppedBy)}`);
    if (r.error !== undefined) {
      out.push(`  the model threw: ${r.error.message}`);
      out.push(
        `    after ${r.error.choices.length} steps (choices ${r.error.choices.join(",") || "none"}); the other runs went on`,
      );
    } else if (r.why !== undefined) out.push(`           ${r.why}`);
    if (r.vacuous !== undefined && r.vacuous.length > 0)
      out.push(`           vacuous (no check ever triggered): ${r.vacuous.join(", ")}`);
    if (r.unreached !== undefined) {
      out.push(`           coverage: ${r.unreached.length} model step(s) no explored path reached`);
      for (const u of r.unreached) out.push(`             ${u.at}  ${u.fn}: ${u.label}`);
    }
    for (const v of r.violations) {
      out.push(`  violated ${v.rule} (${v.obligation}): ${v.text}`);
      out.push(`    ${v.message}`);
      for (const n of v.notes) out.push(`    ${n}`);
      out.push(`    shortest trace (${v.steps} steps): ${textTracePath(v.trace)} (ITF: .itf.json)`);
    }
  }
  for (const n of notBuilt) {
    out.push(`${"n/a".padEnd(10)} ${n.arch}  ${n.scenario}  preemption=${n.preemption}`);
    out.push(`           no such kernel: ${n.why}`);
  }
  const failed = results.filter((r) => r.verdict === "fail").length;
  const incomplete = results.filter((r) => r.verdict === "incomplete").length;
  const errors = results.filter((r) => r.verdict === "error").length;
  const whatIfs = results.filter((r) => r.whatIf !== undefined).length;
  out.push(
    `verdict: ${overallVerdict(results)} (${ran.length} runs: ${failed} violated a rule, ${incomplete} incomplete${errors > 0 ? `, ${errors} error` : ""}${whatIfs > 0 ? `, ${whatIfs} what-if` : ""}${notBuilt.length > 0 ? `; ${notBuilt.length} n/a, not run` : ""})`,
  );
  return `${out.join("\n")}\n`;
}
