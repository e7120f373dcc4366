// sparc64's PMD and hugetlb paths into the TLB batch: set_pmd_at() (THP) and hugetlb's
// set_huge_pte_at() / huge_ptep_get_and_clear() store the entry and hand the old one to
// tlb_batch_add_one() directly: unlike a PTE write, they never go through set_ptes(), so
// from 1a10a44dfc1d to eb61ad14c459 they do not nest a region of their own, and they batch
// on whatever `tb->active` this CPU's batch holds.
//
// Sources (checked with the search tool):
//  - arch/sparc/mm/tlb.c, the version after a1d416bf9faf (v6.15; its lines below, and
//    v6.14's 3 lower: a1d416bf9faf adds 2 lines to enter and 1 to leave, above these):
//    set_pmd_at() (`orig = *pmdp; *pmdp = pmd; __set_pmd_acct(mm, addr, orig, pmd)`),
//    __set_pmd_acct() (init_mm: return; THP counters; `if (!pmd_none(orig))`: a huge orig
//    gives tlb_batch_add_one() of both REAL_HPAGE halves, a table tlb_batch_pmd_scan() of
//    its valid PTEs), pmdp_establish()/pmdp_invalidate() (cmpxchg, __set_pmd_acct(), then
//    flush_tlb_range()). v6.5's lines are taken equal to v6.14's (not checked).
//  - arch/sparc/include/asm/pgtable_64.h: pmdp_huge_get_and_clear() is
//    `pmd = *pmdp; set_pmd_at(mm, addr, pmdp, __pmd(0UL))`.
//  - arch/sparc/include/asm/tlbflush_64.h: flush_tlb_range() is empty (the batch is the
//    flush), so pmdp_collapse_flush()'s flush_tlb_range() adds nothing.
//  - arch/sparc/mm/hugetlbpage.c (a v6.7+ copy: set_huge_pte_at() takes `sz`):
//    __set_huge_pte_at() stores the entries, then maybe_tlb_batch_add() of the old entry
//    (and of the second REAL_HPAGE half); huge_ptep_get_and_clear() clears them and does
//    the same. maybe_tlb_batch_add() batches for a user mm whose old entry was accessible.
//
// Departures: one address stands for the PMD entry and every translation under it, so the
// two REAL_HPAGE halves (or the scan of the table's PTEs) are one batch entry; the THP and
// hugetlb counters (mm->context.thp_pte_count, hugetlb_pte_count) are not modelled; the
// flush-first on another mm or page size (hugepage_shift) is left out as for PTEs.

import type { Draft } from "immer";
import { cpuOf } from "../kernel/context";
import { invalidate, markStale, storePte } from "../kernel/hardware";
import { addrArg, valueArg } from "../kernel/primitives";
import {
  call,
  forwardArgs,
  numberLocal,
  type Proc,
  proc,
  type StepEnv,
  step,
} from "../kernel/program";
import { type Kernel, mmOf } from "../kernel/state";

const TLB_C = "arch/sparc/mm/tlb.c";
const PGTABLE_64_H = "arch/sparc/include/asm/pgtable_64.h";
const HUGETLBPAGE_C = "arch/sparc/mm/hugetlbpage.c";

/** Does tlb_batch_add_one() batch here? (`tb->active`, or v7.0's generic layer.) */
export type Batching = (d: Draft<Kernel>, env: StepEnv) => boolean;

/** Lines of tlb.c that the PMD steps cite: set_pmd_at()'s store, __set_pmd_acct()'s add. */
export interface PmdLines {
  readonly store: number;
  readonly addOne: number;
}

/** v6.14 (also used for v6.5, not checked) and v6.15 (after a1d416bf9faf: 3 lines lower). */
export const PMD_LINES = {
  v614: { store: 227, addOne: 213 },
  v615: { store: 230, addOne: 216 },
} as const satisfies Record<string, PmdLines>;

