// More core-mm and arm64 callers of lazy MMU mode (issue 8, section 3), each checked against
// the kernel source or the patch that introduced it (search tool, torvalds/linux and the
// lists):
//  - mm/vmalloc.c vmap_pages_pte_range(): 44562c71e2cf (v6.16-rc1) wrapped the loop in
//    arch_enter/leave_lazy_mmu_mode() but kept its `return -EBUSY/-ENOMEM/-EINVAL` inside
//    the loop, leaving the mode on; fea18c686320 ("mm/vmalloc: leave lazy MMU mode on PTE
//    mapping error", v6.16) turns them into `err = ...; break;` before the leave.
//  - mm/vmscan.c walk_pte_range() (MGLRU, bd74fdaea146, v6.1): pte_offset_map_rw_nolock(),
//    `if (!spin_trylock(ptl)) { pte_unmap(pte); return true; }`, then the region over
//    ptep_get()/ptep_clear_young_notify(), leave, pte_unmap_unlock().
//  - mm/madvise.c madvise_cold_or_pageout_pte_range(): to split a large folio it leaves
//    the region and unlocks, sleeps in folio_lock()/split_folio(), relocks with
//    pte_offset_map_lock() and re-enters; at the end it leaves and unlocks before
//    cond_resched().
//  - mm/memory.c copy_pte_range(): dst PTL (pte_alloc_map_lock), src PTL
//    (spin_lock_nested), region over the copies, leave, unlock src, unlock dst.
//  - mm/migrate_device.c migrate_vma_collect_pmd(): pte_offset_map_lock(), enter, per PTE
//    ptep_get_and_clear() and set_pte_at() of a migration entry, then (before Ryan Roberts'
//    2025 fix of 60bae7370896, posted 2025-05-30 with the 691ee97e1a9d series)
//    flush_tlb_range() inside the region and leave after it; after the fix, leave first.
//  - arch/arm64/mm/mmu.c split_kernel_leaf_mapping() (v6.18): mutex_lock(
//    &pgtable_split_lock), arch_enter_lazy_mmu_mode() (v7.0: lazy_mmu_mode_enable()),
//    split_kernel_leaf_mapping_locked() which allocates page tables and may sleep ("not a
//    problem for arm64", its comment says: the lazy state is per task), leave, unlock.
//
// Departures: loops are unrolled over two PTEs; the vmalloc error is on the last PTE, so
// `break` and falling out of the loop are the same next step; the WARN_ON() around the
// vmalloc error is caller code and is not reported as a kernel bug (section 4 separates
// caller checks from implementation checks). The young-bit clear of MGLRU is a read here
// (the model has no accessed bit). A block split writes one kernel PTE where the kernel
// writes a table of them.

import { taskById } from "../kernel/context";
import { LAZY_MMU_MODE_LINES_AT, lazyMmuModeProcs } from "../kernel/lazy-mmu-mode";
import {
  alloc_page_may_sleep,
  might_sleep,
  nop,
  ptlOf,
  spin_lock,
  spin_unlock,
} from "../kernel/primitives";
import { call, type Op, type Proc, proc, type Step, step } from "../kernel/program";
import type { Addr } from "../kernel/state";
import {
  ARM64_MMU_C,
  CALLERS_AT_V6_19_RC1,
  MADVISE_C,
  MIGRATE_DEVICE_C,
  VMSCAN_C,
} from "./caller-lines";
import {
  copyPteRange,
  ENTER,
  flushTlbRange,
  LEAVE,
  lazyRegion,
  pteClear,
  ptepGet,
  setPte,
  underPtl,
  wpPageCopy,
  zapPteRange,
} from "./callers";
import type { Scenario } from "./types";
import { lazyMmuRegion } from "./v7";

