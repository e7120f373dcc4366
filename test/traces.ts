// Traces for the tests: the counterexamples of the cells of global-setup.ts, written once
// per test run into a temporary directory by `lazymmu verify --out DIR` as a user would run
// it; and walks through the model, for what no counterexample shows yet.

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { rebuild } from "../checker/explore/rebuild";
import type { CellResult } from "../checker/run";
import { traceDocument } from "../checker/trace/document";
import { type LoadedTrace, readTrace } from "../checker/trace/read";
import { findArch } from "../model/arch/index";
import type { PreemptionModel } from "../model/kernel/state";
import { buildMachine, initialState } from "../model/machine/machine";
import { type Action, successors } from "../model/machine/transitions";
import { findScenario } from "../model/scenarios/index";
import { bundledSpec } from "./helpers";

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/** The traces global-setup.ts wrote, once for the whole run. */
export function matrixTraces(): { dir: string; files: string[] } {
  const dir = inject("matrixDir");
  return { dir, files: walk(dir).filter((f) => f.endsWith(".itf.json")) };
}

/**
 * The trace most tests look at: sparc64 v6.5, B's set_pte_at batched on A's CPU. (From
 * v6.6 to v6.14 every set_pte_at() nests and its inner leave flushes, so this is v6.5's.)
 */
export const MIGRATION_TRACE =
  "lazy-mmu-v6.15/sparc64@v6.5/apply-to-pte-range-init-mm/full-immediate-outside.itf.json";

/**
 * A trace that is a walk, not a counterexample: from the initial state, take the first
 * transition `prefer` accepts, else the first enabled one, for `steps` steps. Lets the
 * rendering tests cover what the matrix traces do not (an interrupt handler running).
 */
export function walkTrace(
  archId: string,
  scenarioId: string,
  preemption: PreemptionModel,
  steps: number,
  prefer: (a: Action) => boolean,
): LoadedTrace {
  const arch = findArch(archId);
  const scenario = findScenario(scenarioId);
  if (!arch || !scenario) throw new Error("unknown model");
  const machine = buildMachine(arch, scenario, preemption);
  let s = initialState(machine);
  const choices: number[] = [];
  for (let i = 0; i < steps; i++) {
    const succ = successors(machine, s);
    const k = Math.max(
      0,
      succ.findIndex((t) => prefer(t.action)),
    );
    const t = succ[k];
    if (!t) break;
    choices.push(k);
    s = t.next;
  }
  const rebuilt = rebuild(machine, choices);
  if (!rebuilt.ok) throw new Error(rebuilt.reason);
  const spec = bundledSpec("lazy-mmu-v6.15");
  const cell: CellResult = {
    spec,
    machine,
    arch,
    scenario,
    preemption,
    verdict: "fail",
    violations: [],
    stats: { states: 0, transitions: 0, depth: 0, seconds: 0 },
    stoppedBy: null,
    reduced: [],
    vacuous: [],
  };
  const doc = traceDocument(cell, {
    rule: "walk",
    obligation: "model",
    text: "a walk through the model",
    message: "end of the walk",
    notes: [],
    addrs: [],
    choices,
    steps: rebuilt.steps,
  });
  const r = readTrace(JSON.stringify(doc), "walk");
  if (!r.ok) throw new Error(r.error.message);
  if (r.value.version !== 2) throw new Error("a walk written in an earlier trace format");
  return r.value;
}
