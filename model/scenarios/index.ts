// The registry of caller scenarios. Each runs on two CPUs unless it says otherwise.

import { ptlOf } from "../kernel/primitives";
import {
  applyToPteRangeKernel,
  kfenceUnprotect,
  remapPteRange,
  wpPageCopy,
  zapPteRange,
} from "./callers";
import type { Scenario } from "./types";
import { xenScenarios } from "./xen";

const ALL = ["none", "full", "rt"] as const;

export const applyToPteRangeInitMm: Scenario = {
  id: "apply-to-pte-range-init-mm",
  summary:
    "Task A maps kernel PTEs with apply_to_pte_range() on init_mm (no lock: preemptible, migratable) while task B changes a user PTE under the PTL on the other CPU",
  source: "mm/memory.c: apply_to_pte_range() (38e0edb15bd0), wp_page_copy()",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "apply_to_pte_range" },
    { id: "B", cpu: 1, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1 },
  procs: [
    applyToPteRangeKernel("apply_to_pte_range", [
      ["kernel:0", 1],
      ["kernel:1", 1],
    ]),
    wpPageCopy("wp_page_copy", "user:0", 2),
  ],
  preemption: ALL,
};

export const zapPteRangeScenario: Scenario = {
  id: "zap-pte-range",
  summary:
    "Task A unmaps user PTEs with zap_pte_range() (region under the PTL) while task B, queued on the same CPU, changes a PTE of another page table",
  source: "mm/memory.c: zap_pte_range(), wp_page_copy()",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "zap_pte_range" },
    { id: "B", cpu: 0, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1, "user:8": 1 },
  procs: [
    zapPteRange("zap_pte_range", ["user:0", "user:1"]),
    wpPageCopy("wp_page_copy", "user:8", 2, `${ptlOf("user")}#2`),
  ],
  preemption: ALL,
};

export const remapPteRangeSetPtes: Scenario = {
  id: "remap-pte-range-set-ptes",
  summary: "remap_pte_range() calls set_ptes() inside its region (nests where set_ptes enters)",
  source: "mm/memory.c: remap_pte_range(); include/linux/pgtable.h: set_ptes()",
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "remap_pte_range" }],
  irqs: [],
  ptes: {},
  procs: [
    remapPteRange("remap_pte_range", [
      ["user:0", 1],
      ["user:1", 1],
    ]),
  ],
  preemption: ALL,
};

export const kfenceIrqInRegion: Scenario = {
  id: "kfence-irq-in-region",
  summary:
    "An interrupt makes a kernel page valid (kfence_unprotect-like set_pte_at) on either CPU, inside or outside task A's zap_pte_range() region",
  source: "mm/kfence/core.c: kfence_unprotect(); mm/memory.c: zap_pte_range()",
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "zap_pte_range" }],
  irqs: [{ id: "kfence", handler: "kfence_unprotect", bound: 1 }],
  ptes: { "user:0": 1, "user:1": 1 },
  procs: [
    zapPteRange("zap_pte_range", ["user:0", "user:1"]),
    kfenceUnprotect("kfence_unprotect", "kernel:4", 1),
  ],
  preemption: ALL,
};

/** The benchmark's reference configuration: 2 CPUs, 3 tasks, an interrupt source per CPU. */
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

export const scenarios: readonly Scenario[] = [
  applyToPteRangeInitMm,
  zapPteRangeScenario,
  remapPteRangeSetPtes,
  kfenceIrqInRegion,
  ...xenScenarios,
];

/** Scenarios that exist but are not part of the default matrix. */
export const extraScenarios: readonly Scenario[] = [benchReference];

export function findScenario(id: string): Scenario | undefined {
  return [...scenarios, ...extraScenarios].find((s) => s.id === id);
}
