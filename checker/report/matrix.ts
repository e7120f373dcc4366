// The verdict matrix: a row per architecture model, a column per scenario and preemption
// model, each cell the verdict and the ids of the rules violated.

import type { CellResult } from "../run";
import { overallVerdict, resultJson } from "./json";

function cellText(r: CellResult): string {
  if (r.verdict === "pass")
    return r.vacuous.length > 0 ? `pass (vacuous: ${r.vacuous.join(", ")})` : "pass";
  if (r.verdict === "incomplete" && r.violations.length === 0) return "incomplete";
  if (r.verdict === "error") return `**error**: ${(r.error?.message ?? "").replaceAll("|", "\\|")}`;
  // Violations found by a run cut short: real, but other rules may fail where it did not go.
  const cut = r.stoppedBy !== null ? " (incomplete)" : "";
  return `**${r.verdict}${cut}**: ${r.violations.map((v) => v.rule).join(", ")}`;
}

function columns(results: readonly CellResult[]): string[] {
  const cols: string[] = [];
  for (const r of results) {
    const c = `${r.scenario.id} (${r.preemption})`;
    if (!cols.includes(c)) cols.push(c);
  }
  return cols;
}

/**
 * The matrix as Markdown: one table per scenario (so that it reads on a screen), each with
 * a row per architecture model and a column per preemption model; together they are the
 * rows-by-(scenario, preemption) table of the JSON form.
 */
export function matrixMarkdown(results: readonly CellResult[]): string {
  const lines: string[] = [];
  const scenarioIds: string[] = [];
  for (const r of results)
    if (!scenarioIds.includes(r.scenario.id)) scenarioIds.push(r.scenario.id);
  for (const id of scenarioIds) {
    const rs = results.filter((r) => r.scenario.id === id);
    const first = rs[0];
    if (!first) continue;
    const models: string[] = [];
    for (const r of rs) if (!models.includes(r.preemption)) models.push(r.preemption);
    const archs: string[] = [];
    for (const r of rs) if (!archs.includes(r.arch.id)) archs.push(r.arch.id);
    lines.push(`### ${id}`, "", first.scenario.summary, "");
    lines.push(`| arch | ${models.join(" | ")} |`, `|---|${models.map(() => "---").join("|")}|`);
    for (const a of archs) {
      const cells = models.map((p) => {
        const r = rs.find((x) => x.arch.id === a && x.preemption === p);
        return r ? cellText(r) : "n/a";
      });
      lines.push(`| ${a} | ${cells.join(" | ")} |`);
    }
    lines.push("");
  }
  const states = results.reduce((n, r) => n + r.stats.states, 0);
  const seconds = results.reduce((n, r) => n + r.stats.seconds, 0);
  const failed = results.filter((r) => r.verdict === "fail").length;
  const incomplete = results.filter((r) => r.stoppedBy !== null).length;
  const errors = results.filter((r) => r.verdict === "error").length;
  lines.push(
    `spec: ${results[0]?.spec.id ?? "-"}; ${results.length} runs (${failed} with violations, ${incomplete} incomplete${errors > 0 ? `, ${errors} error` : ""}), ${states} states in all, ${seconds.toFixed(1)}s of exploration`,
  );
  return `${lines.join("\n")}\n`;
}

export function matrixJson(results: readonly CellResult[], outDir: string): string {
  return `${JSON.stringify({ verdict: overallVerdict(results), columns: columns(results), results: results.map((r) => resultJson(r, outDir)) }, null, 2)}\n`;
}
