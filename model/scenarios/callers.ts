// Core-mm callers of the lazy MMU hooks, as procedures of steps. Each names the kernel
// function whose calling pattern it follows (mm/memory.c, mm/vmalloc.c, mm/kfence/);
// loops over PTEs are unrolled over the few addresses a scenario uses.

import { ptlOf, spin_lock, spin_unlock } from "../kernel/primitives";
import { call, type Op, type Proc, proc } from "../kernel/program";
import type { Addr, PteVal } from "../kernel/state";

export const ENTER = "arch_enter_lazy_mmu_mode";
export const LEAVE = "arch_leave_lazy_mmu_mode";
export const FLUSH = "arch_flush_lazy_mmu_mode";

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

/** `arch_enter_lazy_mmu_mode(); body; arch_leave_lazy_mmu_mode();` */
export function lazyRegion(body: readonly Op[]): Op[] {
  return [call(ENTER, {}), ...body, call(LEAVE, {})];
}

/** `pte = pte_offset_map_lock(mm, pmd, addr, &ptl); body; pte_unmap_unlock(pte, ptl);` */
export function underPtl(fn: string, lock: string, body: readonly Op[]): Op[] {
  return [
    spin_lock(fn, lock, "mm/memory.c (pte_offset_map_lock)"),
    ...body,
    spin_unlock(fn, lock, "mm/memory.c (pte_unmap_unlock)"),
  ];
}

/** apply_to_pte_range() on init_mm: no lock, a region over the kernel PTEs (mm/memory.c). */
export function applyToPteRangeKernel(name: string, writes: readonly [Addr, PteVal][]): Proc {
  return proc(name, lazyRegion(writes.map(([a, v]) => setPte(a, v))));
}

/** zap_pte_range(): under the PTL, a region that clears user PTEs (mm/memory.c). */
export function zapPteRange(name: string, addrs: readonly Addr[], lock = ptlOf("user")): Proc {
  return proc(name, underPtl("zap_pte_range", lock, lazyRegion(addrs.map(pteClear))));
}

/** A user PTE change outside any region, under the PTL (wp_page_copy(): set_pte_at). */
export function wpPageCopy(name: string, addr: Addr, value: PteVal, lock = ptlOf("user")): Proc {
  return proc(name, underPtl("wp_page_copy", lock, [setPte(addr, value)]));
}

/** remap_pte_range(): under the PTL, a region that calls set_ptes() per PTE (mm/memory.c). */
export function remapPteRange(name: string, writes: readonly [Addr, PteVal][]): Proc {
  return proc(
    name,
    underPtl("remap_pte_range", ptlOf("user"), lazyRegion(writes.map(([a, v]) => setPtes(a, v)))),
  );
}

/** An interrupt handler that makes a kernel page valid again, like kfence_unprotect(). */
export function kfenceUnprotect(name: string, addr: Addr, value: PteVal): Proc {
  return proc(name, [setPte(addr, value), call("flush_tlb_range", { addr })]);
}