const ALL = ["none", "full", "rt"] as const;
/**
 * The line of vmap_pages_pte_range()'s `if (WARN_ON(!pte_none(ptep_get(pte))))`, read off
 * fea18c686320 as posted and merged (index ab986dd09b6a..6dbcdceecae1, @@ -530,12 +531,18 @@):
 * 533 before it (44562c71e2cf's code, a v6.16-rc tree), 534 after it.
 */
const VMALLOC_LINES = {
  return: {
    line: 533,
    version:
      "mm/vmalloc.c blob ab986dd09b6a, fea18c686320's pre-image (v6.16-rc, 44562c71e2cf's code)",
  },
  break: { line: 534, version: "mm/vmalloc.c after fea18c686320 (blob 6dbcdceecae1)" },
} as const;

/**
 * vmap_pages_pte_range()'s check of one PTE: `if (WARN_ON(!pte_none(ptep_get(pte))))`
 * either returns from inside the region (44562c71e2cf) or breaks out of the loop to the
 * leave (fea18c686320); else set_pte_at().
 */
function vmapCheck(addr: Addr, onError: "return" | "break"): Step {
  return step(
    "vmap_pages_pte_range",
    onError === "return"
      ? "if (WARN_ON(!pte_none(ptep_get(pte)))) return -EBUSY; set_pte_at(&init_mm, addr, pte, mk_pte(page, prot))"
      : "if (WARN_ON(!pte_none(ptep_get(pte)))) { err = -EBUSY; break; } set_pte_at(&init_mm, addr, pte, mk_pte(page, prot))",
    `mm/vmalloc.c:${VMALLOC_LINES[onError].line}`,
    (d, env) => {
      env.emit({ kind: "read", addr, value: d.pte[addr] ?? 0 });
      if ((d.pte[addr] ?? 0) === 0) return { call: "set_pte_at", args: { addr, value: 1 } };
      env.locals.err = -16;
      return onError === "return" ? "return" : undefined;
    },
  );
}

function vmapPagesPteRange(onError: "return" | "break"): Proc {
  return proc("vmap_pages_pte_range", [
    call(ENTER, {}),
    vmapCheck("kernel:0", onError),
    vmapCheck("kernel:1", onError),
    call(LEAVE, {}),
  ]);
}

function vmapScenario(onError: "return" | "break"): Scenario {
  const fixed = onError === "break";
  return {
    id: fixed ? "vmap-pages-error-break" : "vmap-pages-error-return",
    linesAt: VMALLOC_LINES[onError].version,
    summary: fixed
      ? "task A maps two kernel pages with vmap_pages_pte_range(); the second PTE is already present, so the loop breaks with -EBUSY and the region is left (fea18c686320); task B changes a user PTE on the other CPU"
      : "task A maps two kernel pages with vmap_pages_pte_range(); the second PTE is already present and the loop returns -EBUSY from inside the region, leaving lazy MMU mode on (44562c71e2cf, before fea18c686320); task B changes a user PTE on the other CPU",
    source: fixed
      ? "mm/vmalloc.c vmap_pages_pte_range(), fea18c686320 (mm/vmalloc: leave lazy MMU mode on PTE mapping error)"
      : "mm/vmalloc.c vmap_pages_pte_range(), 44562c71e2cf (lazy MMU mode for vmalloc), fixed by fea18c686320",
    cpus: 2,
    tasks: [
      { id: "A", cpu: 0, entry: "vmap_pages_pte_range" },
      { id: "B", cpu: 1, entry: "wp_page_copy" },
    ],
    irqs: [],
    ptes: { "kernel:1": 1, "user:0": 1 },
    procs: [vmapPagesPteRange(onError), wpPageCopy("wp_page_copy", "user:0", 2)],
    preemption: ALL,
    existed: fixed
      ? {
          since: "v6.16",
          until: "v7.0",
          why: "fea18c686320 is in v6.16; from v7.0 the function calls lazy_mmu_mode_enable()/disable()",
        }
      : {
          since: "v6.16-rc1",
          until: "v6.16",
          why: "44562c71e2cf entered lazy MMU mode in vmap_pages_pte_range() in the v6.16 merge window; fea18c686320 fixed the error return before v6.16",
        },
  };
}

