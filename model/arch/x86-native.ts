// x86 native (and KVM guests): the lazy MMU pv ops are paravirt_nop, so every PTE store is
// immediate and nothing is deferred; only the kmap_local hooks call the (empty) flush.
// Sources: arch/x86/include/asm/paravirt.h (arch_enter/leave/flush_lazy_mmu_mode() as pv
// ops), arch/x86/kernel/paravirt.c (pv_ops.mmu.lazy_mode = paravirt_nop),
// arch/x86/include/asm/highmem.h (x86-common.ts); set_ptes() is the generic one of v6.15
// (691ee97e1a9d: no lazy calls).

import { ENTER, FLUSH, LEAVE } from "../kernel/hooks";
import { nop } from "../kernel/primitives";
import { proc } from "../kernel/program";
import { x86Builds } from "./preemption";
import type { ArchModel } from "./types";
import { HIGHMEM_H, kmapHooks, PARAVIRT_H } from "./x86-common";

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
  departures: [
    "set_ptes() is the generic loop of v6.15 (691ee97e1a9d); in v6.6..v6.14 it also called the (empty) enter/leave hooks, which the checker would count as nesting.",
    "TLB flushes are not modelled: native PTE stores are immediate and flushing the TLB is the caller's job, outside lazy MMU mode.",
  ],
  procs: [
    proc(ENTER, [nop(ENTER, "PVOP_VCALL0(mmu.lazy_mode.enter)  /* paravirt_nop */", PARAVIRT_H)]),
    proc(LEAVE, [nop(LEAVE, "PVOP_VCALL0(mmu.lazy_mode.leave)  /* paravirt_nop */", PARAVIRT_H)]),
    proc(FLUSH, [nop(FLUSH, "PVOP_VCALL0(mmu.lazy_mode.flush)  /* paravirt_nop */", PARAVIRT_H)]),
    ...kmapHooks,
  ],
  perCpu: {},
  perTask: {},
  contextSwitch: [],
};
