// Scenarios of the TLB flush that follows a region: the mmu_gather flush after
// zap_pte_range() (tlb_finish_mmu()), the flush_tlb_range() after an mprotect walk, and
// arm64's flush_tlb_kernel_range() after a permission change of kernel mappings. On x86
// and arm64 a changed PTE stays cached in the TLBs until that flush; on Xen PV the flush
// is an MMUEXT op queued in the multicall buffer behind the updates; sparc64 and powerpc
// hash invalidate from their own PTE path and their tlb_flush() flushes this CPU's batch.
// What they check: that no flush takes effect before an update it follows is issued, and
// that a flush made outside lazy MMU mode has taken effect when it returns
// (flush-after-updates; model/kernel/hardware.ts has the state).
//
// Sources (calling patterns checked with the search tool, in patches quoting the code):
//  - mm/memory.c zap_pte_range(): `arch_leave_lazy_mmu_mode(); /* Do the actual TLB flush
//    before dropping ptl */ if (force_flush) tlb_flush_mmu_tlbonly(tlb); pte_unmap_unlock()`
//    (v5.x to v7.0, where the leave is lazy_mmu_mode_disable()): the flush comes after the
//    region; otherwise at tlb_finish_mmu() (mm/mmu_gather.c) after the walk.
//  - mm/mprotect.c change_pte_range(): the region under the PTL; the TLB flush of the
//    changed range after the walk (flush_tlb_range() in change_protection_range(), or, with
//    mprotect on mmu_gather, tlb_finish_mmu() in do_mprotect_pkey(): outside the region and
//    the PTL either way; the model uses flush_tlb_range()).
//  - arch/arm64/mm/pageattr.c __change_memory_common(): apply_to_page_range(&init_mm, ...)
//    (a lazy region over the kernel PTEs, no lock), then flush_tlb_kernel_range().
//  - arch/sparc/include/asm/tlb_64.h: `#define tlb_flush(tlb) flush_tlb_pending()`;
//    arch/powerpc/mm/book3s64/hash_tlb.c hash__tlb_flush(): `if (tlbbatch->index)
//    __flush_tlb_pending(tlbbatch)` on this CPU's batch (get_cpu_var).
//
// Departures: one gathered address per tlb_finish_mmu()/flush_tlb_range() call; the
// force_flush flush under the PTL is not taken (no dirty shared page, no full batch).

import { LAZY_MMU_MODE_LINES_AT, lazyMmuModeProcs } from "../kernel/lazy-mmu-mode";
import { nop, ptlOf } from "../kernel/primitives";
import { call, proc } from "../kernel/program";
import { CALLERS_AT_V6_19_RC1 } from "./caller-lines";
import {
  changePteRange,
  flushTlbRange,
  lazyRegion,
  ptepGetAndClear,
  setPte,
  underPtl,
  wpPageCopy,
  zapPteRange,
} from "./callers";
import type { Scenario } from "./types";
import { lazyMmuRegion } from "./v7";

const ALL = ["none", "full", "rt"] as const;
const OTHER_PTL = `${ptlOf("user")}#2`;

/** tlb_finish_mmu(&tlb) for one gathered address (mm/mmu_gather.c). */
function tlbFinishMmu(addr: string) {
  return call("tlb_finish_mmu", { addr });
}

export const zapPteRangeTlbFinishMmu: Scenario = {
  id: "zap-pte-range-tlb-finish-mmu",
  summary:
    "Task A unmaps two user PTEs with zap_pte_range() (region under the PTL), then tlb_finish_mmu() flushes the gathered range; task B, queued on the same CPU, changes a PTE of another table",
  source:
    "mm/memory.c: unmap_region()/zap_pte_range(); mm/mmu_gather.c: tlb_gather_mmu(), tlb_finish_mmu() -> tlb_flush()",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "unmap_region" },
    { id: "B", cpu: 0, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1, "user:8": 1 },
  procs: [
    proc("unmap_region", [
      nop("unmap_region", "tlb_gather_mmu(&tlb, mm)", "mm/mmu_gather.c (tlb_gather_mmu)"),
      call("zap_pte_range"),
      tlbFinishMmu("user:0"),
      tlbFinishMmu("user:1"),
    ]),
    zapPteRange("zap_pte_range", ["user:0", "user:1"]),
    wpPageCopy("wp_page_copy", "user:8", 2, OTHER_PTL),
  ],
  preemption: ALL,
};