export const vmapPagesErrorReturn = vmapScenario("return");
export const vmapPagesErrorBreak = vmapScenario("break");

/** spin_trylock(lock): take it if free, else the walker gives up and returns. */
function spinTrylockOrReturn(fn: string, lock: string, at: string): Step {
  return step(fn, `if (!spin_trylock(${lock})) { pte_unmap(pte); return true; }`, at, (d, env) => {
    if (env.self.kind !== "task") throw new Error("model error: spin_trylock from an interrupt");
    if ((d.locks[lock] ?? null) !== null) return "return";
    const t = taskById(d, env.self.id);
    // rt_spin_trylock() does migrate_disable() on success; non-RT, preempt_disable().
    if (env.preemption === "rt") t.migrationDisabled += 1;
    else t.preemptCount += 1;
    (d.locks as Record<string, string | null>)[lock] = t.id;
    return undefined;
  });
}

const VMSCAN = "mm/vmscan.c (walk_pte_range)";

export const mglruWalkTrylock: Scenario = {
  id: "mglru-walk-trylock",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "task A's MGLRU walk_pte_range() trylocks the PTL (giving up if it is taken) and ages two user PTEs in a region; task B zaps the same table's PTEs under the PTL on the other CPU",
  source:
    "mm/vmscan.c walk_pte_range() (bd74fdaea146; spin_trylock() from 52fc048320ad); mm/memory.c zap_pte_range()",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "walk_pte_range" },
    { id: "B", cpu: 1, entry: "zap_pte_range" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1 },
  procs: [
    proc("walk_pte_range", [
      spinTrylockOrReturn("walk_pte_range", ptlOf("user"), VMSCAN),
      ...lazyRegion([
        ptepGet("user:0"),
        nop("walk_pte_range", "ptep_clear_young_notify(args->vma, addr, pte + i)", VMSCAN),
        ptepGet("user:1"),
      ]),
      spin_unlock("walk_pte_range", ptlOf("user"), VMSCAN_C.unlock),
    ]),
    zapPteRange("zap_pte_range", ["user:0", "user:1"]),
  ],
  preemption: ALL,
  existed: {
    since: "v6.1",
    until: "v7.0",
    why: "MGLRU's walker enters lazy MMU mode from bd74fdaea146 (v6.1); v7.0 converts it to lazy_mmu_mode_enable()",
  },
};

const MADVISE = "mm/madvise.c (madvise_cold_or_pageout_pte_range)";

export const madviseColdSplit: Scenario = {
  id: "madvise-cold-split",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "task A's madvise_cold_or_pageout_pte_range() clears a user PTE in a region, leaves it and unlocks to split a large folio (folio_lock() may sleep), relocks and re-enters, clears the next PTE, leaves and unlocks before cond_resched(); task B changes another table's PTE on the same CPU",
  source:
    "mm/madvise.c madvise_cold_or_pageout_pte_range() (the split_folio() path and the final cond_resched())",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "madvise_cold_or_pageout_pte_range" },
    { id: "B", cpu: 0, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1, "user:8": 1 },
  procs: [
    proc("madvise_cold_or_pageout_pte_range", [
      ...underPtl(
        "madvise_cold_or_pageout_pte_range",
        ptlOf("user"),
        lazyRegion([pteClear("user:0")]),
        { unlock: MADVISE_C.splitUnlock },
      ),
      // v6.19-rc1 takes the folio lock with folio_trylock() (under the PTL) before leaving;
      // split_folio() is what may sleep.
      might_sleep(
        "madvise_cold_or_pageout_pte_range",
        "err = split_folio(folio)",
        MADVISE_C.splitFolio,
      ),
      ...underPtl(
        "madvise_cold_or_pageout_pte_range",
        ptlOf("user"),
        lazyRegion([pteClear("user:1")]),
        { unlock: MADVISE_C.endUnlock },
      ),
      might_sleep("madvise_cold_or_pageout_pte_range", "cond_resched()", MADVISE),
    ]),
    wpPageCopy("wp_page_copy", "user:8", 2, `${ptlOf("user")}#2`),
  ],
  preemption: ALL,
  existed: {
    until: "v7.0",
    why: "arch-hooks callers; v7.0 converts madvise to lazy_mmu_mode_enable()/disable() (see v7-vmalloc)",
  },
};

