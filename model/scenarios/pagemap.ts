// pagemap_scan_pmd_entry() (fs/proc/task_mmu.c, the PAGEMAP_SCAN ioctl, v6.7+), before and
// after ad449d856bd7 ("fs/proc/task_mmu: reduce scope of lazy mmu region", v6.15).
//
// Before: arch_enter_lazy_mmu_mode() is the first thing done, before
// pagemap_scan_thp_entry() and pte_offset_map_lock(); leave comes last, after the
// flush_tlb_range() and after pte_unmap_unlock() (fs/proc/task_mmu.c, `flush_and_return:`
// ... `pte_unmap_unlock(start_pte, ptl); arch_leave_lazy_mmu_mode(); cond_resched();`).
// For a pmd that is not a THP, pagemap_scan_thp_entry() takes no lock at all:
// pmd_trans_huge_lock() returns NULL unless the pmd is a swap, huge or devmap pmd, and the
// function returns -ENOENT. So the region begins with no lock held and ends after the PTL
// is dropped: a wide region, unlocked at both ends. After ad449d856bd7: enter follows
// pte_offset_map_lock(), leave precedes pte_unmap_unlock(): the region sits inside the PTL.
// Checked against a task_mmu.c with PAGEMAP_SCAN as in v6.7..v6.14 (read with the search
// tool: pagemap_scan_thp_entry() and pagemap_scan_pmd_entry() in full; the stored
// torvalds/linux copy predates PAGEMAP_SCAN) and the ad449d856bd7 patch thread.
//
// The seed (David Hildenbrand acking Ryan Roberts, 3 March 2025): "While I believe there
// wasn't technically a bug here, the original scope made it easier to accidentally nest
// or, worse, accidentally call something like kmap() which would expect an immediate mode
// pte modification but it would end up deferred." The kmap variant puts a kmap_local_page()
// where it happens on CONFIG_HIGHPTE: pte_offset_map() maps the PTE page with
// kmap_local_page() (include/linux/pgtable.h __pte_map), inside the wide region, the walk
// reads the PTEs through that mapping, and pte_unmap_unlock() (spin_unlock(), then
// pte_unmap(): kunmap_local()) unmaps it inside the region too.
//
// Departures: the per-PTE work is the write-protect fast path (PM_SCAN_WP_MATCHING): read
// the PTE (ptep_get), write it back write-protected (make_uffd_wp_pte():
// ptep_modify_prot_start() then ptep_modify_prot_commit(), resolved per architecture). The
// THP branch is taken as "not huge". The cond_resched() after leave is outside both regions
// and left out.

import { nop, ptlOf, spin_lock, spin_unlock } from "../kernel/primitives";
import { call, type Op, type Proc, proc } from "../kernel/program";
import type { Addr } from "../kernel/state";
import { ENTER, flushTlbRange, LEAVE, ptepGet, ptepModifyProt, wpPageCopy } from "./callers";
import {
  accessThroughKmap,
  KMAP_SLOT,
  kmap,
  kmapLocalCall,
  kmapProcs,
  kunmap,
  kunmapLocalCall,
  PKMAP_SLOT,
} from "./kmap";
import type { Scenario } from "./types";

const FN = "pagemap_scan_pmd_entry";
const TASK_MMU = "fs/proc/task_mmu.c";
const PTL = ptlOf("user");

/**
 * Lines of fs/proc/task_mmu.c in pagemap_scan_pmd_entry(), read off ad449d856bd7 as posted
 * (v2, 3 Mar 2025, index c17615e21a5d..b0f189815512: @@ -2459,22 +2459,19 @@ and
 * @@ -2543,8 +2540,8 @@): before it (the old side, a v6.14-rc tree) and after it.
 */
interface PagemapLines {
  readonly version: string;
  /** `ret = pagemap_scan_thp_entry(pmd, start, end, walk);` */
  readonly thp: number;
  /** `start_pte = pte = pte_offset_map_lock(vma->vm_mm, pmd, start, &ptl);` */
  readonly lock: number;
  /** `pte_unmap_unlock(start_pte, ptl);` */
  readonly unlock: number;
}

