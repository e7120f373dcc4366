// Scenarios that expose what only a deferring implementation (Xen PV's multicall buffer)
// shows: a region nested by set_ptes() and preempted inside the inner level, and a read
// of a PTE after writing it inside a region.
// Sources: mm/memory.c apply_to_pte_range() (38e0edb15bd0: lazy mode on init_mm, no lock,
// preemptible); include/linux/pgtable.h set_ptes() of bcc6cc832573 (enter/leave around its
// loop, v6.6..v6.14); the read-hazard sentence of the lazy MMU comment (6606c3e0da53).

import { call, proc } from "../kernel/program";
import { lazyRegion, ptepGet, setPte, setPtes } from "./callers";
import type { Scenario } from "./types";

const ALL = ["none", "full", "rt"] as const;

export const applyToPteRangeSetPtesInitMm: Scenario = {
  id: "apply-to-pte-range-set-ptes-init-mm",
  summary:
    "Task A runs apply_to_pte_range() on init_mm (no lock: preemptible) with a callback that maps each kernel PTE with set_ptes(); where set_ptes() enters lazy mode itself, the regions nest and A may be preempted inside the inner one",
  source:
    "mm/memory.c: apply_to_pte_range() (38e0edb15bd0); include/linux/pgtable.h: set_ptes() (bcc6cc832573)",
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "apply_to_pte_range" }],
  irqs: [],
  ptes: {},
  procs: [
    proc(
      "apply_to_pte_range",
      lazyRegion([call("pte_fn_set_ptes", { addr: "kernel:0", value: 1 })]),
    ),
    // A pte_fn_t that installs the PTE with set_ptes(mm, addr, ptep, pte, 1).
    proc("pte_fn_set_ptes", [setPtes("kernel:0", 1)]),
  ],
  preemption: ALL,
};

export const readAfterWriteInRegion: Scenario = {
  id: "read-after-write-in-region",
  summary:
    "Task A, inside an apply_to_pte_range() region on init_mm, sets a kernel PTE and reads it back with ptep_get() before leaving the region (a read hazard the caller must not have)",
  source:
    "include/linux/pgtable.h: 'Using this interface requires that read hazards be removed from the code' (6606c3e0da53); mm/memory.c: apply_to_pte_range()",
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "apply_to_pte_range" }],
  irqs: [],
  ptes: {},
  procs: [proc("apply_to_pte_range", lazyRegion([setPte("kernel:0", 1), ptepGet("kernel:0")]))],
  preemption: ALL,
};

export const xenScenarios: readonly Scenario[] = [
  applyToPteRangeSetPtesInitMm,
  readAfterWriteInRegion,
];