export const copyPteRangeTwoPtls: Scenario = {
  id: "copy-pte-range-two-ptls",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "task A forks: copy_pte_range() takes the child's PTL then the parent's (spin_lock_nested) and copies two PTEs in a region; task B changes a parent PTE under the parent's PTL on the other CPU, and waits",
  source:
    "mm/memory.c copy_pte_range() (pte_alloc_map_lock(dst_mm), spin_lock_nested(src_ptl), region, unlock src, pte_unmap_unlock(dst))",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "copy_pte_range" },
    { id: "B", cpu: 1, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1 },
  procs: [
    copyPteRange("copy_pte_range", `${ptlOf("user")}#child`, ptlOf("user"), [
      ptepGet("user:0"),
      setPte("user:8", 1),
      ptepGet("user:1"),
      setPte("user:9", 1),
    ]),
    wpPageCopy("wp_page_copy", "user:1", 2),
  ],
  preemption: ALL,
  existed: {
    until: "v7.0",
    why: "arch-hooks callers; v7.0 converts copy_pte_range() to lazy_mmu_mode_enable()/disable()",
  },
};

const MIGRATE = "mm/migrate_device.c (migrate_vma_collect_pmd)";

function migrateVmaCollectPmd(flushInRegion: boolean): Proc {
  const fn = "migrate_vma_collect_pmd";
  const body = [
    ptepGet("user:0"),
    pteClear("user:0"), // ptep_get_and_clear(mm, addr, ptep)
    setPte("user:0", 9), // set_pte_at(mm, addr, ptep, swp_pte): the migration entry
  ];
  const flush = flushTlbRange("user:0");
  return proc(fn, [
    spin_lock(fn, ptlOf("user"), MIGRATE_DEVICE_C.lock),
    ...(flushInRegion ? lazyRegion([...body, flush]) : [...lazyRegion(body), flush]),
    spin_unlock(fn, ptlOf("user"), MIGRATE_DEVICE_C.unlock),
  ]);
}

function migrateScenario(flushInRegion: boolean): Scenario {
  return {
    id: flushInRegion ? "migrate-vma-flush-in-region" : "migrate-vma-flush-after-leave",
    linesAt: CALLERS_AT_V6_19_RC1,
    summary: flushInRegion
      ? "task A's migrate_vma_collect_pmd() replaces a user PTE with a migration entry and calls flush_tlb_range() inside the region, before the leave that completes deferred updates (60bae7370896 until Ryan Roberts' 2025 fix); task B changes another PTE of the table on the other CPU"
      : "migrate_vma_collect_pmd() after Ryan Roberts' 2025 fix: the region is left before flush_tlb_range(); task B changes another PTE of the table on the other CPU",
    source: `${MIGRATE}; 60bae7370896 (flush the TLB while holding the PTL); the fix "leave lazy mmu mode before the TLB maintenance" (Ryan Roberts, 2025-05-30)`,
    cpus: 2,
    tasks: [
      { id: "A", cpu: 0, entry: "migrate_vma_collect_pmd" },
      { id: "B", cpu: 1, entry: "wp_page_copy" },
    ],
    irqs: [],
    ptes: { "user:0": 1, "user:1": 1 },
    procs: [migrateVmaCollectPmd(flushInRegion), wpPageCopy("wp_page_copy", "user:1", 2)],
    preemption: ALL,
    existed: {
      until: "v7.0",
      why: flushInRegion
        ? "from 60bae7370896 until the 2025 fix (v6.16 cycle; the fix's commit id was not found in the stored sources)"
        : "from the 2025 fix; v7.0 converts the function to lazy_mmu_mode_enable()/disable()",
    },
  };
}