const WIDE_LINES: PagemapLines = {
  version:
    "fs/proc/task_mmu.c blob c17615e21a5d, the tree ad449d856bd7 was posted against (v6.14-rc; the range starts at v6.7, whose lines were not read)",
  thp: 2464,
  lock: 2471,
  unlock: 2546,
};
const NARROW_LINES: PagemapLines = {
  version: "fs/proc/task_mmu.c after ad449d856bd7 as posted (blob b0f189815512, v6.15)",
  thp: 2462,
  lock: 2467,
  unlock: 2544,
};

/** The walk of one PTE table: write-protect each PTE (make_uffd_wp_pte), flush the range. */
function scanPtes(addrs: readonly Addr[]): Op[] {
  return [
    ...addrs.flatMap((a) => [ptepGet(a), ...ptepModifyProt(a, 2)]),
    flushTlbRange(addrs[0] ?? "user:0"),
  ];
}

/**
 * pagemap_scan_thp_entry() on a pmd that is not a THP: pmd_trans_huge_lock() takes no
 * lock and returns NULL (include/linux/huge_mm.h), so the function returns -ENOENT.
 */
function thpEntryNotHuge(L: PagemapLines): Op[] {
  return [
    nop(
      FN,
      "ret = pagemap_scan_thp_entry(): ptl = pmd_trans_huge_lock(pmd, vma) is NULL (not huge): -ENOENT",
      `${TASK_MMU}:${L.thp}`,
    ),
  ];
}

function ptlLock(L: PagemapLines): Op {
  return spin_lock(FN, PTL, `${TASK_MMU}:${L.lock}`);
}

function ptlUnlock(L: PagemapLines): Op {
  return spin_unlock(FN, PTL, `${TASK_MMU}:${L.unlock}`);
}

/** Before ad449d856bd7: the region opens before any lock and closes after the PTL's unlock. */
export function pagemapScanWide(name: string, addrs: readonly Addr[]): Proc {
  return proc(name, [
    call(ENTER, {}),
    ...thpEntryNotHuge(WIDE_LINES),
    ptlLock(WIDE_LINES),
    ...scanPtes(addrs),
    ptlUnlock(WIDE_LINES),
    call(LEAVE, {}),
  ]);
}

/** After ad449d856bd7: the region inside the PTL. */
export function pagemapScanNarrow(name: string, addrs: readonly Addr[]): Proc {
  return proc(name, [
    ...thpEntryNotHuge(NARROW_LINES),
    ptlLock(NARROW_LINES),
    call(ENTER, {}),
    ...scanPtes(addrs),
    call(LEAVE, {}),
    ptlUnlock(NARROW_LINES),
  ]);
}

/**
 * Before ad449d856bd7, on CONFIG_HIGHPTE: pte_offset_map_lock() maps the PTE page with
 * kmap_local_page() inside the wide region, then takes the PTL, and the walk reads the PTEs
 * through the mapping; pte_unmap_unlock() drops the PTL and kunmaps, still inside the region.
 */
export function pagemapScanWideHighpte(name: string, addrs: readonly Addr[]): Proc {
  return proc(name, [
    call(ENTER, {}),
    ...thpEntryNotHuge(WIDE_LINES),
    kmapLocalCall(KMAP_SLOT, 7),
    ptlLock(WIDE_LINES),
    accessThroughKmap(
      FN,
      KMAP_SLOT,
      "ptep_get(pte)  /* pte points into the kmap of the PTE page */",
      "include/linux/pgtable.h (__pte_map: kmap_local_page under CONFIG_HIGHPTE)",
    ),
    ...scanPtes(addrs),
    ptlUnlock(WIDE_LINES),
    kunmapLocalCall(KMAP_SLOT),
    call(LEAVE, {}),
  ]);
}

const OTHER_PTL = `${ptlOf("user")}#2`;

/** PAGEMAP_SCAN is v6.7's; ad449d856bd7 (v6.15) narrowed the region. */
const WIDE = {
  since: "v6.7",
  until: "v6.15",
  why: "pagemap_scan_pmd_entry() (PAGEMAP_SCAN) is in v6.7; ad449d856bd7 (v6.15) moved its region inside the PTL",
} as const;
const NARROW = { since: "v6.15", why: "ad449d856bd7 (v6.15)" } as const;

