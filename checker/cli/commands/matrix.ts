// `lazymmu matrix`: every architecture model on every scenario and preemption model, as a
// table (or JSON, or KTAP). Exit 0 when every run completed (violations are the table's
// content), 3 when a limit or Ctrl-C cut a run short, 4 when a model threw, 2 on bad input. `--shard I/N` runs
// every Nth cell from the Ith, for `lazymmu merge` to put back together.

import { findScenario } from "../../../model/scenarios/index";
import { type MatrixReport, matrixReport, reportJson } from "../../report/json";
import { matrixKtap } from "../../report/ktap";
import { matrixMarkdown } from "../../report/matrix";
import type { CellSummary } from "../../report/summary";
import { type Context, type ExitCode, type Outcome, output, userError } from "../command";
import { inShard, parseShard } from "../flags";
import { checkFormat, type RunFlags, runJobs, selection, warnFirst, withNotBuilt } from "./shared";
import { summariesExit } from "./verify";

export const MATRIX_FORMATS = ["markdown", "json", "ktap"] as const;

interface MatrixFlags extends RunFlags {
  readonly failures?: boolean;
  readonly shard?: string;
}

/**
 * A matrix is complete when no run was cut short; its violations are its content. A model
 * error outweighs everything (4).
 */
export function matrixExit(results: readonly CellSummary[]): ExitCode {
  return summariesExit(results, "content");
}

export function renderMatrix(m: MatrixReport, format: string, failures: boolean): string {
  if (format === "json")
    return reportJson(
      failures
        ? { ...m, results: m.results.filter((r) => r.verdict === "fail" || r.verdict === "error") }
        : m,
    );
  if (format === "ktap") return matrixKtap(m);
  return matrixMarkdown(m, { failures });
}

export function scenarioSummaries(ids: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of ids) out[id] = findScenario(id)?.summary ?? "";
  return out;
}

export async function run(
  _args: readonly string[],
  flags: MatrixFlags,
  ctx: Context,
): Promise<Outcome> {
  const bad = checkFormat(flags.format, MATRIX_FORMATS);
  if (bad) return userError(bad);
  const shard = parseShard(flags.shard);
  if (!shard.ok) return userError(shard.error);
  const sel = await selection(flags);
  if (!sel.ok) return userError(sel.error);
  const stderr = warnFirst(ctx, sel.value.warnings);
  const all = sel.value.jobs;
  const jobs = all.filter((j) => inShard(shard.value, j.cell));
  // n/a cells (no kernel had them) are reported with their reason, not run; a shard holds
  // those of its cell numbers, so that the shards still make up the whole selection.
  const notBuilt = sel.value.notBuilt.filter((n) => inShard(shard.value, n.cell));
  const results = withNotBuilt(await runJobs(jobs, ctx), notBuilt);
  const cells = all.length + sel.value.notBuilt.length;
  const report = matrixReport(
    results,
    scenarioSummaries([
      ...new Set([...all.map((j) => j.scenario), ...sel.value.notBuilt.map((n) => n.scenario)]),
    ]),
    shard.value === undefined ? undefined : { ...shard.value, cells },
  );
  return output(
    renderMatrix(report, flags.format, flags.failures === true),
    matrixExit(results),
    stderr,
  );
}
