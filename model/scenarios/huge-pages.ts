// Callers that change PMD, PUD and huge-page entries (issue 8, section 3), each checked
// against the kernel source with the search tool (torvalds/linux and the lists):
//  - mm/khugepaged.c collapse_huge_page(): under pmd_lock(), `_pmd = pmdp_collapse_flush(vma,
//    address, pmd)`, unlock; then __collapse_huge_page_copy() copies the small pages into the
//    huge folio, and under the pmd lock again pgtable_trans_huge_deposit() and set_pmd_at()
//    install the huge PMD. No lazy MMU region. The flush must be complete before the copy:
//    a write through a stale small-page translation after it would be lost.
//    How the huge PMD is set changed in form only (COLLAPSE_SETS_PMD below says when): the
//    older trees build and set it inline (folio_add_new_anon_rmap(), folio_add_lru_vma(),
//    the deposit, set_pmd_at(mm, address, pmd, _pmd), update_mmu_cache_pmd(),
//    deferred_split_folio()); the later ones deposit, then call mm/huge_memory.c's
//    map_anon_folio_pmd_nopf(folio, pmd, vma, address), which does folio_mk_pmd(),
//    maybe_pmd_mkwrite(pmd_mkdirty()), folio_add_new_anon_rmap(), folio_add_lru_vma(),
//    set_pmd_at(vma->vm_mm, haddr, pmd, entry), update_mmu_cache_pmd() and
//    deferred_split_folio(), all still under the pmd lock; the MM_ANONPAGES/THP_FAULT_ALLOC
//    counters are the fault path's (map_anon_folio_pmd_pf()). The model sees the same one
//    set_pmd_at() under the same lock either way: the helper calls nothing the inline form
//    did not (folio_add_lru_vma() and deferred_split_folio(), with whatever they lock, were
//    called inline too), no lazy MMU hook and no TLB flush; the deposit moved before the
//    rmap, and neither is modelled.
//  - mm/huge_memory.c __split_huge_pmd_locked(): `old_pmd = pmdp_invalidate(vma, haddr, pmd)`
//    ("we first mark the current pmd notpresent ..., then we flush the SMP TLB and finally
//    we write the non-huge version of the pmd entry with pmd_populate"), the dirty and
//    young bits read from old_pmd, set_ptes() into the withdrawn table, pmd_populate().
//  - mm/hugetlb.c hugetlb_change_protection() (mprotect() of a hugetlb mapping): per entry,
//    under huge_pte_lock(), huge_ptep_modify_prot_start() and _commit(); after the loop
//    flush_hugetlb_tlb_range(). No lazy MMU region.
//  - arch/arm64/mm/mmu.c split_kernel_leaf_mapping() -> split_kernel_leaf_mapping_locked() ->
//    split_pmd() (v6.18): inside the region, allocate a PTE table (GFP_PGTABLE_KERNEL: may
//    sleep), __set_pte() each PTE of the table, dsb(ishst), then __pmd_populate() ->
//    set_pmd(), whose queue_pte_barriers() the region defers to its leave.
//  - mm/memory.c copy_pmd_range() -> copy_pte_range(): the child's PTE table is allocated
//    and pointed to by pte_alloc_map_lock() -> __pte_alloc() -> pmd_populate() (set_pmd():
//    on Xen PV the pv op xen_set_pmd(), a multicall issued at once outside lazy mode)
//    before the region over the PTE copies; the next PMD's table after the leave.
//
// Where the architectures go (model/arch): sparc64's set_pmd_at() and hugetlb feed
// tlb_batch_add_one() directly, not through set_ptes(); powerpc hash flushes a THP's hash
// entries at once (hpte_do_hugepage_flush()) and khugepaged's collapse in its own region
// with interrupts off (flush_hash_table_pmd_range()); arm64 queues barriers for a valid
// set_pmd()/set_pud(); Xen PV queues pmd/pud sets in the multicall buffer while lazy. x86
// has no THP or hugetlb path here: a Xen PV guest runs without CR4.PSE (xen_write_cr4()
// clears X86_CR4_PSE), so it has no huge PMDs, and x86 native's PMD path is the generic
// one, which the generic model runs.
//
// Departures: one address stands for a PMD entry and the translations under it
// (`user:pmd0`: the table's PTEs before a collapse, the huge page after it); loops are one
// or two entries; the huge folio copy and the rmap/accounting work are one nop; the
// collapse's pgtable_trans_huge_deposit() and the update_mmu_cache_pmd() after its
// set_pmd_at() are not modelled (both forms of the install call them at the same places).

