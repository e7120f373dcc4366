// Scenarios of mm/memory.c, mm/mprotect.c and mm/mremap.c callers: regions on user page
// tables under the PTL, apply_to_pte_range() on init_mm (no lock), and set_ptes() called
// from a region, with and without the generic set_ptes() of bcc6cc832573 that entered
// lazy mode itself. Building blocks and their sources: ./callers.ts, ./kmap.ts.

import { ptlOf } from "../kernel/primitives";
import { call, forwardArgs, proc } from "../kernel/program";
import { CALLERS_AT_V6_19_RC1 } from "./caller-lines";
import {
  applyToPteRangeKernel,
  applyToPteRangeUser,
  changePteRange,
  copyPteRange,
  ENTER,
  LEAVE,
  movePtes,
  ptepGet,
  remapPteRange,
  setPte,
  wpPageCopy,
  zapPteRange,
} from "./callers";
import { accessThroughKmap, KMAP_SLOT, kmapLocalCall, kmapProcs, kunmapLocalCall } from "./kmap";
import type { Scenario } from "./types";

const ALL = ["none", "full", "rt"] as const;
/** A second page table, with its own lock, for the task that runs beside the region. */
const OTHER_PTL = `${ptlOf("user")}#2`;

export const applyToPteRangeInitMm: Scenario = {
  id: "apply-to-pte-range-init-mm",
  summary:
    "Task A maps kernel PTEs with apply_to_pte_range() on init_mm (no lock: preemptible, migratable) while task B changes a user PTE under the PTL on the other CPU",
  source: "mm/memory.c: apply_to_pte_range() (38e0edb15bd0), wp_page_copy()",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "apply_to_pte_range" },
    { id: "B", cpu: 1, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1 },
  procs: [
    applyToPteRangeKernel("apply_to_pte_range", [
      ["kernel:0", 1],
      ["kernel:1", 1],
    ]),
    wpPageCopy("wp_page_copy", "user:0", 2),
  ],
  preemption: ALL,
};

export const applyToPteRangeUserMm: Scenario = {
  id: "apply-to-pte-range-user",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "Task A sets user PTEs with apply_to_pte_range() on a user mm (region under the PTL taken by pte_alloc_map_lock()) while task B changes a PTE of another table on the other CPU",
  source: "mm/memory.c: apply_to_pte_range() (mm != &init_mm branch), wp_page_copy()",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "apply_to_pte_range" },
    { id: "B", cpu: 1, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:8": 1 },
  procs: [
    applyToPteRangeUser("apply_to_pte_range", [
      ["user:0", 1],
      ["user:1", 1],
    ]),
    wpPageCopy("wp_page_copy", "user:8", 2, OTHER_PTL),
  ],
  preemption: ALL,
};

export const zapPteRangeScenario: Scenario = {
  id: "zap-pte-range",
  summary:
    "Task A unmaps user PTEs with zap_pte_range() (region under the PTL) while task B, queued on the same CPU, changes a PTE of another page table",
  source: "mm/memory.c: zap_pte_range(), wp_page_copy()",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "zap_pte_range" },
    { id: "B", cpu: 0, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1, "user:8": 1 },
  procs: [
    zapPteRange("zap_pte_range", ["user:0", "user:1"]),
    wpPageCopy("wp_page_copy", "user:8", 2, OTHER_PTL),
  ],
  preemption: ALL,
};

const remapProcs = [
  remapPteRange("remap_pte_range", [
    ["user:0", 1],
    ["user:1", 1],
  ]),
];

export const remapPteRangeSetPtes: Scenario = {
  id: "remap-pte-range-set-ptes",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "remap_pte_range() calls set_ptes() inside its region; generic set_ptes() as of 691ee97e1a9d (no lazy calls); an arch's own set_ptes() overrides it (nests where that one enters)",
  source:
    "mm/memory.c: remap_pte_range(); include/linux/pgtable.h: set_ptes() after 691ee97e1a9d (v6.15)",
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "remap_pte_range" }],
  irqs: [],
  ptes: {},
  procs: remapProcs,
  preemption: ALL,
};

/**
 * The generic set_ptes() from bcc6cc832573 (v6.6) to 691ee97e1a9d (v6.15):
 * `page_table_check_ptes_set(); arch_enter_lazy_mmu_mode(); for (;;) set_pte(...);
 * arch_leave_lazy_mmu_mode();` (include/linux/pgtable.h). One page here.
 */
export const setPtesBcc6cc832573 = proc("set_ptes", [
  call(ENTER, {}),
  call("set_pte", forwardArgs),
  call(LEAVE, {}),
]);

