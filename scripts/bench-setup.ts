// The benchmark's configurations, loaded and built without exploring: `npm run bench`
// explores them (scripts/bench.ts), and `npm run bench:spin` loads this module alone to
// measure the start-up CPU time it subtracts (the modules the bench loads, nothing more).
// Configurations (sparc64 after a1d416bf9faf, preemption full, spec v6.15):
//   2x3 (default): bench-reference, 2 CPUs, 3 tasks, an interrupt source per CPU;
//     mirrored for SPIN by bench/spin/bench_reference.pml;
//   3x3: bench-reference-3cpu, the same with an idle third CPU and its own interrupt
//     source (the mirror's -DNCPU=3 variant).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../checker/cli/package-root";
import type { Cell } from "../checker/run";
import { parseSpec } from "../checker/spec/parse";
import { findArch } from "../model/arch/index";
import { benchReference, benchReference3cpu } from "../model/scenarios/bench";

export const BENCH_ARCH = "sparc64@v6.15";
export const BENCH_SPEC = "specs/lazy-mmu-v6.15.json";
export const BENCH_CONFIGS = ["2x3", "3x3"] as const;
export type BenchConfig = (typeof BENCH_CONFIGS)[number];

export function benchCell(config: BenchConfig): Cell {
  const arch = findArch(BENCH_ARCH);
  const scenario = config === "3x3" ? benchReference3cpu : benchReference;
  const spec = parseSpec(readFileSync(join(PACKAGE_ROOT, BENCH_SPEC), "utf8"), BENCH_SPEC);
  if (!arch || !spec.ok) throw new Error("bench configuration missing");
  return { spec: spec.value, arch, scenario, preemption: "full" };
}
