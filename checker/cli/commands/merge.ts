// `lazymmu merge RESULT.json...`: the JSON reports of `matrix --shard I/N` runs, put back
// together into the report one machine would have printed (markdown, json or ktap). Refuses
// reports of another format version, of different selections, and sets of shards that
// miss or repeat a cell. Exit as `matrix` would: 0, or 3 when a run was cut short.

import { fail, ok, type Result } from "../../errors";
import { type MatrixReport, matrixReport, REPORT_FORMAT, REPORT_VERSION } from "../../report/json";
import type { CellSummary } from "../../report/summary";
import { type Context, type Outcome, output, userError } from "../command";
import { readText } from "../files";
import { MATRIX_FORMATS, matrixExit, renderMatrix } from "./matrix";
import { checkFormat } from "./shared";

interface MergeFlags {
  readonly format: string;
  readonly failures?: boolean;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The parts of a report that merging relies on, checked; the rest is carried as written. */
function isReport(x: unknown): x is MatrixReport {
  return (
    isObject(x) &&
    isObject(x.scenarios) &&
    Array.isArray(x.results) &&
    x.results.every((r) => isObject(r) && Number.isInteger(r.cell) && typeof r.verdict === "string")
  );
}

function readReport(file: string): Result<MatrixReport> {
  const text = readText(file);
  if (!text.ok) return text;
  let json: unknown;
  try {
    json = JSON.parse(text.value);
  } catch {
    return fail({ code: "bad-json", file, message: "not valid JSON" });
  }
  const bad = (where: string, message: string) =>
    fail<MatrixReport>({ code: "bad-report", file, where, message });
  if (!isObject(json) || json.format !== REPORT_FORMAT)
    return bad("/format", `expected "${REPORT_FORMAT}": write it with matrix --format json`);
  if (json.formatVersion !== REPORT_VERSION)
    return bad(
      "/formatVersion",
      `this lazymmu reads format version ${REPORT_VERSION}, the file has ${JSON.stringify(json.formatVersion)}`,
    );
  if (!isReport(json)) return bad("/results", "expected results with a cell number each");
  return ok(json);
}

function mergeReports(
  reports: readonly { file: string; report: MatrixReport }[],
): Result<MatrixReport> {
  const first = reports[0];
  if (first === undefined) return fail({ code: "bad-usage", message: "no report to merge" });
  const total = first.report.shard?.cells ?? first.report.results.length;
  const byCell = new Map<number, CellSummary>();
  for (const { file, report } of reports) {
    const cells = report.shard?.cells ?? report.results.length;
    if (cells !== total || report.shard?.count !== first.report.shard?.count)
      return fail({
        code: "bad-report",
        file,
        where: "/shard",
        message: `a shard of another selection (${cells} cells in ${report.shard?.count ?? 1} shards; ${first.file} has ${total} in ${first.report.shard?.count ?? 1})`,
      });
    for (const r of report.results) {
      if (byCell.has(r.cell))
        return fail({
          code: "bad-report",
          file,
          message: `cell ${r.cell} (${r.arch} ${r.scenario} ${r.preemption}) is in two reports`,
        });
      byCell.set(r.cell, r);
    }
  }
  const missing = [...Array(total).keys()].filter((c) => !byCell.has(c));
  if (missing.length > 0)
    return fail({
      code: "bad-report",
      message: `${missing.length} of ${total} cells are in none of the reports (cells ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", ..." : ""}): is a shard missing?`,
    });
  const results = [...byCell.values()].sort((a, b) => a.cell - b.cell);
  return ok(matrixReport(results, first.report.scenarios));
}

export function run(files: readonly string[], flags: MergeFlags, _ctx: Context): Outcome {
  const bad = checkFormat(flags.format, MATRIX_FORMATS);
  if (bad) return userError(bad);
  const reports: { file: string; report: MatrixReport }[] = [];
  for (const file of files) {
    const r = readReport(file);
    if (!r.ok) return userError(r.error);
    reports.push({ file, report: r.value });
  }
  const merged = mergeReports(reports);
  if (!merged.ok) return userError(merged.error);
  return output(
    renderMatrix(merged.value, flags.format, flags.failures === true),
    matrixExit(merged.value.results),
  );
}
