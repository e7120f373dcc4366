// The generic lazy MMU hooks: architectures that define none get empty ones, so every
// PTE change is immediate and nothing is deferred.
// Source: include/linux/pgtable.h (#ifndef __HAVE_ARCH_ENTER_LAZY_MMU_MODE), v2.6.19
// (6606c3e0da53) to v6.18. Lines (GENERIC_HOOK_LINES): v6.18's, the pre-image (blob
// 32e8457ad535) of the v7.0 series' CONFIG_ARCH_HAS_LAZY_MMU_MODE patch as posted, whose
// @@ -231,7 +231,7 @@ shows the #ifndef at 234 and the three empty hooks at 235-237 as
// `static inline void arch_..._lazy_mmu_mode(void) {}` (not `do {} while (0)` macros).

import { ENTER, FLUSH, LEAVE } from "../kernel/hooks";
import { GENERIC_HOOK_LINES, nop } from "../kernel/primitives";
import { proc } from "../kernel/program";
import { genericBuilds } from "./preemption";
import type { ArchModel } from "./types";

const PGTABLE_H = "include/linux/pgtable.h";

export const generic: ArchModel = {
  id: "generic",
  arch: "generic",
  era: "v2.6.19..",
  commits: ["6606c3e0da53"],
  ran: [
    {
      since: "v2.6.19",
      until: "v6.6",
      why: "6606c3e0da53 added the empty hooks; before the range API (v6.6) set_pte_at() was each architecture's own store, which entered no lazy mode",
    },
    {
      since: "v6.15",
      why: "691ee97e1a9d took enter/leave out of the generic set_ptes(); from v6.6 (bcc6cc832573) to then every set_pte_at() in a region nested",
    },
  ],
  builds: genericBuilds,
  summary: "No-op hooks (include/linux/pgtable.h): nothing is deferred",
  sources: [PGTABLE_H],
  departures: [],
  linesAt: GENERIC_HOOK_LINES.version,
  procs: ([ENTER, LEAVE, FLUSH] as const).map((hook) =>
    proc(hook, [
      nop(hook, `static inline void ${hook}(void) {}`, `${PGTABLE_H}:${GENERIC_HOOK_LINES[hook]}`),
    ]),
  ),
  perCpu: {},
  perTask: {},
  contextSwitch: [],
};
