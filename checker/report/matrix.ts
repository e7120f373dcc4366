// The verdict matrix in Markdown: a summary first (cells, failures by rule, incomplete,
// n/a), then one table per scenario (so that it reads on a screen), each with a row per
// architecture model and a column per preemption model; or, with --failures, only the
// failing cells with the rule and the trace of each.

import type { MatrixReport } from "./json";
import type { CellSummary } from "./summary";

function cellText(r: CellSummary): string {
  return r.whatIf === undefined ? verdictText(r) : `${verdictText(r)} (what-if)`;
}

function verdictText(r: CellSummary): string {
  switch (r.verdict) {
    case "pass":
      return r.vacuous !== undefined && r.vacuous.length > 0
        ? `pass (vacuous: ${r.vacuous.join(", ")})`
        : "pass";
    case "n/a":
      return "n/a";
    case "error":
      return `**error**: ${(r.error?.message ?? r.why ?? "").replaceAll("|", "\\|")}`;
    case "incomplete":
      if (r.violations.length === 0) return "incomplete";
      break;
    case "fail":
      break;
  }
  // Violations found by a run cut short: real, but other rules may fail where it did not go.
  const cut = r.stoppedBy !== undefined ? " (incomplete)" : "";
  return `**${r.verdict}${cut}**: ${r.violations.map((v) => v.rule).join(", ")}`;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

function summaryLines(m: MatrixReport): string[] {
  const t = m.summary;
  const spec = unique(m.results.map((r) => r.spec)).join(", ") || "-";
  const lines = [
    `spec: ${spec}; ${t.cells} cells: ${t.pass} pass, ${t.fail} fail, ${t.incomplete} incomplete, ${t["n/a"]} n/a${t.error > 0 ? `, ${t.error} error` : ""}`,
  ];
  const whatIfs = m.results.filter((r) => r.whatIf !== undefined).length;
  if (whatIfs > 0) lines.push(`what-if (--any-era: no such kernel): ${whatIfs} cells`);
  const rules = Object.entries(t.failuresByRule);
  if (rules.length > 0)
    lines.push(`failures by rule: ${rules.map(([id, n]) => `${id} ${n}`).join(", ")}`);
  return lines;
}

function footer(results: readonly CellSummary[]): string {
  const states = results.reduce((n, r) => n + r.stats.states, 0);
  const seconds = results.reduce((n, r) => n + r.stats.seconds, 0);
  const ran = results.filter((r) => r.reduced !== undefined).length;
  const reduced = results.filter((r) => (r.reduced ?? []).length > 0).length;
  // States of a reduced run are orbits of its relabellings (checker/explore/symmetry.ts).
  const orbits = reduced > 0 ? ` (${reduced} of ${ran} runs reduced by symmetry)` : "";
  return `${states} states in all${orbits}, ${seconds.toFixed(1)}s of exploration`;
}

function tables(m: MatrixReport): string[] {
  const lines: string[] = [];
  for (const id of unique(m.results.map((r) => r.scenario))) {
    const rs = m.results.filter((r) => r.scenario === id);
    const models = unique(rs.map((r) => r.preemption));
    const archs = unique(rs.map((r) => r.arch));
    lines.push(`### ${id}`, "", m.scenarios[id] ?? "", "");
    lines.push(`| arch | ${models.join(" | ")} |`, `|---|${models.map(() => "---").join("|")}|`);
    for (const a of archs) {
      const cells = models.map((p) => {
        const r = rs.find((x) => x.arch === a && x.preemption === p);
        return r ? cellText(r) : "-";
      });
      lines.push(`| ${a} | ${cells.join(" | ")} |`);
    }
    lines.push("");
    // Why each n/a cell is: no kernel had that combination.
    const na = rs.filter((r) => r.verdict === "n/a" && r.why !== undefined);
    for (const n of na) lines.push(`- n/a ${n.arch} (${n.preemption}): ${n.why}`);
    if (na.length > 0) lines.push("");
  }
  return lines;
}

function failures(m: MatrixReport): string[] {
  const failed = m.results.filter((r) => r.verdict === "fail" || r.verdict === "error");
  if (failed.length === 0) return ["No cell failed.", ""];
  const lines = ["| arch | scenario | preemption | rule | trace |", "|---|---|---|---|---|"];
  for (const r of failed) {
    if (r.violations.length === 0)
      lines.push(
        `| ${r.arch} | ${r.scenario} | ${r.preemption} | error: ${(r.why ?? "").replaceAll("|", "\\|")} | |`,
      );
    for (const v of r.violations)
      lines.push(`| ${r.arch} | ${r.scenario} | ${r.preemption} | ${v.rule} | ${v.trace} |`);
  }
  return [...lines, ""];
}

export function matrixMarkdown(m: MatrixReport, opts: { failures?: boolean } = {}): string {
  const lines = [...summaryLines(m), ""];
  lines.push(...(opts.failures === true ? failures(m) : tables(m)));
  lines.push(footer(m.results));
  return `${lines.join("\n")}\n`;
}
