// The verdict matrix: a row per architecture model, a column per scenario and preemption
// model, each cell the verdict and the ids of the rules violated.

import type { CellResult, NotBuilt } from "../run";
import { notBuiltJson, overallVerdict, resultJson } from "./json";

function verdictText(r: CellResult): string {
  if (r.verdict === "pass") return "pass";
  if (r.verdict === "incomplete" && r.violations.length === 0) return "incomplete";
  return `**${r.verdict}**: ${r.violations.map((v) => v.rule).join(", ")}`;
}

function cellText(r: CellResult): string {
  return r.whatIf === undefined ? verdictText(r) : `${verdictText(r)} (what-if)`;
}

type Cellish = Pick<CellResult, "arch" | "scenario" | "preemption">;

function columns(results: readonly Cellish[]): string[] {
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
export function matrixMarkdown(
  results: readonly CellResult[],
  notBuilt: readonly NotBuilt[] = [],
): string {
  const lines: string[] = [];
  const scenarioIds: string[] = [];
  for (const r of [...results, ...notBuilt])
    if (!scenarioIds.includes(r.scenario.id)) scenarioIds.push(r.scenario.id);
  for (const id of scenarioIds) {
    const rs: Cellish[] = [...results, ...notBuilt].filter((r) => r.scenario.id === id);
    const na = notBuilt.filter((r) => r.scenario.id === id);
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
        const r = results.find(
          (x) => x.scenario.id === id && x.arch.id === a && x.preemption === p,
        );
        if (r) return cellText(r);
        return na.some((x) => x.arch.id === a && x.preemption === p) ? "n/a" : "-";
      });
      lines.push(`| ${a} | ${cells.join(" | ")} |`);
    }
    lines.push("");
    for (const n of na) lines.push(`- n/a ${n.arch.id} (${n.preemption}): ${n.why}`);
    if (na.length > 0) lines.push("");
  }
  const states = results.reduce((n, r) => n + r.stats.states, 0);
  const seconds = results.reduce((n, r) => n + r.stats.seconds, 0);
  const failed = results.filter((r) => r.verdict === "fail").length;
  const incomplete = results.filter((r) => r.verdict === "incomplete").length;
  const whatIfs = results.filter((r) => r.whatIf !== undefined).length;
  lines.push(
    `spec: ${results[0]?.spec.id ?? "-"}; ${results.length} runs (${failed} with violations, ${incomplete} incomplete${whatIfs > 0 ? `, ${whatIfs} what-if (--any-era: no such kernel)` : ""}), ${notBuilt.length} n/a (no kernel had them; not run), ${states} states in all, ${seconds.toFixed(1)}s of exploration`,
  );
  return `${lines.join("\n")}\n`;
}

export function matrixJson(
  results: readonly CellResult[],
  outDir: string,
  notBuilt: readonly NotBuilt[] = [],
): string {
  return `${JSON.stringify({ verdict: overallVerdict(results), columns: columns([...results, ...notBuilt]), notApplicable: notBuilt.length, results: [...results.map((r) => resultJson(r, outDir)), ...notBuilt.map(notBuiltJson)] }, null, 2)}\n`;
}
