// The JSON reports of `verify` and `matrix`: one object with a format name and version
// (so that tools, and `lazymmu merge`, know what they read), the verdict, a summary, and a
// result per run in a stable key order.

import { type CellSummary, type MatrixTally, overallVerdict, tally } from "./summary";

export const REPORT_FORMAT = "lazymmu-report";
/** Bump when a field changes meaning or goes away; adding one keeps the version. */
export const REPORT_VERSION = 1;

/** Which part of a sharded selection a report holds (`--shard index/count`). */
export interface ShardInfo {
  readonly index: number;
  readonly count: number;
  /** How many cells the whole selection has. */
  readonly cells: number;
}

export interface MatrixReport {
  readonly format: typeof REPORT_FORMAT;
  readonly formatVersion: typeof REPORT_VERSION;
  readonly verdict: string;
  readonly summary: MatrixTally;
  /** Cells no kernel had (`"verdict": "n/a"` with `why`): counted apart, not run. */
  readonly notApplicable: number;
  readonly shard?: ShardInfo;
  /** Each scenario's one-line summary, for the Markdown a merge renders elsewhere. */
  readonly scenarios: Readonly<Record<string, string>>;
  /** The matrix's columns, `scenario (preemption)`, in run order. */
  readonly columns: readonly string[];
  readonly results: readonly CellSummary[];
}

function columns(results: readonly CellSummary[]): string[] {
  return [...new Set(results.map((r) => `${r.scenario} (${r.preemption})`))];
}

export function matrixReport(
  results: readonly CellSummary[],
  scenarios: Readonly<Record<string, string>>,
  shard?: ShardInfo,
): MatrixReport {
  return {
    format: REPORT_FORMAT,
    formatVersion: REPORT_VERSION,
    verdict: overallVerdict(results),
    summary: tally(results),
    notApplicable: results.filter((r) => r.verdict === "n/a").length,
    ...(shard === undefined ? {} : { shard }),
    scenarios,
    columns: columns(results),
    results,
  };
}

export function reportJson(report: MatrixReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
