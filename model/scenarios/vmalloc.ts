// Scenarios of mm/vmalloc.c: vmap_pte_range() and vunmap_pte_range() run lazy regions on
// init_mm with no lock held, so the region is preemptible and the task may migrate
// (38e0edb15bd0 era onward; the lazy calls in vmalloc.c are checked against v6.x/v7.0
// patches quoting them; the stored torvalds/linux mm/vmalloc.c is a v3.x copy without
// them). The second task is queued on the same CPU, so that it runs inside A's region
// whenever A is preempted.
//
// Departure: vunmap_pte_range() leaves the TLB flush to the caller
// (flush_tlb_kernel_range() when lazily freed areas are purged); an architecture model
// that tracked stale kernel translations would show the cleared PTEs not in effect at
// leave, by the kernel's design rather than by a lazy MMU bug. The models available here
// (generic, sparc64) do not track init_mm translations.

import { ptlOf } from "../kernel/primitives";
import { vmapPteRange, vunmapPteRange, wpPageCopy } from "./callers";
import type { Scenario } from "./types";

const OTHER_PTL = `${ptlOf("user")}#2`;

export const vmapPteRangeScenario: Scenario = {
  id: "vmap-pte-range",
  summary:
    "Task A maps vmalloc pages with vmap_pte_range() (init_mm, no lock: preemptible region) while task B, queued on the same CPU, changes a user PTE under its PTL",
  source: "mm/vmalloc.c: vmap_pte_range(); mm/memory.c: wp_page_copy()",
  existed: {
    since: "v6.16",
    why: "44562c71e2cf (v6.16) made vmap_pte_range() and vunmap_pte_range() enter lazy MMU mode",
  },
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "vmap_pte_range" },
    { id: "B", cpu: 0, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:8": 1 },
  procs: [
    vmapPteRange("vmap_pte_range", [
      ["kernel:0", 1],
      ["kernel:1", 1],
    ]),
    wpPageCopy("wp_page_copy", "user:8", 2, OTHER_PTL),
  ],
  preemption: ["none", "full", "rt"],
};

export const vunmapPteRangeScenario: Scenario = {
  id: "vunmap-pte-range",
  summary:
    "Task A unmaps vmalloc pages with vunmap_pte_range() (init_mm, no lock: preemptible region) while task B, queued on the same CPU, changes a user PTE under its PTL",
  source: "mm/vmalloc.c: vunmap_pte_range(); mm/memory.c: wp_page_copy()",
  existed: {
    since: "v6.16",
    why: "44562c71e2cf (v6.16) made vmap_pte_range() and vunmap_pte_range() enter lazy MMU mode",
  },
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "vunmap_pte_range" },
    { id: "B", cpu: 0, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "kernel:0": 1, "kernel:1": 1, "user:8": 1 },
  procs: [
    vunmapPteRange("vunmap_pte_range", ["kernel:0", "kernel:1"]),
    wpPageCopy("wp_page_copy", "user:8", 2, OTHER_PTL),
  ],
  preemption: ["none", "full", "rt"],
};
