// Core-mm callers of the lazy MMU hooks, as procedures of steps. Each names the kernel
// function whose calling pattern it follows; loops over PTEs are unrolled over the few
// addresses a scenario uses.
//
// Sources (calling patterns checked with the search tool; the stored torvalds/linux copies
// of mm/memory.c, mm/vmalloc.c and fs/proc/task_mmu.c are old (pre-v5, pre-PAGEMAP_SCAN),
// so the v6.x patterns were read from patches on the lists quoting these functions, v6.5
// to v7.0, in which the calling pattern is the same; eras before v6.5 were not checked):
//  - mm/memory.c: apply_to_pte_range() (enter after pte_alloc_map_lock() for a user mm,
//    after pte_alloc_kernel() for init_mm: no lock), zap_pte_range(), remap_pte_range()
//    (enter after pte_alloc_map_lock(), set_pte_at() per PTE, leave before unlock),
//    copy_pte_range() (both PTLs, region inside).
//  - mm/mprotect.c: change_pte_range() (PTL; flush_tlb_batched_pending(); enter; per PTE
//    ptep_get(), ptep_modify_prot_start(), ptep_modify_prot_commit(); leave; unlock).
//  - mm/mremap.c: move_ptes() (old PTL, then new PTL with spin_lock_nested() when it
//    differs; enter; per PTE ptep_get_and_clear(old), set_pte_at(new); leave; flush if
//    force_flush; unlock new, unlock old).
//  - mm/vmalloc.c: vmap_pte_range() and vunmap_pte_range() (init_mm, no lock).
//  - arch/arm64/mm/pageattr.c: __change_memory_common() calls apply_to_page_range() on
//    init_mm (up to v6.16; later a lockless walker wrapped in enter/leave), used by
//    set_memory_valid() from kfence_protect_page() (arch/arm64/include/asm/kfence.h).
//
// Departures: the PTE primitives are called by name (set_pte_at, set_ptes, pte_clear,
// ptep_get_and_clear, ptep_modify_prot_start/commit) and each architecture model resolves
// them to what its era compiled (model/kernel/primitives.ts has the generic chain:
// set_pte_at -> set_ptes -> set_pte from v6.6). remap_pte_range() calls set_ptes() itself.
// zap_pte_range()'s ptep_get_and_clear_full() is ptep_get_and_clear() (the generic
// definition; x86's own only picks the non-atomic variant for a full mm). THP branches,
// error paths and rss/rmap bookkeeping are left out.

import { ENTER, FLUSH, LEAVE } from "../kernel/hooks";
import { nop, ptlOf, spin_lock, spin_unlock } from "../kernel/primitives";
import { call, type Op, type Proc, proc } from "../kernel/program";
import type { Addr, PteVal } from "../kernel/state";
import { MEMORY_C, MPROTECT_C, MREMAP_C } from "./caller-lines";

export { ENTER, FLUSH, LEAVE };

export function setPte(addr: Addr, value: PteVal): Op {
  return call("set_pte_at", { addr, value });
}

export function setPtes(addr: Addr, value: PteVal): Op {
  return call("set_ptes", { addr, value });
}

export function pteClear(addr: Addr): Op {
  return call("pte_clear", { addr });
}

export function ptepGet(addr: Addr): Op {
  return call("ptep_get", { addr });
}

export function flushTlbRange(addr: Addr): Op {
  return call("flush_tlb_range", { addr });
}

/** ptep_get_and_clear(mm, addr, ptep): what the architecture defines (generic: read, clear). */
export function ptepGetAndClear(addr: Addr): Op {
  return call("ptep_get_and_clear", { addr });
}

/** `old = ptep_modify_prot_start(vma, addr, ptep); ptep_modify_prot_commit(..., old, new)`. */
export function ptepModifyProt(addr: Addr, value: PteVal): Op[] {
  return [
    call("ptep_modify_prot_start", { addr }),
    call("ptep_modify_prot_commit", { addr, value }),
  ];
}

