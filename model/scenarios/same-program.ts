// Two tasks that run the same caller (issue 10): interchangeable tasks, where symmetry
// reduction over tasks (checker/explore/symmetry.ts) applies. Two threads of one process
// that both MADV_DONTNEED one range each run zap_pte_range() over the same page table:
// MADV_DONTNEED takes the mmap lock for reading only (mm/madvise.c
// madvise_need_mmap_write(), read at torvalds/linux 002d46a68e4a; later kernels were not
// read here), so the two zaps run at once and the PTL serializes them. The second finds
// the PTEs already none; the kernel's loop skips a pte_none entry (mm/memory.c
// zap_pte_range()), the model's ptep_get_and_clear() clears it again. Out of the default matrix
// (model/scenarios/index.ts): it is there to measure the reduction.

import { zapPteRange } from "./callers";
import type { Scenario } from "./types";

export const zapPteRangeTwice: Scenario = {
  id: "zap-pte-range-twice",
  summary:
    "Tasks A and B, one per CPU, both unmap the same two user PTEs with zap_pte_range() (two threads' MADV_DONTNEED of one range): the PTL serializes their regions, and either may be preempted or migrate while it waits",
  source: "mm/memory.c: zap_pte_range(); mm/madvise.c: madvise_dontneed_free() (mmap_lock read)",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "zap_pte_range" },
    { id: "B", cpu: 1, entry: "zap_pte_range" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1 },
  procs: [zapPteRange("zap_pte_range", ["user:0", "user:1"])],
  preemption: ["none", "full", "rt"],
};

export const sameProgramScenarios: readonly Scenario[] = [zapPteRangeTwice];
