// Three-CPU variants of the callers where a bug could need a third CPU (issue 10): a
// region that may be preempted and migrate twice (CPU 0 -> 1 -> 2, or back to a CPU whose
// per-CPU lazy state it left behind), a third CPU for a task that flushes, and khugepaged
// on a CPU that neither of the region's CPUs is. Each is its two-CPU scenario with one CPU
// more (and, where it says so, a task started elsewhere); the callers are the same
// procedures. They stay out of the default matrix (model/scenarios/index.ts says why).
// Measured on the built-in models (test/three-cpus.test.ts checks a sample): every cell
// gives its two-CPU original's verdict.

import { migrateVmaFlushInRegion } from "./callers-2";
import { collapseHugePageAfterRegion } from "./huge-pages";
import { applyToPteRangeInitMm } from "./memory";
import type { Scenario, TaskSpec } from "./types";

interface ThirdCpu {
  /** What the third CPU adds, for the summary. */
  readonly adds: string;
  /** Tasks to move to or start on CPU 2. */
  readonly tasks?: (tasks: readonly TaskSpec[]) => readonly TaskSpec[];
}

function onThreeCpus(base: Scenario, third: ThirdCpu): Scenario {
  return {
    ...base,
    id: `${base.id}-3cpu`,
    summary: `${base.id} on three CPUs: ${third.adds}`,
    cpus: 3,
    tasks: third.tasks ? third.tasks(base.tasks) : base.tasks,
  };
}

export const applyToPteRangeInitMm3 = onThreeCpus(applyToPteRangeInitMm, {
  adds: "task A's preemptible init_mm region may migrate to either other CPU and back, while task B changes a user PTE on CPU 1",
});

export const collapseHugePageAfterRegion3 = onThreeCpus(collapseHugePageAfterRegion, {
  adds: "task A's region may leave a per-CPU batch behind on CPU 0 or 1, and khugepaged runs on CPU 2",
  tasks: (t) => t.map((task) => (task.id === "K" ? { ...task, cpu: 2 } : task)),
});

export const migrateVmaFlushInRegion3 = onThreeCpus(migrateVmaFlushInRegion, {
  adds: "task A may migrate to CPU 2 inside its region, before or after flush_tlb_range()",
});

export const threeCpuScenarios: readonly Scenario[] = [
  applyToPteRangeInitMm3,
  collapseHugePageAfterRegion3,
  migrateVmaFlushInRegion3,
];
