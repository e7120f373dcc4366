// Interrupt handlers that change kernel PTEs (KFENCE, DEBUG_PAGEALLOC-like), arriving on
// either CPU inside or outside a task's region.
//
// Sources: mm/kfence/core.c (kfence_protect()/kfence_unprotect() from the allocation and
// free paths, which run in interrupt context for GFP_ATOMIC allocations);
// arch/arm64/include/asm/kfence.h (kfence_protect_page() -> set_memory_valid());
// arch/arm64/mm/pageattr.c (__change_memory_common() -> apply_to_page_range(&init_mm, ...),
// which enters lazy MMU mode in apply_to_pte_range(); no TLB flush when only making a page
// valid). The v6.15 contract forbids the mode in interrupt context (691ee97e1a9d); arm64
// made its hooks return early there (b81c688426a9); v7.0 makes the whole API a no-op there
// (9273dfaeaca8).

import { kfenceSetMemoryValid, kfenceUnprotect, zapPteRange } from "./callers";
import type { Scenario } from "./types";

export const kfenceIrqInRegion: Scenario = {
  id: "kfence-irq-in-region",
  summary:
    "An interrupt makes a kernel page valid (kfence_unprotect-like set_pte_at) on either CPU, inside or outside task A's zap_pte_range() region",
  source: "mm/kfence/core.c: kfence_unprotect(); mm/memory.c: zap_pte_range()",
  existed: {
    archs: ["x86", "generic"],
    why: "kfence_protect_page() as a set_pte() and a TLB flush is x86's (arch/x86/include/asm/kfence.h) and riscv's; arm64 goes through set_memory_valid() (kfence-irq-apply-to-page-range), powerpc and sparc64 have their own or no KFENCE",
  },
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "zap_pte_range" }],
  irqs: [{ id: "kfence", handler: "kfence_unprotect", bound: 1 }],
  ptes: { "user:0": 1, "user:1": 1 },
  procs: [
    zapPteRange("zap_pte_range", ["user:0", "user:1"]),
    kfenceUnprotect("kfence_unprotect", "kernel:4", 1),
  ],
  preemption: ["none", "full", "rt"],
};

export const kfenceIrqApplyToPageRange: Scenario = {
  id: "kfence-irq-apply-to-page-range",
  summary:
    "An interrupt makes a KFENCE page valid through arm64's set_memory_valid() -> apply_to_page_range(&init_mm): the handler itself enters and leaves lazy MMU mode, on either CPU, inside or outside task A's zap_pte_range() region",
  source:
    "arch/arm64/mm/pageattr.c: __change_memory_common(); arch/arm64/include/asm/kfence.h: kfence_protect_page(); mm/memory.c: apply_to_pte_range(), zap_pte_range()",
  existed: {
    archs: ["arm64"],
    why: "set_memory_valid() -> apply_to_page_range() is arm64's KFENCE path (arch/arm64/mm/pageattr.c); x86's __kernel_map_pages() is CPA then arch_flush_lazy_mmu_mode()",
  },
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "zap_pte_range" }],
  irqs: [{ id: "kfence", handler: "set_memory_valid", bound: 1 }],
  ptes: { "user:0": 1, "user:1": 1 },
  procs: [
    zapPteRange("zap_pte_range", ["user:0", "user:1"]),
    kfenceSetMemoryValid("set_memory_valid", "kernel:4", 1),
  ],
  preemption: ["none", "full", "rt"],
};
