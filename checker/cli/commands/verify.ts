// `lazymmu verify`: exit 0 when no rule is violated, 1 when one is, 2 on bad input, 3 when
// a limit (or Ctrl-C) stopped exploration before any violation was found, 4 when a model
// threw.

import { exitCode } from "../../outcome";
import { matrixReport, reportJson } from "../../report/json";
import type { CellSummary } from "../../report/summary";
import { reportText } from "../../report/verify-text";
import type { Context, ExitCode, Outcome } from "../command";
import { output, userError } from "../command";
import { checkFormat, type RunFlags, runJobs, selection, warnFirst, withNotBuilt } from "./shared";

/** The exit code of a set of summaries (see exitCode in checker/outcome.ts). */
export function summariesExit(
  results: readonly CellSummary[],
  violationsAre: "findings" | "content",
): ExitCode {
  return exitCode(
    results.map((r) => ({ verdict: r.verdict, stoppedBy: r.stoppedBy ?? null })),
    violationsAre,
  );
}

export async function run(
  _args: readonly string[],
  flags: RunFlags,
  ctx: Context,
): Promise<Outcome> {
  const bad = checkFormat(flags.format, ["text", "json"]);
  if (bad) return userError(bad);
  const sel = await selection(flags);
  if (!sel.ok) return userError(sel.error);
  const stderr = warnFirst(ctx, sel.value.warnings);
  // The combinations no kernel had are reported n/a with their reason, not run.
  const results = withNotBuilt(await runJobs(sel.value.jobs, ctx), sel.value.notBuilt);
  const text =
    flags.format === "json" ? reportJson(matrixReport(results, {})) : reportText(results);
  return output(text, summariesExit(results, "findings"), stderr);
}