import { dsb } from "../kernel/hardware";
import {
  alloc_page_may_sleep,
  might_sleep,
  nop,
  ptlOf,
  spin_lock,
  spin_unlock,
} from "../kernel/primitives";
import { call, type Proc, proc, step } from "../kernel/program";
import { ARM64_MMU_C, CALLERS_AT_V6_19_RC1, MEMORY_C } from "./caller-lines";
import { applyToPteRangeKernel, lazyRegion, ptepGet, setPte, wpPageCopy } from "./callers";
import type { Scenario } from "./types";

const ALL = ["none", "full", "rt"] as const;
const KHUGEPAGED = "mm/khugepaged.c (collapse_huge_page)";
const HUGETLB = "mm/hugetlb.c (hugetlb_change_protection)";
const MMU_C = "arch/arm64/mm/mmu.c (split_pmd)";
/** The PMD's lock (pmd_lock(): the split PMD lock, or mm->page_table_lock). */
const PMD_PTL = `${ptlOf("user")}#pmd`;
/** A huge PMD entry of a user mm, and the translations under it. */
const USER_PMD = "user:pmd0";

const THP_PATH = {
  archs: ["sparc64", "powerpc-hash", "arm64", "generic"],
  why: "a THP or hugetlb PMD: x86 Xen PV guests run without PSE (xen_write_cr4() clears X86_CR4_PSE) and have no huge PMDs; x86 native's PMD path is the generic model's",
};

/**
 * Where collapse_huge_page() sets the huge PMD, by kernel (the header says what the two forms
 * do). The commit that moved it into map_anon_folio_pmd_nopf() was not found; the trees read
 * bound it: the 2 Oct 2025 mm tree (khugepaged blob d0957648db19, quoted in "[Patch v2]
 * mm/huge_memory: add pmd folio to ds_queue in do_huge_zero_wp_pmd()", where Wei Yang
 * proposed the change and David Hildenbrand asked for it as an add-on patch) sets it inline
 * at @@ -1227 @@; blob 97d1b2824386, whose collapse_huge_page() calls
 * map_anon_folio_pmd_nopf() (Alex Shi's 14 Dec 2025 @@ -1228,7 @@), is already mm-new's on
 * 1 Dec 2025 (the old side of Nico Pache's "[PATCH v13 mm-new 01/16] khugepaged: rename
 * hpage_collapse_* to collapse_*", beside mremap.c 672264807db6, v6.19-rc1's), and the 2026
 * mTHP-collapse trees call it too. The body read is huge_memory.c blob babca060feca's (@@ -1423,13 @@ and @@ -1437,19 @@ of Luka Bai's
 * May 2026 patch; the one line between its set_pmd_at() and deferred_split_folio() that no
 * hunk shows is update_mmu_cache_pmd(vma, haddr, pmd) in the fault path's map_anon_folio_pmd()
 * before the split, as posted and as quoted in the Oct 2025 thread).
 */
const COLLAPSE_SETS_PMD =
  "set_pmd_at() inline in collapse_huge_page() up to the Oct 2025 mm tree (so up to v6.18, inferred); through map_anon_folio_pmd_nopf() -> set_pmd_at() in mm-new from 1 Dec 2025 on (so v6.19-rc1 on, inferred: the commit was not found)";

