// x86 native (and KVM guests): the lazy MMU pv ops are paravirt_nop, so every PTE store is
// immediate and nothing is deferred; only the kmap_local hooks call the (empty) flush.
// Sources: arch/x86/include/asm/paravirt.h (arch_enter/leave/flush_lazy_mmu_mode() as pv
// ops), arch/x86/kernel/paravirt.c (pv_ops.mmu.lazy_mode = paravirt_nop),
// arch/x86/include/asm/highmem.h (x86-common.ts); set_ptes() is the generic one of v6.15
// (691ee97e1a9d: no lazy calls). The PTE store invalidates nothing: the old translation
// stays in the TLBs until the caller's flush, flush_tlb_range() or the mmu_gather's
// tlb_flush() (arch/x86/include/asm/tlb.h), both flush_tlb_mm_range() (arch/x86/mm/tlb.c):
// flush_tlb_func() on this CPU and flush_tlb_multi() on the others of mm_cpumask, waited
// for, so the flush has taken effect when it returns.
//
// Lines (PARAVIRT_LINES): paravirt.h at v6.19-rc1 (8f0b4cce4481), blob b5e59a7ba0d0. That is
// the old side of the v7.0 series' "mm: introduce CONFIG_ARCH_HAS_LAZY_MMU_MODE" (v6 06/14,
// base-commit v6.19-rc1; the cover letter's diffstat gives paravirt.h one line changed in the
// whole series, this patch's), whose @@ -526,7 @@ shows PVOP_VCALL0(mmu.lazy_mode.enter) at
// 532. Other posted patches on the same blob show the rest: Kevin Brodsky's "mm: introduce
// local state for lazy_mmu sections" (2/7, Sep 2025), @@ -527,12 @@, the leave's
// PVOP_VCALL0 at 537; Ryan Roberts' "mm: Introduce arch_in_lazy_mmu_mode()" (RFC 4/6, May
// 2025), @@ -542,6 @@, the flush's PVOP_VCALL0 at 542.

import { flushTlbAddr } from "../kernel/hardware";
import { ENTER, FLUSH, LEAVE } from "../kernel/hooks";
import { addrArg, nop } from "../kernel/primitives";
import { proc, step } from "../kernel/program";
import { x86Builds } from "./preemption";
import type { ArchModel } from "./types";
import { HIGHMEM_H, kmapHooks, PARAVIRT_H } from "./x86-common";

/** Where arch/x86/include/asm/paravirt.h's hooks call their pv op, at v6.19-rc1. */
const PARAVIRT_LINES = {
  version:
    "v6.19-rc1 (8f0b4cce4481) for arch/x86/include/asm/paravirt.h (blob b5e59a7ba0d0, read off posted hunks whose old side it is: see the head of model/arch/x86-native.ts)",
  [ENTER]: `${PARAVIRT_H}:532`,
  [LEAVE]: `${PARAVIRT_H}:537`,
  [FLUSH]: `${PARAVIRT_H}:542`,
} as const;

export const x86Native: ArchModel<Record<never, never>, Record<never, never>> = {
  id: "x86-native",
  arch: "x86",
  era: "v5.11..v6.19",
  commits: ["6606c3e0da53", "157e118b5511", "691ee97e1a9d"],
  ran: [
    {
      since: "v5.11",
      until: "v6.6",
      why: "157e118b5511 made kmap_local flush lazy mode; x86's own set_pte_at() was set_pte() until a3e1c9372c9b (v6.6)",
    },
    {
      since: "v6.15",
      why: "691ee97e1a9d: the generic set_ptes(), which set_pte_at() is from v6.6, no longer enters lazy mode (from v6.6 to then it nested, empty hooks and all)",
    },
  ],
  builds: x86Builds,
  summary: "Native/KVM x86: paravirt_nop lazy MMU hooks, immediate PTE stores; kmap flushes",
  sources: [PARAVIRT_H, "arch/x86/kernel/paravirt.c (pv_ops.mmu.lazy_mode)", HIGHMEM_H],
  linesAt: PARAVIRT_LINES.version,
  departures: [
    "set_ptes() is the generic loop of v6.15 (691ee97e1a9d); in v6.6..v6.14 it also called the (empty) enter/leave hooks, which the checker would count as nesting.",
    "A PTE store leaves the old translation cached until the caller's flush_tlb_range() or mmu_gather flush (hw.tlb); flush_tlb_mm_range() invalidates the address on every CPU at once (the model does not tell CPUs' TLBs apart, nor INVLPG from a full flush or INVLPGB broadcasts).",
  ],
  procs: [
    proc(ENTER, [
      nop(ENTER, "PVOP_VCALL0(mmu.lazy_mode.enter)  /* paravirt_nop */", PARAVIRT_LINES[ENTER]),
    ]),
    proc(LEAVE, [
      nop(LEAVE, "PVOP_VCALL0(mmu.lazy_mode.leave)  /* paravirt_nop */", PARAVIRT_LINES[LEAVE]),
    ]),
    proc(FLUSH, [
      nop(FLUSH, "PVOP_VCALL0(mmu.lazy_mode.flush)  /* paravirt_nop */", PARAVIRT_LINES[FLUSH]),
    ]),
    ...kmapHooks,
    // flush_tlb_range() and the mmu_gather's tlb_flush() are flush_tlb_mm_range().
    proc("flush_tlb_range", [
      step(
        "flush_tlb_mm_range",
        "flush_tlb_func() here, flush_tlb_multi() to the other CPUs of mm_cpumask (waits)",
        "arch/x86/mm/tlb.c (flush_tlb_mm_range)",
        (d, env) => {
          flushTlbAddr(d, addrArg(env));
        },
      ),
    ]),
  ],
  perCpu: {},
  perTask: {},
  contextSwitch: [],
};
