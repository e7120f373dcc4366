// Callers that run with interrupts disabled around or inside a lazy MMU region, with an
// interrupt handler that changes a kernel PTE and may fire on the task's CPU. While
// interrupts are off no interrupt lands and the task is not preempted, and
// smp_processor_id() is legal (the DEBUG_PREEMPT check passes with interrupts off), so on
// every architecture model these regions see no interrupt inside and no CPU change.
//
// Source: arch/powerpc/mm/book3s64/hash_tlb.c (torvalds/linux, read with the search tool):
// __flush_hash_table_range() and flush_tlb_pmd_range() both do
//   local_irq_save(flags); arch_enter_lazy_mmu_mode();
//   for each PTE: pte = pte_val(*ptep); if (pte & H_PAGE_HASHPTE) hpte_need_flush(...);
//   arch_leave_lazy_mmu_mode(); local_irq_restore(flags);
// (the comment there: "we should only ever use a batch within a PTE locked section. This
// violates the rule, but will work since we don't actually modify the PTEs"). The 2025
// series turns the pair into lazy_mmu_mode_enable()/disable() with the irq save kept.
//
// Departures: the loop is unrolled over two kernel PTEs and hpte_need_flush() (the hash
// side, which the architecture models own) is left out: each iteration is the PTE read.
// Source positions: __flush_hash_table_range()'s lines at v6.19-rc1 (caller-lines.ts).
// `irqs-off-inside-region` follows no single kernel caller: it is the mirror case (the
// region opened with interrupts on, a PTE write in it made with interrupts off), there to
// pin what the models do when interrupts go off and on again inside a region.

import { local_irq_restore, local_irq_save } from "../kernel/primitives";
import { proc } from "../kernel/program";
import { CALLERS_AT_V6_19_RC1, POWERPC_HASH_TLB_C } from "./caller-lines";
import { kfenceUnprotect, lazyRegion, ptepGet, setPte } from "./callers";
import type { Scenario } from "./types";

const HASH_TLB_C = "arch/powerpc/mm/book3s64/hash_tlb.c";

export const flushHashTableRangeIrqsOff: Scenario = {
  id: "flush-hash-table-range-irqs-off",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "Task A reads kernel PTEs in a region with interrupts disabled around it (__flush_hash_table_range()); an interrupt changes another kernel PTE on A's CPU, before or after",
  source: `${HASH_TLB_C}: __flush_hash_table_range(), flush_tlb_pmd_range()`,
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "__flush_hash_table_range" }],
  irqs: [{ id: "kfence", handler: "kfence_unprotect", bound: 1, cpus: [0] }],
  ptes: { "kernel:4": 1, "kernel:5": 1 },
  procs: [
    proc("__flush_hash_table_range", [
      local_irq_save("__flush_hash_table_range", "flags", POWERPC_HASH_TLB_C.irqSave),
      ...lazyRegion([ptepGet("kernel:4"), ptepGet("kernel:5")]),
      local_irq_restore("__flush_hash_table_range", "flags", POWERPC_HASH_TLB_C.irqRestore),
    ]),
    kfenceUnprotect("kfence_unprotect", "kernel:6", 1),
  ],
  preemption: ["none", "full", "rt"],
};

export const irqsOffInsideRegion: Scenario = {
  id: "irqs-off-inside-region",
  summary:
    "Task A enters a region with interrupts on, writes one kernel PTE, then disables interrupts for a second write and enables them before leaving; an interrupt changes another kernel PTE on A's CPU",
  source: `include/linux/irqflags.h: local_irq_save()/local_irq_restore(); the pattern of ${HASH_TLB_C} turned inside out`,
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "irqs_off_inside_region" }],
  irqs: [{ id: "kfence", handler: "kfence_unprotect", bound: 1, cpus: [0] }],
  ptes: { "kernel:4": 1, "kernel:5": 1 },
  procs: [
    proc(
      "irqs_off_inside_region",
      lazyRegion([
        setPte("kernel:4", 2),
        local_irq_save("irqs_off_inside_region", "flags"),
        setPte("kernel:5", 2),
        local_irq_restore("irqs_off_inside_region", "flags"),
      ]),
    ),
    kfenceUnprotect("kfence_unprotect", "kernel:6", 1),
  ],
  preemption: ["none", "full", "rt"],
};

export const irqsOffScenarios: readonly Scenario[] = [
  flushHashTableRangeIrqsOff,
  irqsOffInsideRegion,
];
