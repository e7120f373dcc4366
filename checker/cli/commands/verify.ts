// `lazymmu verify`: exit 0 when no rule is violated, 1 when one is, 2 on bad input, 3 when
// a limit (or Ctrl-C) stopped exploration before any violation was found.

import { unreachable } from "../../errors";
import { matrixReport, reportJson } from "../../report/json";
import { type CellVerdict, overallVerdict } from "../../report/summary";
import { reportText } from "../../report/text";
import { type Context, EXIT, type ExitCode, type Outcome, output, userError } from "../command";
import { checkFormat, type RunFlags, runJobs, selection } from "./shared";

export function verdictExit(v: CellVerdict): ExitCode {
  switch (v) {
    case "pass":
    case "n/a":
      return EXIT.ok;
    case "fail":
      return EXIT.violation;
    case "incomplete":
      return EXIT.incomplete;
    case "error":
      return EXIT.error;
    default:
      return unreachable(v);
  }
}

export async function run(
  _args: readonly string[],
  flags: RunFlags,
  ctx: Context,
): Promise<Outcome> {
  const bad = checkFormat(flags.format, ["text", "json"]);
  if (bad) return userError(bad);
  const sel = selection(flags);
  if (!sel.ok) return userError(sel.error);
  const results = await runJobs(sel.value.jobs, ctx);
  const text =
    flags.format === "json" ? reportJson(matrixReport(results, {})) : reportText(results);
  return output(text, verdictExit(overallVerdict(results)));
}
