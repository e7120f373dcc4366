// The benchmark's reference configuration: 2 CPUs, 3 tasks, an interrupt source per CPU;
// and its 3 CPU x 3 task variant (the SPIN mirror's -DNCPU=3). Not part of the default
// matrix.

import { ptlOf } from "../kernel/primitives";
import { applyToPteRangeKernel, kfenceUnprotect, wpPageCopy, zapPteRange } from "./callers";
import type { Scenario } from "./types";

export const benchReference: Scenario = {
  id: "bench-reference",
  summary:
    "A: apply_to_pte_range() on init_mm; B: wp_page_copy() on CPU 1; C: zap_pte_range() queued on CPU 0; a kfence-like interrupt source on each CPU",
  source: "mm/memory.c, mm/kfence/core.c",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "apply_to_pte_range" },
    { id: "B", cpu: 1, entry: "wp_page_copy" },
    { id: "C", cpu: 0, entry: "zap_pte_range" },
  ],
  irqs: [
    { id: "kfence0", handler: "kfence_unprotect", bound: 1, cpus: [0] },
    { id: "kfence1", handler: "kfence_unprotect", bound: 1, cpus: [1] },
  ],
  ptes: { "user:0": 1, "user:1": 1, "user:8": 1 },
  procs: [
    applyToPteRangeKernel("apply_to_pte_range", [
      ["kernel:0", 1],
      ["kernel:1", 1],
    ]),
    wpPageCopy("wp_page_copy", "user:8", 2, `${ptlOf("user")}#2`),
    zapPteRange("zap_pte_range", ["user:0", "user:1"]),
    kfenceUnprotect("kfence_unprotect", "kernel:4", 1),
  ],
  preemption: ["full"],
};

/** The mirror's -DNCPU=3: CPU 2 starts idle and has a kfence source of its own. */
export const benchReference3cpu: Scenario = {
  ...benchReference,
  id: "bench-reference-3cpu",
  summary: `${benchReference.summary}; a third, idle CPU with its own interrupt source`,
  cpus: 3,
  irqs: [
    ...benchReference.irqs,
    { id: "kfence2", handler: "kfence_unprotect", bound: 1, cpus: [2] },
  ],
};
