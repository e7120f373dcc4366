// kmap_local_page() / kunmap_local() as callers see them: a kernel PTE (the per-CPU kmap
// fixmap slot) set and used at once, and cleared again. The caller expects the mapping
// to be usable as soon as kmap_local_page() returns: an immediate-mode update.
//
// Source: mm/highmem.c __kmap_local_pfn_prot() and kunmap_local_indexed() (v5.11, and
// the same shape through v7.0, checked against patch excerpts quoting them):
//   migrate_disable(); preempt_disable(); ... arch_kmap_local_set_pte(&init_mm, vaddr,
//   kmap_pte, pteval) [default: set_pte_at()]; arch_kmap_local_post_map(vaddr, pteval);
//   ... preempt_enable();
// and on unmap: preempt_disable(); arch_kmap_local_pre_unmap(addr); pte_clear(&init_mm,
// addr, kmap_pte); arch_kmap_local_post_unmap(addr); ... preempt_enable(); migrate_enable();
// x86 defines post_map/post_unmap to call arch_flush_lazy_mmu_mode()
// (arch/x86/include/asm/highmem.h); elsewhere they are empty (the arch model decides).
//
// Departures: only HIGHMEM configurations (32-bit) or CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP
// map a PTE here; on 64-bit (and so on sparc64, powerpc64, arm64 and x86-64 Xen PV)
// kmap_local_page() is page_address() and sets no PTE. The scenarios that use these blocks
// therefore ask "what if this update happened inside a region", as the seed does, rather
// than replaying a configuration that shipped. The access through the mapping is modelled
// as the MMU walking the slot's PTE: it sees the new entry only if the change is in effect
// (in memory, no stale translation, walker barrier done), else it sees no entry (0).

import type { Draft } from "immer";
import { taskById } from "../kernel/context";
import { isEffective } from "../kernel/hardware";
import {
  might_sleep,
  preempt_disable,
  preempt_enable,
  spin_lock,
  spin_unlock,
} from "../kernel/primitives";
import {
  call,
  forwardArgs,
  type Op,
  type Proc,
  proc,
  type Step,
  type StepEnv,
  step,
} from "../kernel/program";
import type { Addr, Kernel, PteVal } from "../kernel/state";

const HIGHMEM_C = "mm/highmem.c";

/** The kmap slot of the CPU (a fixmap PTE of init_mm). */
export const KMAP_SLOT = "kernel:8";

function migrationDelta(d: Draft<Kernel>, env: StepEnv, delta: number): void {
  if (env.self.kind !== "task") return; // in interrupt context migration is moot
  taskById(d, env.self.id).migrationDisabled += delta;
}

/** migrate_disable() (kernel/sched/core.c): the task stays on this CPU, preemptible. */
export function migrate_disable(fn: string, at = "kernel/sched/core.c (migrate_disable)"): Step {
  return step(fn, "migrate_disable()", at, (d, env) => {
    migrationDelta(d, env, 1);
  });
}

export function migrate_enable(fn: string, at = "kernel/sched/core.c (migrate_enable)"): Step {
  return step(fn, "migrate_enable()", at, (d, env) => {
    migrationDelta(d, env, -1);
  });
}

/** kmap_local_page(page) for a highmem page, mapped at the kmap slot `args.addr`. */
export const kmapLocalPage: Proc = proc("kmap_local_page", [
  migrate_disable("__kmap_local_pfn_prot", `${HIGHMEM_C} (__kmap_local_pfn_prot)`),
  preempt_disable("__kmap_local_pfn_prot", `${HIGHMEM_C} (__kmap_local_pfn_prot)`),
  // arch_kmap_local_set_pte(&init_mm, vaddr, kmap_pte, pteval): set_pte_at() by default.
  call("set_pte_at", forwardArgs),
  call("arch_kmap_local_post_map", forwardArgs),
  preempt_enable("__kmap_local_pfn_prot", `${HIGHMEM_C} (__kmap_local_pfn_prot)`),
]);

/** kunmap_local(vaddr): clear the kmap slot `args.addr`. */
export const kunmapLocal: Proc = proc("kunmap_local", [
  preempt_disable("kunmap_local_indexed", `${HIGHMEM_C} (kunmap_local_indexed)`),
  call("pte_clear", forwardArgs),
  call("arch_kmap_local_post_unmap", forwardArgs),
  preempt_enable("kunmap_local_indexed", `${HIGHMEM_C} (kunmap_local_indexed)`),
  migrate_enable("kunmap_local_indexed", `${HIGHMEM_C} (kunmap_local_indexed)`),
]);

/** The procedures a scenario using kmap_local brings. */
export const kmapProcs: readonly Proc[] = [kmapLocalPage, kunmapLocal];

export function kmapLocalCall(slot: Addr, value: PteVal): Op {
  return call("kmap_local_page", { addr: slot, value });
}

export function kunmapLocalCall(slot: Addr): Op {
  return call("kunmap_local", { addr: slot });
}

/**
 * The caller dereferences the kmap address: the MMU walks the slot's PTE. Reported as a
 * read of that PTE with the value the walker finds (0 when the change is not in effect).
 */
export function accessThroughKmap(fn: string, slot: Addr, what: string, at: string): Step {
  return step(fn, `${what}  /* the MMU walks ${slot} */`, at, (d, env) => {
    const seen = isEffective(d, slot) ? (d.pte[slot] ?? 0) : 0;
    env.emit({ kind: "read", addr: slot, value: seen });
  });
}

/** The pkmap slot kmap() uses (a PTE of init_mm's pkmap_page_table). */
export const PKMAP_SLOT = "kernel:9";

/**
 * kmap(page) for a highmem page (mm/highmem.c: kmap() -> kmap_high() -> map_new_virtual()):
 * it may sleep, takes kmap_lock and sets the pkmap PTE with set_pte_at(&init_mm, ...).
 * Unlike kmap_local_page() it calls no arch hook: on x86 nothing flushes lazy MMU mode here.
 */
export const kmap: Proc = proc("kmap", [
  might_sleep("kmap", "might_sleep()", `${HIGHMEM_C} (kmap)`),
  spin_lock("kmap_high", "kmap_lock", `${HIGHMEM_C} (kmap_high: lock_kmap)`),
  call("set_pte_at", forwardArgs),
  spin_unlock("kmap_high", "kmap_lock", `${HIGHMEM_C} (kmap_high: unlock_kmap)`),
]);

/** kunmap(page): the pkmap entry is only released (cleared lazily by flush_all_zero_pkmaps). */
export const kunmap: Proc = proc("kunmap", [
  step("kunmap_high", "pkmap_count[nr]--", `${HIGHMEM_C} (kunmap_high)`, () => undefined),
]);