export const changeProtectionFlushTlbRange: Scenario = {
  id: "change-protection-flush-tlb-range",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "Task A changes the protection of two user PTEs with change_pte_range() (mprotect; region under the PTL), then flushes the changed range with flush_tlb_range() after the walk; task B, queued on the same CPU, changes a PTE of another table",
  source:
    "mm/mprotect.c: change_protection_range() -> change_pte_range(), then flush_tlb_range(); mm/memory.c: wp_page_copy()",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "change_protection" },
    { id: "B", cpu: 0, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1, "user:8": 1 },
  procs: [
    proc("change_protection", [
      call("change_pte_range"),
      flushTlbRange("user:0"),
      flushTlbRange("user:1"),
    ]),
    changePteRange("change_pte_range", [
      ["user:0", 3],
      ["user:1", 3],
    ]),
    wpPageCopy("wp_page_copy", "user:8", 2, `${ptlOf("user")}#3`),
  ],
  preemption: ALL,
};

export const arm64ChangeMemoryFlushKernelRange: Scenario = {
  id: "arm64-change-memory-flush-kernel-range",
  summary:
    "Task A changes the permissions of two valid kernel PTEs with arm64's __change_memory_common() (apply_to_page_range() on init_mm: a region, no lock, preemptible and migratable), then flush_tlb_kernel_range(); task B, queued on the same CPU, changes a user PTE",
  source:
    "arch/arm64/mm/pageattr.c: __change_memory_common() (apply_to_page_range(&init_mm, ...), flush_tlb_kernel_range()); mm/memory.c: apply_to_pte_range()",
  existed: {
    why: "__change_memory_common() (set_memory_ro() and friends) is arm64's own path (x86 uses CPA)",
    archs: ["arm64"],
  },
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "__change_memory_common" },
    { id: "B", cpu: 0, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "kernel:0": 1, "kernel:1": 1, "user:8": 1 },
  procs: [
    proc("__change_memory_common", [
      call("apply_to_pte_range"),
      flushTlbRange("kernel:0"),
      flushTlbRange("kernel:1"),
    ]),
    proc("apply_to_pte_range", lazyRegion([setPte("kernel:0", 2), setPte("kernel:1", 2)])),
    wpPageCopy("wp_page_copy", "user:8", 2, OTHER_PTL),
  ],
  preemption: ALL,
};

export const v7ZapPteRangeTlbFinishMmu: Scenario = {
  id: "v7-zap-pte-range-tlb-finish-mmu",
  linesAt: LAZY_MMU_MODE_LINES_AT,
  summary:
    "v7.0: task A unmaps two user PTEs with zap_pte_range() (lazy_mmu_mode_enable()/disable() under the PTL), then tlb_finish_mmu() flushes the gathered range; task B, queued on the same CPU, changes a PTE of another table",
  source:
    "mm/memory.c: zap_pte_range() (lazy_mmu_mode_disable(), then tlb_flush_mmu_tlbonly() under force_flush); mm/mmu_gather.c: tlb_finish_mmu()",
  api: "lazy-mmu-mode",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "unmap_region" },
    { id: "B", cpu: 0, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1, "user:8": 1 },
  genericProcs: lazyMmuModeProcs,
  procs: [
    proc("unmap_region", [
      nop("unmap_region", "tlb_gather_mmu(&tlb, mm)", "mm/mmu_gather.c (tlb_gather_mmu)"),
      call("zap_pte_range"),
      tlbFinishMmu("user:0"),
      tlbFinishMmu("user:1"),
    ]),
    proc(
      "zap_pte_range",
      underPtl(
        "zap_pte_range",
        ptlOf("user"),
        lazyMmuRegion([ptepGetAndClear("user:0"), ptepGetAndClear("user:1")]),
      ),
    ),
    wpPageCopy("wp_page_copy", "user:8", 2, OTHER_PTL),
  ],
  preemption: ALL,
};

export const tlbScenarios: readonly Scenario[] = [
  zapPteRangeTlbFinishMmu,
  changeProtectionFlushTlbRange,
  arm64ChangeMemoryFlushKernelRange,
  v7ZapPteRangeTlbFinishMmu,
];
