// `lazymmu compare SPEC_A SPEC_B`: runs the same architecture models, scenarios and
// preemption models under two contracts and reports where the verdicts differ and which
// rules make the difference. Exit 0 when every run completed (differences are the report's
// content), 3 when a limit cut a run short, 4 when a model threw, 2 on bad input.
// Counterexamples of both runs are written under --out, each under its spec's id.

import { compareResults } from "../../compare-contracts";
import { compareJson, compareMarkdown } from "../../report/contract-comparison";
import { type Context, type Outcome, output, userError } from "../command";
import { checkOutDir, resolveSpec } from "../files";
import { type RawRunFlags, resolveRun } from "../options";
import { checkFormat, jobsOf, type LoadFlags, loadFiles, runJobs } from "./shared";
import { summariesExit } from "./verify";

interface CompareFlags extends RawRunFlags, LoadFlags {
  readonly format: string;
  readonly out: string;
}

export async function run(
  [specA, specB]: readonly string[],
  flags: CompareFlags,
  ctx: Context,
): Promise<Outcome> {
  const bad = checkFormat(flags.format, ["markdown", "json"]);
  if (bad) return userError(bad);
  const load = loadFiles(flags);
  if (!load.ok) return userError(load.error);
  const a = resolveSpec(specA);
  if (!a.ok) return userError(a.error);
  const b = resolveSpec(specB);
  if (!b.ok) return userError(b.error);
  const optsA = resolveRun(a.value, flags);
  if (!optsA.ok) return userError(optsA.error);
  const optsB = resolveRun(b.value, flags);
  if (!optsB.ok) return userError(optsB.error);
  const badOut = checkOutDir(flags.out, "--out");
  if (badOut !== undefined) return userError(badOut);
  const jobsA = jobsOf(optsA.value, flags.out, load.value);
  // B's cells follow A's in one run (one pool, one progress line); their numbers too.
  const jobsB = jobsOf(optsB.value, flags.out, load.value).map((j) => ({
    ...j,
    cell: j.cell + jobsA.length,
  }));
  const all = await runJobs([...jobsA, ...jobsB], ctx);
  const ra = all.slice(0, jobsA.length);
  const rb = all.slice(jobsA.length);
  const cmp = compareResults(a.value, b.value, ra, rb);
  return output(
    flags.format === "json" ? compareJson(cmp) : compareMarkdown(cmp),
    summariesExit(all, "content"),
  );
}
