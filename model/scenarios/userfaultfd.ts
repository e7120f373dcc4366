// UFFDIO_MOVE's move_present_ptes() (mm/userfaultfd.c), issue 8 section 3. Checked against
// the patch that added its lazy MMU region, "userfaultfd: opportunistic TLB-flush batching
// for present pages in MOVE" (50944692052b, Lokesh Gidra, v2 posted 2025-08-05; mainline
// from v6.19): under double_pt_lock()
// and after is_pte_pages_stable(), arch_enter_lazy_mmu_mode(); per page
// ptep_get_and_clear(src) and set_pte_at(dst), then check_ptes_for_batched_move() reads the
// next pair of PTEs; arch_leave_lazy_mmu_mode(), flush_tlb_range() over the moved source
// range, double_pt_unlock(). Before that patch move_present_pte() moved one page with
// ptep_clear_flush() and no lazy mode; v7.0's series (patch "mm: convert callers to
// lazy_mmu_mode_enable()") turns the hooks into lazy_mmu_mode_enable()/disable().
//
// Departures: two pages; the folio checks (folio_maybe_dma_pinned() and the anon rmap
// move) always succeed, so the loop's -EBUSY put-back is not taken; the two PTE tables
// have their own locks, taken in one order.

import { nop, ptlOf, spin_lock, spin_unlock } from "../kernel/primitives";
import { proc } from "../kernel/program";
import { flushTlbRange, lazyRegion, ptepGet, ptepGetAndClear, setPte, wpPageCopy } from "./callers";
import type { Scenario } from "./types";

const ALL = ["none", "full", "rt"] as const;
const USERFAULTFD = "mm/userfaultfd.c (move_present_ptes)";
const SRC_PTL = ptlOf("user");
const DST_PTL = `${ptlOf("user")}#dst`;

const movePresentPtes = proc("move_present_ptes", [
  spin_lock("double_pt_lock", DST_PTL, "mm/userfaultfd.c (double_pt_lock: spin_lock(ptl1))"),
  spin_lock(
    "double_pt_lock",
    SRC_PTL,
    "mm/userfaultfd.c (double_pt_lock: spin_lock_nested(ptl2, SINGLE_DEPTH_NESTING))",
  ),
  nop(
    "move_present_ptes",
    "if (!is_pte_pages_stable(dst_pte, src_pte, orig_dst_pte, orig_src_pte, dst_pmd, dst_pmdval)) goto out",
    USERFAULTFD,
  ),
  ...lazyRegion([
    ptepGetAndClear("user:0"),
    setPte("user:8", 1),
    // check_ptes_for_batched_move(): the next destination must be none, the next source present.
    ptepGet("user:9"),
    ptepGet("user:1"),
    ptepGetAndClear("user:1"),
    setPte("user:9", 1),
  ]),
  flushTlbRange("user:0"),
  flushTlbRange("user:1"),
  spin_unlock("double_pt_unlock", SRC_PTL, "mm/userfaultfd.c (double_pt_unlock)"),
  spin_unlock("double_pt_unlock", DST_PTL, "mm/userfaultfd.c (double_pt_unlock)"),
]);

export const movePresentPtesScenario: Scenario = {
  id: "move-present-ptes",
  summary:
    "task A's UFFDIO_MOVE moves two present user pages with move_present_ptes(): under both PTLs, a region of ptep_get_and_clear(src) and set_pte_at(dst), then flush_tlb_range() over the source after the leave; task B changes another PTE of the source table on the other CPU",
  source:
    "mm/userfaultfd.c move_present_ptes() (lazy MMU region from 50944692052b 'userfaultfd: opportunistic TLB-flush batching for present pages in MOVE', Lokesh Gidra, v6.19)",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "move_present_ptes" },
    { id: "B", cpu: 1, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1, "user:2": 1 },
  procs: [movePresentPtes, wpPageCopy("wp_page_copy", "user:2", 2)],
  preemption: ALL,
  existed: {
    since: "v6.19",
    until: "v7.0",
    why: "50944692052b (the batching patch, posted 2025-08-05) is in mainline from v6.19 (a downstream backport of it says 'from upstream v6.19'; the tag's tree itself was not read); v7.0 converts move_present_ptes() to lazy_mmu_mode_enable()/disable()",
  },
};
