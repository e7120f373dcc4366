// The generic lazy MMU hooks: architectures that define none get empty ones, so every
// PTE change is immediate and nothing is deferred.
// Source: include/linux/pgtable.h (#ifndef __HAVE_ARCH_ENTER_LAZY_MMU_MODE), v2.6.19
// (6606c3e0da53) to v6.18.

import { nop } from "../kernel/primitives";
import { proc } from "../kernel/program";
import type { ArchModel } from "./types";

const PGTABLE_H = "include/linux/pgtable.h";

export const generic: ArchModel = {
  id: "generic",
  arch: "generic",
  era: "v2.6.19..",
  commits: ["6606c3e0da53"],
  summary: "No-op hooks (include/linux/pgtable.h): nothing is deferred",
  sources: [PGTABLE_H],
  departures: [],
  procs: [
    proc("arch_enter_lazy_mmu_mode", [
      nop("arch_enter_lazy_mmu_mode", "do {} while (0)", PGTABLE_H),
    ]),
    proc("arch_leave_lazy_mmu_mode", [
      nop("arch_leave_lazy_mmu_mode", "do {} while (0)", PGTABLE_H),
    ]),
    proc("arch_flush_lazy_mmu_mode", [
      nop("arch_flush_lazy_mmu_mode", "do {} while (0)", PGTABLE_H),
    ]),
  ],
  perCpu: {},
  perTask: {},
  contextSwitch: [],
};