/** collapse_huge_page(): clear and flush the PMD over the small pages, copy, set the huge PMD. */
function collapseHugePage(): Proc {
  const fn = "collapse_huge_page";
  return proc(fn, [
    spin_lock(fn, PMD_PTL, `${KHUGEPAGED}: pmd_ptl = pmd_lock(mm, pmd)`),
    call("pmdp_collapse_flush", { addr: USER_PMD }),
    spin_unlock(fn, PMD_PTL, `${KHUGEPAGED}: spin_unlock(pmd_ptl)`),
    nop(
      fn,
      "__collapse_huge_page_copy(pte, folio, pmd, _pmd, vma, address, pte_ptl, &compound_pagelist)",
      KHUGEPAGED,
    ),
    spin_lock(fn, PMD_PTL, `${KHUGEPAGED}: spin_lock(pmd_ptl)`),
    call("set_pmd_at", { addr: USER_PMD, value: 2 }),
    spin_unlock(fn, PMD_PTL, `${KHUGEPAGED}: spin_unlock(pmd_ptl)`),
  ]);
}

export const collapseHugePageScenario: Scenario = {
  id: "collapse-huge-page",
  summary:
    "task A maps kernel PTEs with apply_to_pte_range() on init_mm (no lock: preemptible, migratable); khugepaged (task K, on the other CPU) collapses a user PMD's small pages into a THP: pmdp_collapse_flush() under the pmd lock, the copy, then set_pmd_at() of the huge PMD",
  source: `mm/khugepaged.c collapse_huge_page() (pmdp_collapse_flush(), __collapse_huge_page_copy(), set_pmd_at(): ${COLLAPSE_SETS_PMD}); mm/pgtable-generic.c pmdp_collapse_flush(); mm/memory.c apply_to_pte_range() (38e0edb15bd0)`,
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "apply_to_pte_range" },
    { id: "K", cpu: 1, entry: "collapse_huge_page" },
  ],
  irqs: [],
  ptes: { [USER_PMD]: 1 },
  procs: [applyToPteRangeKernel("apply_to_pte_range", [["kernel:0", 1]]), collapseHugePage()],
  preemption: ALL,
  existed: THP_PATH,
};

/** A scenario flag: A has left its region (and returned), so khugepaged may run. */
const A_DONE = "a_done";

export const collapseHugePageAfterRegion: Scenario = {
  id: "collapse-huge-page-after-region",
  summary:
    "collapse-huge-page with khugepaged (task K) starting only once task A has left its init_mm region and returned: a batch K's set_pmd_at() finds active can only be one that A's enter left behind on a CPU it no longer runs on",
  source: `mm/khugepaged.c collapse_huge_page() (${COLLAPSE_SETS_PMD}); arch/sparc/mm/tlb.c arch_enter_lazy_mmu_mode() (this_cpu_ptr() then \`tb->active = 1\`, preemptible before a1d416bf9faf); mm/memory.c apply_to_pte_range()`,
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "apply_to_page_range" },
    { id: "K", cpu: 1, entry: "khugepaged" },
  ],
  irqs: [],
  shared: { [A_DONE]: 0 },
  ptes: { [USER_PMD]: 1 },
  procs: [
    proc("apply_to_page_range", [
      call("apply_to_pte_range", {}),
      step(
        "apply_to_page_range",
        "return err  /* (scenario) A has left its region */",
        "mm/memory.c (__apply_to_page_range)",
        (d) => {
          (d.shared as Record<string, number>)[A_DONE] = 1;
        },
      ),
    ]),
    applyToPteRangeKernel("apply_to_pte_range", [["kernel:0", 1]]),
    proc("khugepaged", [
      step(
        "khugepaged",
        "(scenario) khugepaged_do_scan() reaches this PMD after A is done",
        "mm/khugepaged.c (khugepaged)",
        () => ({ call: "collapse_huge_page" }),
        { guard: (s) => s.shared[A_DONE] === 1 },
      ),
    ]),
    collapseHugePage(),
  ],
  preemption: ALL,
  existed: THP_PATH,
};

const HUGE_MEMORY = "mm/huge_memory.c (__split_huge_pmd_locked)";

/**
 * __split_huge_pmd() of an anonymous THP: under the pmd lock, pmdp_invalidate() (the old
 * entry's dirty and young bits are read from what it returns, so no CPU may still write
 * through the huge translation), then the deposited table is filled with set_ptes() and
 * installed with pmd_populate().
 */
