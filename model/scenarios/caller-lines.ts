// Lines of the core-mm callers (and arm64's split_kernel_leaf_mapping()) at v6.19-rc1, read
// off the hunks of the v7.0 series' patch that converted every caller, "mm: introduce
// generic lazy_mmu helpers" (Kevin Brodsky, [PATCH v6 07/14], posted 15 Dec 2025; the
// cover letter's base-commit is 8f0b4cce4481, v6.19-rc1). No earlier patch of the series
// touches these files (its diffstat counts only this patch's lines in mm/ and in
// arch/arm64/mm/mmu.c), so each hunk's old side is v6.19-rc1; every hunk replaces one line
// by one (`@@ -a,7 +a,7 @@`), so the same lines hold with the series applied (the v7
// scenarios). A line stands here only if the hunk shows it; the others stay in
// test/positions-unverified.json.
//
// Blobs (the patch's `index` lines, old side): mm/memory.c 2a55edc48a65, mm/mprotect.c
// 283889e4f1ce, mm/mremap.c 672264807db6, mm/migrate_device.c 23379663b1e1, mm/madvise.c
// b617b1be0f53, mm/vmscan.c 670fe9fae5ba, mm/kasan/shadow.c 29a751a8a08d,
// arch/arm64/mm/mmu.c 9ae7ce00a7ef, arch/powerpc/mm/book3s64/hash_tlb.c 21fcad97ae80 (the
// series touches hash_tlb.c again only in a later patch, 313a05a15a1b).

/** The version the lines below are from, for a scenario's `linesAt`. */
export const CALLERS_AT_V6_19_RC1 =
  "v6.19-rc1 (8f0b4cce4481): the old side of the hunks of 'mm: introduce generic lazy_mmu helpers' (v7.0 series v6 07/14, posted against that base-commit; its hunks replace lines 1:1, so the lines hold with the series applied too); model/scenarios/caller-lines.ts";

/** mm/memory.c at v6.19-rc1 (hunks @@ -1256 @@, -1325, -2813, -2823, -3187). */
export const MEMORY_C = {
  /** copy_pte_range(): `spin_lock_nested(src_ptl, SINGLE_DEPTH_NESTING);` */
  copyLockSrc: "mm/memory.c:1256",
  /** copy_pte_range(): `pte_unmap_unlock(orig_src_pte, src_ptl);` */
  copyUnlockSrc: "mm/memory.c:1329",
  /** copy_pte_range(): `pte_unmap_unlock(orig_dst_pte, dst_ptl);` */
  copyUnlockDst: "mm/memory.c:1331",
  /** remap_pte_range(): `mapped_pte = pte = pte_alloc_map_lock(mm, pmd, addr, &ptl);` */
  remapLock: "mm/memory.c:2813",
  /** remap_pte_range(): `pte_unmap_unlock(mapped_pte, ptl);` */
  remapUnlock: "mm/memory.c:2827",
  /** apply_to_pte_range(): `pte_unmap_unlock(mapped_pte, ptl);` (under `if (mm != &init_mm)`) */
  applyUnlock: "mm/memory.c:3193",
} as const;

/** change_pte_range() in mm/mprotect.c at v6.19-rc1 (hunks @@ -233 @@, -379). */
export const MPROTECT_C = {
  /** `flush_tlb_batched_pending(vma->vm_mm);` */
  flushBatched: "mm/mprotect.c:235",
  /** `pte_unmap_unlock(pte - 1, ptl);` */
  unlock: "mm/mprotect.c:383",
} as const;

/** move_ptes() in mm/mremap.c at v6.19-rc1 (hunk @@ -260 @@). */
export const MREMAP_C = {
  /** `spin_lock_nested(new_ptl, SINGLE_DEPTH_NESTING);` */
  lockNew: "mm/mremap.c:261",
  /** `flush_tlb_batched_pending(vma->vm_mm);` */
  flushBatched: "mm/mremap.c:262",
} as const;

/** migrate_vma_collect_pmd() in mm/migrate_device.c at v6.19-rc1 (hunks @@ -271 @@, -485). */
export const MIGRATE_DEVICE_C = {
  /** `ptep = pte_offset_map_lock(mm, pmdp, start, &ptl);` */
  lock: "mm/migrate_device.c:271",
  /** `pte_unmap_unlock(ptep - 1, ptl);` */
  unlock: "mm/migrate_device.c:489",
} as const;

/** madvise_cold_or_pageout_pte_range() in mm/madvise.c at v6.19-rc1 (hunks @@ -461, -497, -556 @@). */
export const MADVISE_C = {
  /** need_resched() path: `pte_unmap_unlock(start_pte, ptl);` */
  reschedUnlock: "mm/madvise.c:465",
  /** need_resched() path: `cond_resched();` (then `goto restart;`) */
  reschedCondResched: "mm/madvise.c:466",
  /** large-folio path: `pte_unmap_unlock(start_pte, ptl);` before split_folio() */
  splitUnlock: "mm/madvise.c:501",
  /** large-folio path: `err = split_folio(folio);` (after folio_trylock(), folio_get()) */
  splitFolio: "mm/madvise.c:503",
  /** the end: `if (start_pte) { ...; pte_unmap_unlock(start_pte, ptl); }` */
  endUnlock: "mm/madvise.c:560",
} as const;

/** walk_pte_range() in mm/vmscan.c at v6.19-rc1 (hunk @@ -3557 @@). */
export const VMSCAN_C = {
  /** `pte_unmap_unlock(pte, ptl);` */
  unlock: "mm/vmscan.c:3561",
} as const;

/** kasan_populate_vmalloc_pte() in mm/kasan/shadow.c at v6.19-rc1 (hunk @@ -319 @@). */
export const KASAN_SHADOW_C = {
  /** `spin_unlock(&init_mm.page_table_lock);` */
  unlock: "mm/kasan/shadow.c:320",
} as const;

/** split_kernel_leaf_mapping() in arch/arm64/mm/mmu.c at v6.19-rc1 (hunks @@ -801 @@, -823). */
export const ARM64_MMU_C = {
  /** `mutex_lock(&pgtable_split_lock);` */
  mutexLock: "arch/arm64/mm/mmu.c:803",
  /** `mutex_unlock(&pgtable_split_lock);` */
  mutexUnlock: "arch/arm64/mm/mmu.c:827",
} as const;

/** __flush_hash_table_range() in arch/powerpc/mm/book3s64/hash_tlb.c at v6.19-rc1 (hunks @@ -205 @@, -217). */
export const POWERPC_HASH_TLB_C = {
  /** `local_irq_save(flags);` */
  irqSave: "arch/powerpc/mm/book3s64/hash_tlb.c:207",
  /** `local_irq_restore(flags);` */
  irqRestore: "arch/powerpc/mm/book3s64/hash_tlb.c:221",
} as const;