function pagemapScenario(
  id: string,
  summary: string,
  source: string,
  existed: typeof WIDE | typeof NARROW,
  walker: Proc,
  extra: readonly Proc[] = [],
): Scenario {
  return {
    id,
    summary,
    source,
    linesAt: (existed === NARROW ? NARROW_LINES : WIDE_LINES).version,
    existed,
    cpus: 2,
    tasks: [
      { id: "A", cpu: 0, entry: FN },
      { id: "B", cpu: 0, entry: "wp_page_copy" },
    ],
    irqs: [],
    ptes: { "user:0": 1, "user:8": 1 },
    procs: [walker, wpPageCopy("wp_page_copy", "user:8", 3, OTHER_PTL), ...extra],
    preemption: ["none", "full", "rt"],
  };
}

export const pagemapScanPmdEntryWide = pagemapScenario(
  "pagemap-scan-pmd-entry-wide",
  "Task A write-protects a user PTE with pagemap_scan_pmd_entry() as before ad449d856bd7: lazy mode entered before the pmd lock and pte_offset_map_lock() (a region that begins unlocked); task B, queued on the same CPU, changes a PTE of another table",
  "fs/proc/task_mmu.c: pagemap_scan_pmd_entry() (v6.7..v6.14); seed: 'the original scope made it easier to accidentally nest'",
  WIDE,
  pagemapScanWide(FN, ["user:0"]),
);

export const pagemapScanPmdEntryNarrow = pagemapScenario(
  "pagemap-scan-pmd-entry-ad449d856bd7",
  "Task A write-protects a user PTE with pagemap_scan_pmd_entry() as after ad449d856bd7: the region inside the PTL; task B, queued on the same CPU, changes a PTE of another table",
  "fs/proc/task_mmu.c: pagemap_scan_pmd_entry() after ad449d856bd7 (v6.15)",
  NARROW,
  pagemapScanNarrow(FN, ["user:0"]),
);

export const pagemapScanKmapInWideRegion = pagemapScenario(
  "pagemap-scan-kmap-in-wide-region",
  "As pagemap-scan-pmd-entry-wide, on CONFIG_HIGHPTE: pte_offset_map() maps the PTE page with kmap_local_page() inside the wide region, and the walk reads PTEs through that mapping at once",
  "fs/proc/task_mmu.c: pagemap_scan_pmd_entry() (v6.7..v6.14); include/linux/pgtable.h: __pte_map(); mm/highmem.c; seed: 'accidentally call something like kmap() which would expect an immediate mode pte modification but it would end up deferred'",
  WIDE,
  pagemapScanWideHighpte(FN, ["user:0"]),
  kmapProcs,
);

/**
 * The seed's "accidentally call something like kmap()": a kmap() of a highmem page in the
 * unlocked part of the wide region (kmap() may sleep, so not under the PTL), used at once.
 */
export function pagemapScanWideKmap(name: string, addrs: readonly Addr[]): Proc {
  return proc(name, [
    call(ENTER, {}),
    call("kmap", { addr: PKMAP_SLOT, value: 7 }),
    accessThroughKmap(
      FN,
      PKMAP_SLOT,
      "memcpy(buf, vaddr, ...)  /* use the kmap() address */",
      `${TASK_MMU} (hypothetical kmap() in the wide region)`,
    ),
    call("kunmap", {}),
    ...thpEntryNotHuge(WIDE_LINES),
    ptlLock(WIDE_LINES),
    ...scanPtes(addrs),
    ptlUnlock(WIDE_LINES),
    call(LEAVE, {}),
  ]);
}

export const pagemapScanKmapHighInWideRegion = pagemapScenario(
  "pagemap-scan-kmap-high-in-wide-region",
  "As pagemap-scan-pmd-entry-wide, with a kmap() of a highmem page (kmap_high: set_pte_at on a pkmap PTE, no arch hook) in the unlocked part of the wide region, used at once",
  "seed: 'the original scope made it easier to ... accidentally call something like kmap() which would expect an immediate mode pte modification but it would end up deferred'; mm/highmem.c: kmap(), kmap_high(), map_new_virtual()",
  WIDE,
  pagemapScanWideKmap(FN, ["user:0"]),
  [kmap, kunmap],
);
