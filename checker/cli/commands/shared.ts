// What the run commands share: resolving the selection into jobs, running them on the
// context's runner with progress, writing each finished cell's counterexamples (replacing
// the stale traces of the run it repeats), and marking what Ctrl-C cut off as incomplete.

import { ok, type Result, type UserError } from "../../errors";
import { type CellSummary, interrupted } from "../../report/summary";
import type { Spec } from "../../spec/types";
import type { Context } from "../command";
import { replaceCellTraces, resolveSpec } from "../files";
import type { CellJob } from "../job";
import { type RawRunFlags, type RunOptions, resolveRun } from "../options";

export interface RunFlags extends RawRunFlags {
  readonly spec?: string;
  readonly format: string;
  readonly out: string;
}

export function checkFormat(format: string, allowed: readonly string[]): UserError | undefined {
  if (allowed.includes(format)) return undefined;
  return {
    code: "bad-usage",
    message: `--format expects one of ${allowed.join(", ")}, got "${format}"`,
  };
}

export function jobsOf(opts: RunOptions, out: string): CellJob[] {
  return opts.cells.map((c, cell) => ({
    cell,
    spec: c.spec,
    arch: c.arch.id,
    commits: c.arch.commits,
    scenario: c.scenario.id,
    preemption: c.preemption,
    maxStates: opts.maxStates,
    timeoutMs: opts.timeoutSeconds * 1000,
    out,
  }));
}

/** The spec and the jobs of a selection: every input is checked before anything runs. */
export function selection(
  flags: RunFlags,
): Result<{ spec: Spec; opts: RunOptions; jobs: CellJob[] }> {
  const spec = resolveSpec(flags.spec);
  if (!spec.ok) return spec;
  const opts = resolveRun(spec.value, flags);
  if (!opts.ok) return opts;
  return ok({ spec: spec.value, opts: opts.value, jobs: jobsOf(opts.value, flags.out) });
}

/**
 * Runs the jobs and returns a summary per job, in job order. Progress counts the states of
 * finished cells and the latest count of running ones. A cell is written out as soon as it
 * finishes; cells that Ctrl-C stopped are `incomplete` (stopped by `interrupted`).
 */
export async function runJobs(jobs: readonly CellJob[], ctx: Context): Promise<CellSummary[]> {
  const start = ctx.now();
  const running = new Map<number, number>();
  let doneStates = 0;
  let done = 0;
  const report = () => {
    let states = doneStates;
    for (const n of running.values()) states += n;
    ctx.progress?.({
      done,
      total: jobs.length,
      states,
      elapsedSeconds: (ctx.now() - start) / 1000,
    });
  };
  const runs = await ctx.runner.run(jobs, {
    ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    onProgress: (i, p) => {
      running.set(i, p.states);
      report();
    },
    onDone: (i, run) => {
      const job = jobs[i];
      if (job !== undefined) {
        replaceCellTraces(
          job.out,
          [job.spec.id, job.arch, job.scenario],
          `${job.preemption}-`,
          run.files,
        );
      }
      running.delete(i);
      doneStates += run.summary.stats.states;
      done++;
      report();
    },
  });
  return jobs.map((job, i) => {
    const run = runs[i];
    if (run !== undefined) return run.summary;
    return interrupted({
      cell: job.cell,
      spec: job.spec.id,
      arch: job.arch,
      commits: job.commits,
      scenario: job.scenario,
      preemption: job.preemption,
    });
  });
}
