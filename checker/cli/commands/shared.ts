// What the run commands share: loading --load files, resolving the selection into jobs
// (every input, and --out, checked before any work), running them on the context's runner
// with progress, writing each finished cell's counterexamples (replacing the stale traces
// of the run it repeats), and marking what Ctrl-C cut off as incomplete.

import { resolve } from "node:path";
import type { ArchModel } from "../../../model/arch/types";
import { fail, ok, type Result, type UserError } from "../../errors";
import { loadModelFile } from "../../load/load";
import { type CellSummary, interrupted, notBuiltSummary } from "../../report/summary";
import { modelFunctions, unknownFunctions } from "../../spec/functions";
import type { Spec } from "../../spec/types";
import type { Context } from "../command";
import { checkOutDir, readText, replaceCellTraces, resolveSpec } from "../files";
import type { CellJob, KernelJob } from "../job";
import { type RawRunFlags, type RunOptions, resolveRun } from "../options";

export interface LoadFlags {
  /** `--load FILE`, repeatable: model files to load before any id is looked up. */
  readonly load?: readonly string[];
}

export interface RunFlags extends RawRunFlags, LoadFlags {
  readonly spec?: string;
  /** --kernel DIR: derive the models from this tree (--arch then names architectures). */
  readonly kernel?: string;
  /** --config entries, with --kernel. */
  readonly config?: readonly string[];
  readonly format: string;
  readonly out: string;
}

/**
 * Loads the `--load` files (their models and scenarios join the built-in ones) and returns
 * their absolute paths, which a worker thread loads again before it looks up any id.
 */
export function loadFiles(flags: LoadFlags): Result<string[]> {
  const paths: string[] = [];
  for (const file of flags.load ?? []) {
    const path = resolve(file);
    const text = readText(path);
    if (!text.ok) return text;
    const loaded = loadModelFile(path, text.value);
    if (!loaded.ok) return fail(loaded.error);
    if (!paths.includes(path)) paths.push(path);
  }
  return ok(paths);
}

/**
 * Warnings go out before the run where the context can print them; otherwise (tests) they
 * are returned, for the head of the command's stderr.
 */
export function warnFirst(ctx: Context, warnings: string): string {
  if (warnings === "" || ctx.warn === undefined) return warnings;
  ctx.warn(warnings);
  return "";
}

/** A warning per rule that filters on a function no model or scenario defines. */
export function unknownFunctionWarnings(spec: Spec): string {
  return unknownFunctions(spec, modelFunctions())
    .map(
      (u) =>
        `lazymmu: warning: ${spec.path}: at ${u.where}: rule ${u.rule} filters on "${u.fn}", which no model or scenario defines; that check never fires\n`,
    )
    .join("");
}

export function checkFormat(format: string, allowed: readonly string[]): UserError | undefined {
  if (allowed.includes(format)) return undefined;
  return {
    code: "bad-usage",
    message: `--format expects one of ${allowed.join(", ")}, got "${format}"`,
  };
}

export function jobsOf(
  opts: RunOptions,
  out: string,
  load: readonly string[] = [],
  kernel?: KernelJob,
): CellJob[] {
  return opts.cells.map((c, cell) => ({
    cell,
    spec: c.spec,
    arch: c.arch.id,
    commits: c.arch.commits,
    scenario: c.scenario.id,
    preemption: c.preemption,
    maxStates: opts.maxStates,
    timeoutMs: opts.timeoutSeconds * 1000,
    symmetry: opts.symmetry,
    memo: opts.memo,
    tracesPerRule: opts.tracesPerRule,
    coverage: opts.coverage,
    load,
    out,
    ...(kernel === undefined ? {} : { kernel }),
    ...(c.whatIf === undefined ? {} : { whatIf: c.whatIf }),
  }));
}

/**
 * The selected combinations no kernel had (without --any-era), as `n/a` summaries numbered
 * after the jobs: reported with their reason, never run.
 */
export function notBuiltOf(opts: RunOptions): CellSummary[] {
  return opts.notBuilt.map((n, i) => notBuiltSummary(opts.cells.length + i, n));
}

/** Run summaries and n/a ones together, in selection order. */
export function withNotBuilt(
  results: readonly CellSummary[],
  notBuilt: readonly CellSummary[],
): CellSummary[] {
  return [...results, ...notBuilt].sort((a, b) => a.cell - b.cell);
}

/**
 * The spec and the jobs of a selection: every input is checked, and --out made sure to be
 * writable, before anything runs (bad input exits 2 with nothing written). `warnings` are
 * for stderr.
 */
export async function selection(flags: RunFlags): Promise<
  Result<{
    spec: Spec;
    opts: RunOptions;
    jobs: CellJob[];
    notBuilt: CellSummary[];
    warnings: string;
  }>
> {
  const load = loadFiles(flags);
  if (!load.ok) return load;
  const spec = resolveSpec(flags.spec);
  if (!spec.ok) return spec;
  const warnings = unknownFunctionWarnings(spec.value);
  const derived = await kernelModels(flags);
  if (!derived.ok) return derived;
  const opts =
    derived.value === undefined
      ? resolveRun(spec.value, flags)
      : resolveRun(spec.value, derived.value.flags, derived.value.models);
  if (!opts.ok) return opts;
  const badOut = checkOutDir(flags.out, "--out");
  if (badOut !== undefined) return fail(badOut);
  return ok({
    spec: spec.value,
    opts: opts.value,
    jobs: jobsOf(opts.value, flags.out, load.value, derived.value?.job),
    notBuilt: notBuiltOf(opts.value),
    warnings,
  });
}

/**
 * With --kernel, the models derived from the tree stand in for the built-in ones (--arch
 * names the architectures to read, so it is not an id filter then). The parser and the C
 * front end are imported only here. The job carries the tree, so that a worker thread
 * derives the same models itself (job.ts).
 */
async function kernelModels(
  flags: RunFlags,
): Promise<
  Result<{ flags: RawRunFlags; models: readonly ArchModel[]; job: KernelJob } | undefined>
> {
  if (flags.kernel === undefined) return ok(undefined);
  const { deriveFromTree, derivedModels, preloadParser } = await import("../kernel");
  await preloadParser();
  const config = flags.config ?? [];
  const r = deriveFromTree(flags.kernel, flags.arch, config);
  if ("error" in r) return fail(r.error);
  const { arch: _families, ...rest } = flags;
  return ok({
    flags: rest,
    models: derivedModels(r.derived),
    job: {
      dir: resolve(flags.kernel),
      ...(flags.arch === undefined ? {} : { archs: flags.arch }),
      config,
    },
  });
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
