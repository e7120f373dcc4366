// The matrix as KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst), so that a
// kernel CI that parses KUnit or kselftest output reads lazymmu's: one test per scenario,
// with a subtest per architecture model and preemption model, nested two spaces deep;
// `# SKIP` for n/a cells, `# TIMEOUT` for runs a limit cut short, `# ERROR` for model errors
// and interrupted runs; diagnostic lines before a failing result name the violated rule,
// what happened and the trace.

import { unreachable } from "../errors";
import type { MatrixReport } from "./json";
import type { CellSummary } from "./summary";
import { stoppedText } from "./verify-text";

/** KTAP descriptions "can't include #"; results are one line each. */
function clean(s: string): string {
  // Each run of white space (what String.prototype.trim() removes) becomes one space.
  const words: string[] = [];
  let word = "";
  for (const c of s.replaceAll("#", "no.")) {
    if (c.trim() !== "") word += c;
    else if (word !== "") {
      words.push(word);
      word = "";
    }
  }
  if (word !== "") words.push(word);
  return words.join(" ");
}

function result(n: number, r: CellSummary): string[] {
  // A what-if (--any-era: no kernel had this combination) says so in its description.
  const name = `${r.arch} ${r.preemption}${r.whatIf === undefined ? "" : " (what-if)"}`;
  const lines = resultOf(n, r, name);
  return r.whatIf === undefined ? lines : [`# ${name}: WHAT-IF: ${clean(r.whatIf)}`, ...lines];
}

function resultOf(n: number, r: CellSummary, name: string): string[] {
  switch (r.verdict) {
    case "pass":
      return [`ok ${n} ${name}`];
    case "n/a":
      return [`ok ${n} ${name} # SKIP ${clean(r.why ?? "n/a: no such kernel was built")}`];
    case "error":
      return [`not ok ${n} ${name} # ERROR ${clean(r.why ?? "the model failed")}`];
    case "fail": {
      const diag = r.violations.flatMap((v) => [
        `# ${name}: violated ${v.rule} (${v.obligation}): ${clean(v.message)}`,
        `# trace: ${v.trace}`,
      ]);
      return [...diag, `not ok ${n} ${name}`];
    }
    case "incomplete": {
      const why = r.stoppedBy === undefined ? "incomplete" : stoppedText(r.stoppedBy);
      const directive = r.stoppedBy === "interrupted" ? "ERROR" : "TIMEOUT";
      return [`not ok ${n} ${name} # ${directive} ${clean(why)}`];
    }
    default:
      return unreachable(r.verdict);
  }
}

function failed(r: CellSummary): boolean {
  return r.verdict === "fail" || r.verdict === "error" || r.verdict === "incomplete";
}

export function matrixKtap(m: MatrixReport): string {
  const scenarios = [...new Set(m.results.map((r) => r.scenario))];
  const spec = [...new Set(m.results.map((r) => r.spec))].join(", ");
  const out = ["KTAP version 1", `# lazymmu matrix: spec ${spec}`, `1..${scenarios.length}`];
  scenarios.forEach((id, i) => {
    const rs = m.results.filter((r) => r.scenario === id);
    out.push("  KTAP version 1", `  # Subtest: ${id}`, `  1..${rs.length}`);
    rs.forEach((r, j) => {
      for (const line of result(j + 1, r)) out.push(`  ${line}`);
    });
    const n = i + 1;
    if (rs.some(failed)) out.push(`not ok ${n} ${id}`);
    else if (rs.every((r) => r.verdict === "n/a")) out.push(`ok ${n} ${id} # SKIP every cell n/a`);
    else out.push(`ok ${n} ${id}`);
  });
  const t = m.summary;
  out.push(
    `# Totals: cells ${t.cells}, pass ${t.pass}, fail ${t.fail}, incomplete ${t.incomplete}, n/a ${t["n/a"]}, error ${t.error}`,
  );
  return `${out.join("\n")}\n`;
}
