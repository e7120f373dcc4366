// Shared test helpers: loading bundled specs and running one cell with generous limits.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type CellSummary, summarize } from "../checker/report/summary";
import { type CellResult, runCell } from "../checker/run";
import { parseSpec } from "../checker/spec/parse";
import type { Spec } from "../checker/spec/types";
import { findArch } from "../model/arch/index";
import type { PreemptionModel } from "../model/kernel/state";
import { incompatibility } from "../model/scenarios/api";
import { findScenario } from "../model/scenarios/index";

export const ROOT = join(__dirname, "..");

export function bundledSpec(id: string): Spec {
  const path = `specs/${id}.json`;
  const r = parseSpec(readFileSync(join(ROOT, path), "utf8"), path);
  if (!r.ok) throw new Error(`${r.error.file}: ${r.error.message}`);
  return r.value;
}

export function run(
  archId: string,
  scenarioId: string,
  preemption: PreemptionModel,
  specId = "lazy-mmu-v6.15",
  maxStates = 2_000_000,
): CellResult {
  const arch = findArch(archId);
  if (!arch) throw new Error(`no architecture model ${archId}`);
  const scenario = findScenario(scenarioId);
  if (!scenario) throw new Error(`no scenario ${scenarioId}`);
  const why = incompatibility(arch, scenario);
  if (why !== undefined) throw new Error(why);
  return runCell(
    { spec: bundledSpec(specId), arch, scenario, preemption },
    { maxStates, timeoutMs: 300_000, now: () => performance.now() },
  );
}

/** A result as the reports see it (trace paths under counterexamples/). */
export function summary(r: CellResult, cell = 0): CellSummary {
  return summarize(cell, r, "counterexamples");
}

/** Where a Chromium for the browser test may be: Debian's and Ubuntu's packages. */
export const CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"] as const;

export function findChromium(): string | undefined {
  const named = process.env.LAZYMMU_CHROMIUM;
  if (named !== undefined && named !== "") return existsSync(named) ? named : undefined;
  return CHROMIUM_PATHS.find((p) => existsSync(p));
}