/** Store the entry; an old, present user entry leaves translations to invalidate. */
function storeStep(fn: string, label: string, at: string) {
  return step(fn, label, at, (d, env) => {
    const addr = addrArg(env);
    const orig = d.pte[addr] ?? 0;
    env.locals.orig = orig;
    storePte(d, env, addr, valueArg(env));
    if (mmOf(addr) === "user" && orig !== 0 && orig !== valueArg(env)) markStale(d, addr);
  });
}

/** tlb_batch_add_one() for the old entry: flush now unless this CPU's batch is active. */
function batchStep(batching: Batching, fn: string, label: string, at: string) {
  return step(fn, label, at, (d, env) => {
    const addr = addrArg(env);
    const orig = numberLocal(env, "orig");
    if (mmOf(addr) !== "user" || orig === 0 || orig === valueArg(env)) return;
    const tb = cpuOf(d, env);
    if (!batching(d, env)) invalidate(d, addr);
    else if (!tb.batch.includes(addr)) tb.batch.push(addr);
  });
}

/**
 * The PMD and hugetlb procedures of one era: `L` is its tlb.c numbering (undefined: not
 * read, `file (function)` positions), `active` the name of what tlb_batch_add_one() asks.
 */
export function sparc64HugeProcs(
  batching: Batching,
  L: PmdLines | undefined,
  active: "tb->active" | "is_lazy_mmu_mode_active()",
): Proc[] {
  const tlb = (line: number | undefined, fn: string) =>
    line === undefined ? `${TLB_C} (${fn})` : `${TLB_C}:${line}`;
  return [
    proc("set_pmd_at", [
      storeStep("set_pmd_at", "orig = *pmdp; *pmdp = pmd", tlb(L?.store, "set_pmd_at")),
      batchStep(
        batching,
        "__set_pmd_acct",
        `if (mm != &init_mm && !pmd_none(orig)) pmd_trans_huge(orig) ? tlb_batch_add_one(mm, addr, exec, REAL_HPAGE_SHIFT) x2 : tlb_batch_pmd_scan(mm, addr, orig)  /* flush now if !${active}, else batch */`,
        tlb(L?.addOne, "__set_pmd_acct"),
      ),
    ]),
    proc("pmdp_huge_get_and_clear", [
      step(
        "pmdp_huge_get_and_clear",
        "pmd = *pmdp",
        `${PGTABLE_64_H} (pmdp_huge_get_and_clear)`,
        (d, env) => {
          env.locals.old = d.pte[addrArg(env)] ?? 0;
        },
      ),
      call("set_pmd_at", ({ args }) => ({ addr: args.addr ?? "", value: 0 })),
    ]),
    proc("set_huge_pte_at", [call("__set_huge_pte_at", forwardArgs)]),
    proc("__set_huge_pte_at", [
      storeStep(
        "__set_huge_pte_at",
        "orig = *ptep; for (i = 0; i < nptes; i++) ptep[i] = __pte(pte_val(entry) + (i << shift))",
        `${HUGETLBPAGE_C} (__set_huge_pte_at)`,
      ),
      batchStep(
        batching,
        "__set_huge_pte_at",
        `maybe_tlb_batch_add(mm, addr, ptep, orig, 0, orig_shift) (and addr + REAL_HPAGE_SIZE)  /* flush now if !${active}, else batch */`,
        `${HUGETLBPAGE_C} (__set_huge_pte_at)`,
      ),
    ]),
    proc("huge_ptep_get_and_clear", [
      storeStep(
        "huge_ptep_get_and_clear",
        "entry = *ptep; for (i = 0; i < nptes; i++) ptep[i] = __pte(0UL)",
        `${HUGETLBPAGE_C} (huge_ptep_get_and_clear)`,
      ),
      batchStep(
        batching,
        "huge_ptep_get_and_clear",
        `maybe_tlb_batch_add(mm, addr, ptep, entry, 0, orig_shift) (and addr + REAL_HPAGE_SIZE)  /* flush now if !${active}, else batch */`,
        `${HUGETLBPAGE_C} (huge_ptep_get_and_clear)`,
      ),
    ]),
  ];
}