export const migrateVmaFlushInRegion = migrateScenario(true);
export const migrateVmaFlushAfterLeave = migrateScenario(false);

function splitKernelLeafMapping(region: (body: readonly Op[]) => Op[]): Proc {
  const fn = "split_kernel_leaf_mapping";
  return proc(fn, [
    might_sleep(fn, "mutex_lock(&pgtable_split_lock)", ARM64_MMU_C.mutexLock),
    ...region([
      alloc_page_may_sleep(
        fn,
        "arch/arm64/mm/mmu.c (split_kernel_leaf_mapping_locked: pgtable_alloc)",
      ),
      setPte("kernel:0", 2),
    ]),
    nop(fn, "mutex_unlock(&pgtable_split_lock)", ARM64_MMU_C.mutexUnlock),
  ]);
}

const splitExisted = {
  archs: ["arm64"],
  why: "arm64's own block-mapping split (rodata=full with BBML2_NOABORT), v6.18 on",
};

export const arm64SplitKernelLeafMapping: Scenario = {
  id: "arm64-split-kernel-leaf-mapping",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "task A splits a kernel block mapping with arm64's split_kernel_leaf_mapping(): under pgtable_split_lock it enters lazy MMU mode and allocates a page table, which may sleep, inside the region (allowed on arm64: its lazy state is per task); task B maps a kernel page on the same CPU",
  source:
    "arch/arm64/mm/mmu.c split_kernel_leaf_mapping() (its comment: sleeping in the region is not a problem for arm64)",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "split_kernel_leaf_mapping" },
    { id: "B", cpu: 0, entry: "vmap_page" },
  ],
  irqs: [],
  ptes: { "kernel:0": 1 },
  procs: [
    splitKernelLeafMapping(lazyRegion),
    proc("vmap_page", lazyRegion([setPte("kernel:3", 1)])),
  ],
  preemption: ALL,
  existed: { since: "v6.18", until: "v7.0", ...splitExisted },
};

export const v7Arm64SplitKernelLeafMapping: Scenario = {
  id: "v7-arm64-split-kernel-leaf-mapping",
  linesAt: `${CALLERS_AT_V6_19_RC1}; ${LAZY_MMU_MODE_LINES_AT}`,
  summary:
    "arm64-split-kernel-leaf-mapping on v7.0, where split_kernel_leaf_mapping() calls lazy_mmu_mode_enable()/disable(): the generic contract forbids sleeping in the section (f2be745071ff), arm64's implementation does not mind",
  source:
    "arch/arm64/mm/mmu.c split_kernel_leaf_mapping() (v7.0 series patch 7, reviewed by Ryan Roberts); f2be745071ff",
  api: "lazy-mmu-mode",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "split_kernel_leaf_mapping" },
    { id: "B", cpu: 0, entry: "vmap_page" },
  ],
  irqs: [],
  ptes: { "kernel:0": 1 },
  genericProcs: lazyMmuModeProcs,
  procs: [
    splitKernelLeafMapping(lazyMmuRegion),
    proc("vmap_page", lazyMmuRegion([setPte("kernel:3", 1)])),
  ],
  preemption: ALL,
  existed: { since: "v7.0", ...splitExisted },
};

export const callers2Scenarios: readonly Scenario[] = [
  vmapPagesErrorReturn,
  vmapPagesErrorBreak,
  mglruWalkTrylock,
  madviseColdSplit,
  copyPteRangeTwoPtls,
  migrateVmaFlushInRegion,
  migrateVmaFlushAfterLeave,
  arm64SplitKernelLeafMapping,
  v7Arm64SplitKernelLeafMapping,
];
