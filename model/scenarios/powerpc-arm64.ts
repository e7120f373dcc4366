// Scenarios that motivated powerpc and arm64 commits: an interrupt handler that changes
// kernel mappings through apply_to_page_range() (arm64 KFENCE: set_memory_valid(), the
// syzbot report behind b81c688426a9), and a region that nests because DEBUG_PAGEALLOC maps
// a page with apply_to_page_range() from inside it (the case 1ef3095b1405 describes).
// Sources: arch/arm64/mm/pageattr.c (set_memory_valid, __change_memory_common,
// __kernel_map_pages), arch/arm64/include/asm/kfence.h (kfence_protect_page),
// mm/memory.c (apply_to_pte_range, zap_pte_range).

import { call, proc } from "../kernel/program";
import { applyToPteRangeKernel, lazyRegion, pteClear, setPte, underPtl } from "./callers";
import type { Scenario } from "./types";

const ALL = ["none", "full", "rt"] as const;

/** set_memory_valid() -> __change_memory_common() -> apply_to_page_range(&init_mm, ...). */
function setMemoryValid(name: string, addr: string) {
  return proc(name, [...lazyRegion([setPte(addr, 1)]), call("flush_tlb_range", { addr })]);
}

export const kfenceSetMemoryValidIrq: Scenario = {
  id: "kfence-set-memory-valid-irq",
  summary:
    "Task A maps kernel PTEs with apply_to_pte_range() on init_mm; an interrupt on either CPU makes a KFENCE page valid with set_memory_valid(), itself an apply_to_page_range() region on init_mm",
  source:
    "arch/arm64/include/asm/kfence.h: kfence_protect_page(); arch/arm64/mm/pageattr.c: set_memory_valid(); b81c688426a9 (syzbot: lazy MMU hooks reached from softirq)",
  existed: {
    archs: ["arm64"],
    why: "set_memory_valid() -> apply_to_page_range() is arm64's KFENCE path (arch/arm64/mm/pageattr.c)",
  },
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "apply_to_pte_range" }],
  irqs: [{ id: "kfence", handler: "set_memory_valid", bound: 1 }],
  ptes: {},
  procs: [
    applyToPteRangeKernel("apply_to_pte_range", [
      ["kernel:0", 1],
      ["kernel:1", 1],
    ]),
    setMemoryValid("set_memory_valid", "kernel:4"),
  ],
  preemption: ALL,
};

export const debugPageallocNested: Scenario = {
  id: "debug-pagealloc-nested",
  summary:
    "Task A's zap_pte_range() region allocates a page; with DEBUG_PAGEALLOC, __kernel_map_pages() maps it with apply_to_page_range() on init_mm: a nested region",
  source:
    "1ef3095b1405 (comment: 'a page allocation inside a lazy_mmu_mode section (such as zap_pte_range()) will change permissions on the linear map with apply_to_page_range(), which re-enters lazy_mmu_mode'); arch/arm64/mm/pageattr.c: __kernel_map_pages()",
  existed: {
    archs: ["arm64"],
    why: "DEBUG_PAGEALLOC's __kernel_map_pages() through apply_to_page_range() is arm64's (arch/arm64/mm/pageattr.c); x86's is CPA then arch_flush_lazy_mmu_mode(), powerpc hash maps pages its own way",
  },
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "zap_pte_range" }],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1 },
  procs: [
    proc(
      "zap_pte_range",
      underPtl(
        "zap_pte_range",
        "ptl:user",
        lazyRegion([pteClear("user:0"), call("__kernel_map_pages", {}), pteClear("user:1")]),
      ),
    ),
    setMemoryValid("__kernel_map_pages", "kernel:4"),
  ],
  preemption: ALL,
};

export const powerpcArm64Scenarios: readonly Scenario[] = [
  kfenceSetMemoryValidIrq,
  debugPageallocNested,
];