/** `arch_enter_lazy_mmu_mode(); body; arch_leave_lazy_mmu_mode();` */
export function lazyRegion(body: readonly Op[]): Op[] {
  return [call(ENTER, {}), ...body, call(LEAVE, {})];
}

/** Where a caller takes and drops its PTL; `file (function)` where no line was read. */
export interface PtlAt {
  readonly lock?: string;
  readonly unlock?: string;
}

/**
 * `pte = pte_offset_map_lock(mm, pmd, addr, &ptl); body; pte_unmap_unlock(pte, ptl);`, at
 * the caller's lines where `at` gives them (model/scenarios/caller-lines.ts).
 */
export function underPtl(fn: string, lock: string, body: readonly Op[], at: PtlAt = {}): Op[] {
  return [
    spin_lock(fn, lock, at.lock ?? "mm/memory.c (pte_offset_map_lock)"),
    ...body,
    spin_unlock(fn, lock, at.unlock ?? "mm/memory.c (pte_unmap_unlock)"),
  ];
}

/** apply_to_pte_range() on init_mm: no lock, a region over the kernel PTEs (mm/memory.c). */
export function applyToPteRangeKernel(name: string, writes: readonly [Addr, PteVal][]): Proc {
  return proc(name, lazyRegion(writes.map(([a, v]) => setPte(a, v))));
}

/** apply_to_pte_range() on a user mm: pte_alloc_map_lock(), then the region (mm/memory.c). */
export function applyToPteRangeUser(
  name: string,
  writes: readonly [Addr, PteVal][],
  lock = ptlOf("user"),
): Proc {
  return proc(
    name,
    underPtl("apply_to_pte_range", lock, lazyRegion(writes.map(([a, v]) => setPte(a, v))), {
      unlock: MEMORY_C.applyUnlock,
    }),
  );
}

/**
 * zap_pte_range(): under the PTL, a region that clears user PTEs with
 * ptep_get_and_clear_full() (mm/memory.c).
 */
export function zapPteRange(name: string, addrs: readonly Addr[], lock = ptlOf("user")): Proc {
  return proc(name, underPtl("zap_pte_range", lock, lazyRegion(addrs.map(ptepGetAndClear))));
}

/** A user PTE change outside any region, under the PTL (wp_page_copy(): set_pte_at). */
export function wpPageCopy(name: string, addr: Addr, value: PteVal, lock = ptlOf("user")): Proc {
  return proc(name, underPtl("wp_page_copy", lock, [setPte(addr, value)]));
}

/**
 * copy_pte_range() (mm/memory.c): dst_pte = pte_alloc_map_lock(dst_mm, ...), then
 * spin_lock_nested(src_ptl, SINGLE_DEPTH_NESTING), a region over the body, leave, then
 * pte_unmap_unlock(orig_src_pte, src_ptl) and pte_unmap_unlock(orig_dst_pte, dst_ptl).
 */
export function copyPteRange(
  name: string,
  dstLock: string,
  srcLock: string,
  body: readonly Op[],
): Proc {
  const fn = "copy_pte_range";
  return proc(name, [
    spin_lock(fn, dstLock, "mm/memory.c (copy_pte_range: pte_alloc_map_lock(dst_mm, ...))"),
    spin_lock(fn, srcLock, MEMORY_C.copyLockSrc),
    ...lazyRegion(body),
    spin_unlock(fn, srcLock, MEMORY_C.copyUnlockSrc),
    spin_unlock(fn, dstLock, MEMORY_C.copyUnlockDst),
  ]);
}

/** remap_pte_range(): under the PTL, a region that calls set_ptes() per PTE (mm/memory.c). */
export function remapPteRange(name: string, writes: readonly [Addr, PteVal][]): Proc {
  return proc(
    name,
    underPtl("remap_pte_range", ptlOf("user"), lazyRegion(writes.map(([a, v]) => setPtes(a, v))), {
      lock: MEMORY_C.remapLock,
      unlock: MEMORY_C.remapUnlock,
    }),
  );
}