function splitHugePmd(): Proc {
  const fn = "__split_huge_pmd";
  return proc(fn, [
    spin_lock(fn, PMD_PTL, "mm/huge_memory.c (__split_huge_pmd): ptl = pmd_lock(vma->vm_mm, pmd)"),
    call("pmdp_invalidate", { addr: USER_PMD, value: 5 }),
    nop(
      "__split_huge_pmd_locked",
      "pgtable = pgtable_trans_huge_withdraw(mm, pmd); pmd_populate(mm, &_pmd, pgtable); pte = pte_offset_map(&_pmd, haddr)",
      HUGE_MEMORY,
    ),
    call("set_ptes", { addr: "user:0", value: 1 }),
    call("pmd_populate", { addr: USER_PMD, value: 6 }),
    spin_unlock(fn, PMD_PTL, "mm/huge_memory.c (__split_huge_pmd): spin_unlock(ptl)"),
  ]);
}

export const splitHugePmdScenario: Scenario = {
  id: "split-huge-pmd",
  summary:
    "task A maps kernel PTEs with apply_to_pte_range() on init_mm (no lock: preemptible, migratable); task S splits a THP on the other CPU: pmdp_invalidate() under the pmd lock, then set_ptes() into the deposited table and pmd_populate()",
  source:
    "mm/huge_memory.c __split_huge_pmd_locked() (old_pmd = pmdp_invalidate(vma, haddr, pmd); set_ptes(); pmd_populate()); mm/pgtable-generic.c pmdp_invalidate(); mm/memory.c apply_to_pte_range() (38e0edb15bd0)",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "apply_to_pte_range" },
    { id: "S", cpu: 1, entry: "__split_huge_pmd" },
  ],
  irqs: [],
  ptes: { [USER_PMD]: 1 },
  procs: [applyToPteRangeKernel("apply_to_pte_range", [["kernel:0", 1]]), splitHugePmd()],
  preemption: ALL,
  existed: THP_PATH,
};

/** hugetlb_change_protection() over one hugetlb entry. */
function hugetlbChangeProtection(): Proc {
  const fn = "hugetlb_change_protection";
  return proc(fn, [
    spin_lock(fn, PMD_PTL, `${HUGETLB}: ptl = huge_pte_lock(h, mm, ptep)`),
    call("huge_ptep_modify_prot_start", { addr: USER_PMD }),
    call("huge_ptep_modify_prot_commit", { addr: USER_PMD, value: 3 }),
    spin_unlock(fn, PMD_PTL, `${HUGETLB}: spin_unlock(ptl)`),
    call("flush_hugetlb_tlb_range", { addr: USER_PMD }),
  ]);
}

export const hugetlbChangeProtectionScenario: Scenario = {
  id: "hugetlb-change-protection",
  summary:
    "task A maps kernel PTEs with apply_to_pte_range() on init_mm (no lock: preemptible, migratable); task H mprotect()s a hugetlb mapping on the other CPU: huge_ptep_modify_prot_start()/_commit() under huge_pte_lock(), then flush_hugetlb_tlb_range()",
  source:
    "mm/hugetlb.c hugetlb_change_protection(); include/asm-generic/hugetlb.h (huge_ptep_modify_prot_start/commit); mm/memory.c apply_to_pte_range() (38e0edb15bd0)",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "apply_to_pte_range" },
    { id: "H", cpu: 1, entry: "hugetlb_change_protection" },
  ],
  irqs: [],
  ptes: { [USER_PMD]: 1 },
  procs: [
    applyToPteRangeKernel("apply_to_pte_range", [["kernel:0", 1]]),
    hugetlbChangeProtection(),
  ],
  preemption: ALL,
  existed: THP_PATH,
};

/**
 * split_kernel_leaf_mapping() splitting a kernel PMD block: in the region, split_pmd()
 * allocates the PTE table, fills it (one PTE here), dsb(ishst), __pmd_populate().
 */
function splitKernelPmd(): Proc {
  const fn = "split_kernel_leaf_mapping";
  return proc(fn, [
    might_sleep(fn, "mutex_lock(&pgtable_split_lock)", ARM64_MMU_C.mutexLock),
    ...lazyRegion([
      alloc_page_may_sleep(
        "split_pmd",
        `${MMU_C}: pte_phys = try_pgd_pgtable_alloc_init_mm(TABLE_PTE, gfp)`,
      ),
      setPte("kernel:0", 1),
      step("split_pmd", "dsb(ishst)", MMU_C, (d, env) => {
        dsb(d, env.cpu);
      }),
      call("pmd_populate", { addr: "kernel:pmd0", value: 1 }),
    ]),
    nop(fn, "mutex_unlock(&pgtable_split_lock)", ARM64_MMU_C.mutexUnlock),
  ]);
}

