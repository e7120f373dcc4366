// One cell as a job that crosses to a worker thread: plain data in (the spec, the model and
// scenario by id, the limits), plain data out (the summary, and each counterexample's ITF and
// text to be written by the main thread, so that no file is half-written on Ctrl-C).

import { findArch } from "../../model/arch/index";
import type { PreemptionModel } from "../../model/kernel/state";
import { findScenario } from "../../model/scenarios/index";
import type { Progress } from "../explore/bfs";
import { tracePath } from "../report/paths";
import { type CellSummary, summarize } from "../report/summary";
import { runCell } from "../run";
import type { Spec } from "../spec/types";
import { traceDocument } from "../trace/document";
import { traceText } from "../trace/text";

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
  /** Where counterexamples go, as the user named it. */
  readonly out: string;
}

export interface TraceFile {
  readonly path: string;
  readonly content: string;
}

export interface CellRun {
  readonly summary: CellSummary;
  readonly files: readonly TraceFile[];
}

export function runJob(job: CellJob, onProgress?: (p: Progress) => void): CellRun {
  const arch = findArch(job.arch);
  const scenario = findScenario(job.scenario);
  // The ids come from a selection resolved against the same registries.
  if (!arch || !scenario) throw new Error(`no model ${job.arch} or scenario ${job.scenario}`);
  const r = runCell(
    { spec: job.spec, arch, scenario, preemption: job.preemption },
    {
      maxStates: job.maxStates,
      timeoutMs: job.timeoutMs,
      now: () => performance.now(),
      ...(onProgress === undefined ? {} : { onProgress }),
    },
  );
  const files = r.violations.flatMap((v) => {
    const base = `${job.out}/${tracePath(r, v)}`;
    return [
      { path: `${base}.itf.json`, content: `${JSON.stringify(traceDocument(r, v), null, 1)}\n` },
      { path: `${base}.txt`, content: traceText(r, v) },
    ];
  });
  return { summary: summarize(job.cell, r, job.out), files };
}