/**
 * change_pte_range() (mm/mprotect.c): under the PTL, flush_tlb_batched_pending(), then a
 * region that per PTE reads it, clears it (ptep_modify_prot_start) and writes the new
 * protection (ptep_modify_prot_commit).
 */
export function changePteRange(
  name: string,
  writes: readonly [Addr, PteVal][],
  lock = ptlOf("user"),
): Proc {
  return proc(
    name,
    underPtl(
      "change_pte_range",
      lock,
      [
        nop("change_pte_range", "flush_tlb_batched_pending(vma->vm_mm)", MPROTECT_C.flushBatched),
        ...lazyRegion(
          // oldpte = ptep_get(pte); oldpte = ptep_modify_prot_start(); ptep_modify_prot_commit().
          writes.flatMap(([a, v]) => [ptepGet(a), ...ptepModifyProt(a, v)]),
        ),
      ],
      { unlock: MPROTECT_C.unlock },
    ),
  );
}

/**
 * move_ptes() (mm/mremap.c): old PTL, then the new table's PTL (spin_lock_nested), a region
 * that moves each PTE (ptep_get_and_clear(old), set_pte_at(new)), the TLB flush of the old
 * range after leave (force_flush), then unlock new and old.
 */
export function movePtes(
  name: string,
  moves: readonly [Addr, Addr, PteVal][],
  oldLock: string,
  newLock: string,
): Proc {
  const fn = "move_ptes";
  return proc(name, [
    spin_lock(fn, oldLock, "mm/mremap.c (pte_offset_map_lock)"),
    spin_lock(fn, newLock, MREMAP_C.lockNew),
    nop(fn, "flush_tlb_batched_pending(vma->vm_mm)", MREMAP_C.flushBatched),
    ...lazyRegion(moves.flatMap(([from, to, v]) => [ptepGetAndClear(from), setPte(to, v)])),
    ...moves.map(([from]) => flushTlbRange(from)),
    spin_unlock(fn, newLock, "mm/mremap.c (spin_unlock(new_ptl))"),
    spin_unlock(fn, oldLock, "mm/mremap.c (pte_unmap_unlock(old_ptep - 1, old_ptl))"),
  ]);
}

/**
 * vmap_pte_range() (mm/vmalloc.c): pte_alloc_kernel_track(), then, no lock held, a region
 * that checks each kernel PTE is none (ptep_get) and maps a page (set_pte_at).
 */
export function vmapPteRange(name: string, writes: readonly [Addr, PteVal][]): Proc {
  return proc(name, lazyRegion(writes.flatMap(([a, v]) => [ptepGet(a), setPte(a, v)])));
}

/**
 * vunmap_pte_range() (mm/vmalloc.c): pte_offset_kernel(), then, no lock held, a region of
 * ptep_get_and_clear() over the kernel PTEs. The TLB flush is the caller's, later
 * (flush_tlb_kernel_range() when lazily freed vmap areas are purged).
 */
export function vunmapPteRange(name: string, addrs: readonly Addr[]): Proc {
  return proc(name, lazyRegion(addrs.map(ptepGetAndClear)));
}

/** An interrupt handler that makes a kernel page valid again, like kfence_unprotect(). */
export function kfenceUnprotect(name: string, addr: Addr, value: PteVal): Proc {
  return proc(name, [setPte(addr, value), flushTlbRange(addr)]);
}

/**
 * An interrupt handler that makes a kernel page valid through arm64's set_memory_valid():
 * __change_memory_common() -> apply_to_page_range(&init_mm, ...) -> apply_to_pte_range(),
 * which enters lazy MMU mode. Making a page valid needs no TLB flush (arm64 pageattr.c).
 */
export function kfenceSetMemoryValid(name: string, addr: Addr, value: PteVal): Proc {
  return proc(name, lazyRegion([setPte(addr, value)]));
}