export const arm64SplitKernelPmd: Scenario = {
  id: "arm64-split-kernel-pmd",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "task A splits a kernel PMD block mapping with arm64's split_kernel_leaf_mapping(): in the region, split_pmd() allocates a PTE table (may sleep), fills it, dsb(ishst), and points the PMD at it with set_pmd(), whose barriers the region defers; task B maps a kernel page in a region on the same CPU",
  source:
    "arch/arm64/mm/mmu.c split_kernel_leaf_mapping(), split_pmd() (__set_pte() per PTE, dsb(ishst), __pmd_populate()); arch/arm64/include/asm/pgtable.h set_pmd() (5fdd05efa1cd: `if (pmd_valid(pmd)) queue_pte_barriers()`)",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "split_kernel_leaf_mapping" },
    { id: "B", cpu: 0, entry: "vmap_page" },
  ],
  irqs: [],
  ptes: { "kernel:pmd0": 2 },
  procs: [splitKernelPmd(), proc("vmap_page", lazyRegion([setPte("kernel:3", 1)]))],
  preemption: ALL,
  existed: {
    since: "v6.18",
    until: "v7.0",
    archs: ["arm64"],
    why: "arm64's own block-mapping split (rodata=full with BBML2_NOABORT), v6.18 on; v7.0 calls lazy_mmu_mode_enable()",
  },
};

/**
 * copy_pmd_range() over two PMDs: for each, copy_pte_range()'s pte_alloc_map_lock() points
 * the child's PMD at a new PTE table (pmd_populate()), then the region copies a PTE.
 */
function copyPmdRange(): Proc {
  const fn = "copy_pte_range";
  const dst = `${ptlOf("user")}#child`;
  const src = ptlOf("user");
  const one = (pmd: string, from: string, to: string) => [
    call("pmd_populate", { addr: pmd, value: 1 }),
    spin_lock(fn, dst, "mm/memory.c (copy_pte_range: pte_alloc_map_lock(dst_mm, ...))"),
    spin_lock(fn, src, MEMORY_C.copyLockSrc),
    ...lazyRegion([ptepGet(from), setPte(to, 1)]),
    spin_unlock(fn, src, MEMORY_C.copyUnlockSrc),
    spin_unlock(fn, dst, MEMORY_C.copyUnlockDst),
  ];
  return proc("copy_pmd_range", [
    ...one("user:pmd8", "user:0", "user:8"),
    ...one("user:pmd9", "user:1", "user:9"),
  ]);
}

export const copyPmdRangeNewTables: Scenario = {
  id: "copy-pmd-range-new-tables",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "task A forks: for each of two PMDs, copy_pte_range() points the child's PMD at a new PTE table (pmd_populate(): set_pmd()) outside the region, then copies a PTE in a region under both PTLs; task B changes a parent PTE under the parent's PTL on the other CPU",
  source:
    "mm/memory.c copy_pmd_range(), copy_pte_range() (pte_alloc_map_lock() -> __pte_alloc() -> pmd_populate() before arch_enter_lazy_mmu_mode()); arch/x86/xen/mmu_pv.c xen_set_pmd()",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "copy_pmd_range" },
    { id: "B", cpu: 1, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1 },
  procs: [copyPmdRange(), wpPageCopy("wp_page_copy", "user:1", 2)],
  preemption: ALL,
  existed: {
    until: "v7.0",
    why: "arch-hooks callers; v7.0 converts copy_pte_range() to lazy_mmu_mode_enable()/disable()",
  },
};

export const hugePageScenarios: readonly Scenario[] = [
  collapseHugePageScenario,
  collapseHugePageAfterRegion,
  splitHugePmdScenario,
  hugetlbChangeProtectionScenario,
  arm64SplitKernelPmd,
  copyPmdRangeNewTables,
];