export const remapPteRangeSetPtesBcc6: Scenario = {
  id: "remap-pte-range-set-ptes-bcc6cc832573",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "remap_pte_range() calls set_ptes() inside its region; generic set_ptes() as of bcc6cc832573 enters and leaves lazy mode itself (an arch's own set_ptes() overrides it)",
  source:
    "mm/memory.c: remap_pte_range(); include/linux/pgtable.h: set_ptes() of bcc6cc832573 (v6.6..v6.14)",
  existed: {
    since: "v6.6",
    until: "v6.15",
    why: "the generic set_ptes() entered lazy mode from bcc6cc832573 (v6.6) until 691ee97e1a9d (v6.15)",
  },
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "remap_pte_range" }],
  irqs: [],
  ptes: {},
  procs: remapProcs,
  genericProcs: [setPtesBcc6cc832573],
  preemption: ALL,
};

export const changePteRangeScenario: Scenario = {
  id: "change-pte-range",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "Task A changes the protection of user PTEs with change_pte_range() (mprotect; region under the PTL) while task B, queued on the same CPU, changes a PTE of another table",
  source: "mm/mprotect.c: change_pte_range(); mm/memory.c: wp_page_copy()",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "change_pte_range" },
    { id: "B", cpu: 0, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1, "user:8": 1 },
  procs: [
    changePteRange("change_pte_range", [
      ["user:0", 3],
      ["user:1", 3],
    ]),
    wpPageCopy("wp_page_copy", "user:8", 2, `${ptlOf("user")}#3`),
  ],
  preemption: ALL,
};

export const movePtesScenario: Scenario = {
  id: "move-ptes",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "Task A moves a user PTE to another table with move_ptes() (mremap; both PTLs held, region inside) while task B, queued on the same CPU, changes a PTE of a third table",
  source: "mm/mremap.c: move_ptes(); mm/memory.c: wp_page_copy()",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "move_ptes" },
    { id: "B", cpu: 0, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:16": 1 },
  procs: [
    movePtes("move_ptes", [["user:0", "user:8", 1]], ptlOf("user"), OTHER_PTL),
    wpPageCopy("wp_page_copy", "user:16", 2, `${ptlOf("user")}#3`),
  ],
  preemption: ALL,
};

/**
 * copy_pte_range() runs copy_present_pte() per PTE inside its region; for an anon page
 * that may be pinned (folio_try_dup_anon_rmap_pte() fails) it calls copy_present_page(),
 * which, with a preallocated folio, copies the page with copy_user_highpage()
 * (copy_mc_user_highpage() in later kernels): kmap_local_page() of both pages, here one
 * kmap slot. The -EAGAIN retry that preallocates the folio (outside the region) is
 * left out.
 */
export const kmapLocalInRegion: Scenario = {
  id: "kmap-local-in-region",
  linesAt: CALLERS_AT_V6_19_RC1,
  summary:
    "copy_pte_range() copies a pinned anon page inside its region: copy_present_page() -> copy_user_highpage() maps the source with kmap_local_page() (a kernel PTE set and used at once), then installs the copy's PTE",
  source:
    "mm/memory.c: copy_pte_range(), copy_present_page(); include/linux/highmem.h: copy_user_highpage(); mm/highmem.c: __kmap_local_pfn_prot()",
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "copy_pte_range" }],
  irqs: [],
  ptes: { "user:0": 1 },
  procs: [
    copyPteRange("copy_pte_range", OTHER_PTL, ptlOf("user"), [
      ptepGet("user:0"),
      kmapLocalCall(KMAP_SLOT, 5),
      accessThroughKmap(
        "copy_user_highpage",
        KMAP_SLOT,
        "copy_user_page(vto, vfrom, vaddr, to)",
        "include/linux/highmem.h (copy_user_highpage)",
      ),
      kunmapLocalCall(KMAP_SLOT),
      setPte("user:8", 2),
    ]),
    ...kmapProcs,
  ],
  preemption: ALL,
};

export const secondTaskSameCpu: Scenario = {
  id: "second-task-same-cpu",
  summary:
    "Task A is in an apply_to_pte_range() region on init_mm (no lock) on CPU 0; task B, bound to CPU 0, changes a user PTE under its PTL (an immediate update) whenever A is switched out",
  source: "mm/memory.c: apply_to_pte_range() (init_mm), wp_page_copy(); 691ee97e1a9d",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "apply_to_pte_range" },
    { id: "B", cpu: 0, entry: "wp_page_copy", pinned: true },
  ],
  irqs: [],
  ptes: { "user:8": 1 },
  procs: [
    applyToPteRangeKernel("apply_to_pte_range", [
      ["kernel:0", 1],
      ["kernel:1", 1],
    ]),
    wpPageCopy("wp_page_copy", "user:8", 2, OTHER_PTL),
  ],
  preemption: ALL,
};
