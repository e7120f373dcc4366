// The verdict matrix: a row per architecture model, a column per scenario and preemption
// model, each cell the verdict and the ids of the rules violated.

import type { CellResult } from "../run";
import { overallVerdict, resultJson } from "./json";

function cellText(r: CellResult): string {
  if (r.verdict === "pass") return "pass";
  if (r.verdict === "incomplete" && r.violations.length === 0) return "incomplete";
  return `**${r.verdict}**: ${r.violations.map((v) => v.rule).join(", ")}`;
}

function columns(results: readonly CellResult[]): string[] {
  const cols: string[] = [];
  for (const r of results) {
    const c = `${r.scenario.id} (${r.preemption})`;
    if (!cols.includes(c)) cols.push(c);
  }
  return cols;
}

export function matrixMarkdown(results: readonly CellResult[]): string {
  const cols = columns(results);
  const rows: string[] = [];
  for (const r of results) if (!rows.includes(r.arch.id)) rows.push(r.arch.id);
  const find = (a: string, c: string) =>
    results.find((r) => r.arch.id === a && `${r.scenario.id} (${r.preemption})` === c);
  const lines = [`| arch | ${cols.join(" | ")} |`, `|---|${cols.map(() => "---").join("|")}|`];
  for (const a of rows) {
    lines.push(
      `| ${a} | ${cols
        .map((c) => {
          const r = find(a, c);
          return r ? cellText(r) : "n/a";
        })
        .join(" | ")} |`,
    );
  }
  const states = results.reduce((n, r) => n + r.stats.states, 0);
  const seconds = results.reduce((n, r) => n + r.stats.seconds, 0);
  lines.push("");
  lines.push(
    `spec: ${results[0]?.spec.id ?? "-"}; ${results.length} runs, ${states} states in all, ${seconds.toFixed(1)}s; overall: ${overallVerdict(results)}`,
  );
  return `${lines.join("\n")}\n`;
}

export function matrixJson(results: readonly CellResult[], outDir: string): string {
  return `${JSON.stringify({ verdict: overallVerdict(results), columns: columns(results), results: results.map((r) => resultJson(r, outDir)) }, null, 2)}\n`;
}
