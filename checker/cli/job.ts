// One cell as a job that crosses to a worker thread: plain data in (the spec, the model and
// scenario by id, the limits), plain data out (the summary, and each counterexample's ITF and
// text to be written by the main thread, so that no file is half-written on Ctrl-C).

import { findArch } from "../../model/arch/index";
import type { ArchModel } from "../../model/arch/types";
import type { PreemptionModel } from "../../model/kernel/state";
import { findScenario } from "../../model/scenarios/index";
import type { Limits, Progress } from "../explore/bfs";
import { tracePath } from "../report/paths";
import { type CellSummary, summarize } from "../report/summary";
import { traceText } from "../report/trace-text";
import { type Cell, type CellResult, type RunOptions, runCell, runCellOffloaded } from "../run";
import type { Spec } from "../spec/types";
import { traceDocument } from "../trace/document";
import type { TraceFile } from "./files";

export interface CellJob {
  /** Position in the whole selection (before --shard). */
  readonly cell: number;
  readonly spec: Spec;
  readonly arch: string;
  readonly commits: readonly string[];
  readonly scenario: string;
  readonly preemption: PreemptionModel;
  readonly maxStates: number;
  readonly timeoutMs: number;
  /** Reduce by symmetry where the cell allows it (off with --no-symmetry). */
  readonly symmetry: boolean;
  /** Find units' transitions in the transition memo (off with --no-memo). */
  readonly memo: boolean;
  /** --traces-per-rule: shortest traces kept per rule, each ending in a distinct violation. */
  readonly tracesPerRule: number;
  /** --coverage: list the model steps no explored path reached. */
  readonly coverage: boolean;
  /** --load: the model files (absolute paths) to load before the ids are looked up. */
  readonly load: readonly string[];
  /** Where counterexamples go, as the user named it. */
  readonly out: string;
  /** --kernel: the model is derived from this tree (loadJobFiles derives it in the thread). */
  readonly kernel?: KernelJob;
  /** Set when --any-era runs a combination no kernel had: why no kernel had it. */
  readonly whatIf?: string;
  /**
   * Threads the cell may use (checker/explore/offload.ts: a second one expands its states
   * once it is large): set by the pool when it runs this one cell alone; absent or 1, one.
   */
  readonly parts?: number;
}

/** A kernel tree and what was asked of it: plain data, so a worker derives the same models. */
export interface KernelJob {
  /** Absolute path of the tree's top directory. */
  readonly dir: string;
  /** --arch under --kernel: the architectures read (undefined: every one the tree has). */
  readonly archs?: readonly string[];
  /** --config entries. */
  readonly config: readonly string[];
}

export interface CellRun {
  readonly summary: CellSummary;
  readonly files: readonly TraceFile[];
}

/**
 * Loads the job's --load files into this thread's registries (a worker starts with the
 * built-in models only; where they are loaded already, loading again is a no-op). Imported
 * only when there are files, so that a worker does not load the TypeScript compiler for none.
 */
export async function loadJobFiles(job: CellJob): Promise<void> {
  if (job.kernel !== undefined) await deriveJobModels(job.kernel);
  if (job.load.length === 0) return;
  const { loadModelFile } = await import("../load/load");
  const { readText } = await import("./files");
  for (const file of job.load) {
    const text = readText(file);
    const loaded = text.ok ? loadModelFile(file, text.value) : text;
    if (!loaded.ok) throw new Error(`${file}: ${loaded.error.message}`);
  }
}

/** Models derived from kernel trees in this thread, by tree, architectures and config. */
const derivedModels = new Map<string, readonly ArchModel[]>();

function kernelKey(k: KernelJob): string {
  return JSON.stringify([k.dir, k.archs ?? null, k.config]);
}

/**
 * Derives the job's models from its kernel tree, once per thread (the C parser and the
 * model/source compiler are imported only here, so that a job without --kernel never loads
 * web-tree-sitter). Derived models are not registered: their ids name a tree, not a model.
 */
async function deriveJobModels(k: KernelJob): Promise<void> {
  const key = kernelKey(k);
  if (derivedModels.has(key)) return;
  const { deriveFromTree, derivedModels: models, preloadParser } = await import("./kernel");
  await preloadParser();
  const r = deriveFromTree(k.dir, k.archs, k.config);
  // The main thread derived the same models from the same tree before making the job.
  if ("error" in r) throw new Error(`${k.dir}: ${r.error.message}`);
  derivedModels.set(key, models(r.derived));
}

function archOf(job: CellJob): ArchModel | undefined {
  if (job.kernel === undefined) return findArch(job.arch);
  return derivedModels.get(kernelKey(job.kernel))?.find((a) => a.id === job.arch);
}

/** The cell a job names, in this thread's registries. */
export function jobCell(job: CellJob): Cell {
  const arch = archOf(job);
  const scenario = findScenario(job.scenario);
  // The ids come from a selection resolved against the same registries.
  if (!arch || !scenario) throw new Error(`no model ${job.arch} or scenario ${job.scenario}`);
  return {
    spec: job.spec,
    arch,
    scenario,
    preemption: job.preemption,
    ...(job.whatIf === undefined ? {} : { whatIf: job.whatIf }),
  };
}

export function jobOptions(job: CellJob): RunOptions {
  return {
    symmetry: job.symmetry,
    memo: job.memo,
    tracesPerRule: job.tracesPerRule,
    coverage: job.coverage,
  };
}

function jobLimits(job: CellJob, onProgress?: (p: Progress) => void): Limits {
  return {
    maxStates: job.maxStates,
    timeoutMs: job.timeoutMs,
    now: () => performance.now(),
    ...(onProgress === undefined ? {} : { onProgress }),
  };
}

/**
 * States a cell stores before its expansion goes to another thread: a run this large takes
 * a second or more, so the thread's start-up (a fraction of that) pays.
 */
export const HAND_OFF_AT = 200_000;

export function runJob(job: CellJob, onProgress?: (p: Progress) => void): CellRun {
  return runOf(job, runCell(jobCell(job), jobLimits(job, onProgress), jobOptions(job)));
}

/**
 * `runJob`, its states expanded by another thread once the cell has stored `handOffAt`
 * states, where the job may use more than one (`job.parts`).
 */
export async function runJobOffloaded(
  job: CellJob,
  onProgress?: (p: Progress) => void,
  handOffAt = HAND_OFF_AT,
): Promise<CellRun> {
  const parts = job.parts ?? 1;
  if (parts <= 1) return runJob(job, onProgress);
  const { threadExpander } = await import("./expander");
  const r = await runCellOffloaded(jobCell(job), jobLimits(job, onProgress), jobOptions(job), {
    handOffAt,
    start: (shared) => threadExpander(job, shared),
  });
  return runOf(job, r);
}

function runOf(job: CellJob, r: CellResult): CellRun {
  const files = r.violations.flatMap((v) => {
    const base = `${job.out}/${tracePath(r, v)}`;
    return [
      { path: `${base}.itf.json`, content: `${JSON.stringify(traceDocument(r, v), null, 1)}\n` },
      { path: `${base}.txt`, content: traceText(r, v) },
    ];
  });
  return { summary: summarize(job.cell, r, job.out), files };
}
