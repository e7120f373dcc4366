// powerpc book3s64 with the hash MMU: the PTE store is immediate (an atomic update), and
// the hash-table (and TLB) invalidation of the old entry goes into a per-CPU
// `ppc64_tlb_batch` while `active` is set; leave flushes it. Unlike sparc64, init_mm
// changes are batched too (hpte_need_flush() takes any mm).
//
// Sources (checked with the search tool against torvalds/linux):
//  - arch/powerpc/include/asm/book3s/64/tlbflush-hash.h: the stored version (commit
//    05909cd9a0c8, before b9ef323ea168) has enter = this_cpu_ptr(); active = 1 (lines 35-36)
//    and leave = this_cpu_ptr(); if (index) __flush_tlb_pending(); active = 0 (lines 45-49),
//    arch_flush_lazy_mmu_mode() empty (line 52). The b9ef323ea168 patch (Nicholas Piggin,
//    v6.1-rc3 powerpc fixes) adds preempt_disable() before this_cpu_ptr() in enter ("apply_to_
//    page_range can call us this preempt enabled when operating on kernel page tables") and
//    preempt_enable() after active = 0 in leave: lines 39-41 and 50-55 after it.
//  - arch/powerpc/mm/book3s64/hash_tlb.c: hpte_need_flush() (get_cpu_var: preemption off;
//    if !batch->active flush_hash_page() now; else flush first on another mm, append, flush
//    when full) and __flush_tlb_pending().
//  - arch/powerpc/mm/book3s64/hash_pgtable.c (hpte_do_hugepage_flush(): a THP's hash entries
//    flushed at once with flush_hash_hugepage(); hash__pmdp_collapse_flush()) and
//    hash_tlb.c flush_hash_table_pmd_range() (its own region, interrupts off): thpProcs().
//  - arch/powerpc/kernel/process.c (__switch_to): before _switch(), if this CPU's batch is
//    active, current's local_flags |= _TLF_LAZY_MMU, flush, active = 0; after _switch(), if
//    the new current has _TLF_LAZY_MMU, clear it and set active = 1 on this CPU. Present from
//    before v6.0 until 58852f24f956 (v7.0); checked in the stored process.c and the removal diff.
//  - arch/powerpc/mm/pgtable.c (set_ptes): 9fee28baa601 (v6.6) wraps the loop in
//    arch_enter/leave_lazy_mmu_mode(); 47b8def9358c (v6.6) removes those calls (both diffs
//    read). Both are after b9ef323ea168 (v6.1-rc3), so those eras disable preemption too.
//
// Eras:
//  - powerpc-hash@v6.0: up to v6.1-rc2. enter/leave preemptible (this_cpu_ptr() with
//    preemption on); __switch_to hands an active batch over to the task.
//  - powerpc-hash@b9ef323ea168: v6.1-rc3..v6.5. preempt_disable() for the region; the
//    __switch_to hand-over stays (it cannot trigger without sleeping in the region, which
//    is itself a "scheduling while atomic" bug: modelled, not removed, so the checker says so).
//  - powerpc-hash@9fee28baa601: v6.6 set_ptes() nests.
//  - powerpc-hash@47b8def9358c: v6.6..v6.18 set_ptes() without lazy calls.
//  - powerpc-hash@v7.0: reached only through the v7.0 generic layer
//    (model/kernel/lazy-mmu-mode.ts). 58852f24f956 removes the __switch_to hand-over (no
//    contextSwitch steps, no _TLF_LAZY_MMU); c3f0778ffeca moves leave's flush into
//    arch_flush_lazy_mmu_mode() (this_cpu_ptr(); if (batch->index) __flush_tlb_pending()),
//    which leave calls; 313a05a15a1b removes `active`: enter = preempt_disable(), leave =
//    arch_flush_lazy_mmu_mode(); preempt_enable(), and hpte_need_flush() batches only when
//    is_lazy_mmu_mode_active() (false in interrupt context). Not checked against the v7.0
//    tree (the stored torvalds/linux tlbflush-hash.h is 05909cd9a0c8, before b9ef323ea168):
//    checked against the series' mails as stored (v6 11/14 "replace batch->active with
//    is_lazy_mmu_mode_active()": the diff of both files; v6 03/14 "implement
//    arch_flush_lazy_mmu_mode()": its description) and the reference, section 5.
//
// The macro chain per era (what a caller's PTE primitive compiles to):
//   set_pte_at     v6.0, b9ef323ea168: powerpc's own (__set_pte_at, here hash__pte_update)
//                  9fee28baa601 on: the generic set_ptes(.., 1), so in the 9fee28baa601 era
//                  every set_pte_at() in a region nests (enter/leave inside set_ptes())
//   pte_clear, ptep_get_and_clear   pte_update() at once (book3s/64/pgtable.h), never
//                  through set_ptes()
//   ptep_modify_prot_start/commit   generic: ptep_get_and_clear() / set_pte_at()
// From the reference and the 9fee28baa601/47b8def9358c diffs; book3s/64/pgtable.h's
// pte_clear() and __HAVE_ARCH_PTEP_GET_AND_CLEAR were not re-read for this.
//
// PREEMPT_RT: no powerpc kernel selects ARCH_SUPPORTS_RT as far as checked (v6.12), so every
// `rt` cell of these models is n/a (model/arch/preemption.ts). The wide pagemap region's
// PREEMPT_RT finding (b9ef323ea168's preempt_disable() then the PTL, an rtmutex) is kept in
// test/verdicts/powerpc.json as a what-if only.
//
// Departures:
//  - One user mm and init_mm; base pages and one segment size, so the "another mm" flush of
//    hpte_need_flush() is modelled (user vs init_mm), the page-size and segment-size ones
//    are not, nor the flush when the batch is full (PPC64_TLB_BATCH_NR is 192).
//  - set_pte_at() and pte_clear() are modelled as hash__pte_update(): an atomic store, then
//    hpte_need_flush() when the old PTE was in the hash table (model: old value present and
//    different). In the kernel set_pte_at() only fills a non-valid PTE and a present PTE is
//    changed through ptep_get_and_clear()/ptep_clear_flush() (pte_update()); the model folds
//    that clear-then-set into one call, as the scenarios write present PTEs with set_pte_at().
//  - The hash-table and TLB invalidation (flush_hash_page, flush_hash_range) is one
//    invalidation of the address on every CPU.
//  - Before v6.6 there is no set_ptes(): remap_pte_range() called set_pte_at(). The v6.0 and
//    b9ef323ea168 eras give set_ptes() the plain loop, which is what that code did.
//  - The idle task is not a task of the model; its _TLF_LAZY_MMU is the per-CPU scalar
//    `idle_TLF_LAZY_MMU`, so that __switch_to(prev = idle) and (next = idle) stay faithful.
//  - Radix (all hooks return at once) is not modelled: this is the hash MMU.

import type { Draft } from "immer";
import { invalidate, markStale, storePte } from "../kernel/hardware";
import { ENTER, FLUSH, LEAVE } from "../kernel/hooks";
import { is_lazy_mmu_mode_active } from "../kernel/lazy-mmu-mode";
import {
  addrArg,
  local_irq_restore,
  local_irq_save,
  nop,
  preempt_disable,
  preempt_enable,
  this_cpu_ptr,
  valueArg,
} from "../kernel/primitives";
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
import { powerpcBuilds } from "./preemption";
import { type ArchModel, archState, type SwitchStep } from "./types";

const TLBFLUSH_HASH_H = "arch/powerpc/include/asm/book3s/64/tlbflush-hash.h";
const HASH_TLB_C = "arch/powerpc/mm/book3s64/hash_tlb.c";
const HASH_H = "arch/powerpc/include/asm/book3s/64/hash.h";
const PROCESS_C = "arch/powerpc/kernel/process.c";
const PGTABLE_C = "arch/powerpc/mm/pgtable.c";
const IDLE_TLF = "idle_TLF_LAZY_MMU";

/** What the kernels of one hash-MMU era do differently; each era below is one such record. */
export interface PowerpcHashEra {
  /** b9ef323ea168 (v6.1-rc3): enter begins with preempt_disable(), leave ends with preempt_enable(). */
  readonly preemptOffRegion: boolean;
  /** 9fee28baa601 (v6.6): set_pte_at() is the generic set_ptes(.., 1); before, powerpc's own. */
  readonly rangeApi: boolean;
  /** 9fee28baa601 until 47b8def9358c: set_ptes() wraps its loop in enter/leave. */
  readonly setPtesNests: boolean;
  /**
   * v7.0 (58852f24f956, c3f0778ffeca, 313a05a15a1b): no `batch->active` and no __switch_to
   * hand-over; hpte_need_flush() asks is_lazy_mmu_mode_active(); the flush is real.
   */
  readonly genericLayer: boolean;
  /**
   * Lines read for this era beyond tlbflush-hash.h's hooks (see each model's `linesAt`):
   * hpte_need_flush()'s `if (!batch->active)` in hash_tlb.c, and __switch_to()'s two blocks
   * in process.c (`batch = this_cpu_ptr()` before _switch(), the `_TLF_LAZY_MMU` test after
   * it). Undefined: not read for the era, the step cites its function.
   */
  readonly lines?: {
    readonly hpteTest: number;
    readonly switchOut?: number;
    readonly switchIn?: number;
    /** flush_hash_table_pmd_range()'s local_irq_save(flags) and local_irq_restore(flags). */
    readonly pmdRangeIrqSave?: number;
    readonly pmdRangeIrqRestore?: number;
    /** flush_hash_table_pmd_range()'s `hpte_need_flush(mm, addr, pte, pteval, 0)` in its loop. */
    readonly pmdRangeFlush?: number;
  };
}

/** Per-CPU `ppc64_tlb_batch.active`, and the idle task's _TLF_LAZY_MMU (up to v6.18). */
type PowerpcCpu = { readonly active?: 0 | 1; readonly idle_TLF_LAZY_MMU?: 0 | 1 };
/** Per-task `thread_info.local_flags & _TLF_LAZY_MMU` (up to v6.18). */
type PowerpcTask = { readonly _TLF_LAZY_MMU?: 0 | 1 };

const ppc = archState<PowerpcCpu, PowerpcTask>();

function batchOf(d: Draft<Kernel>, cpu: number) {
  const c = d.cpus[cpu];
  if (!c) throw new Error(`model error: no CPU ${cpu}`);
  return c;
}

/** __flush_tlb_pending(batch): flush_hash_page/flush_hash_range over the batch, index = 0. */
function flushBatch(d: Draft<Kernel>, cpu: number): void {
  const b = batchOf(d, cpu);
  for (const addr of b.batch) invalidate(d, addr);
  b.batch = [];
}

/** Does hpte_need_flush() batch? Up to v6.18 `batch->active`; v7.0 the generic layer. */
type Batching = (d: Draft<Kernel>, env: StepEnv) => boolean;
const batchActive: Batching = (d, env) => ppc.cpu(d, env.cpu).active === 1;

/** hash__pte_update(): the atomic store, then hpte_need_flush() if the old PTE was hashed. */
function pteUpdateWith(batching: Batching, label: string, at: string): Proc {
  return proc("hash__pte_update", [
    step(
      "hash__pte_update",
      "old = pte_xchg(ptep, new)  /* ldarx/stdcx. loop */",
      `${HASH_H} (hash__pte_update)`,
      (d, env) => {
        const addr = addrArg(env);
        const old = d.pte[addr] ?? 0;
        env.locals.old = old;
        storePte(d, env, addr, valueArg(env));
        if (old !== 0 && old !== valueArg(env)) markStale(d, addr);
      },
    ),
    step("hpte_need_flush", label, at, (d, env) => {
      const addr = addrArg(env);
      const old = numberLocal(env, "old");
      if (old === 0 || old === valueArg(env)) return;
      const b = batchOf(d, env.cpu);
      if (!batching(d, env)) {
        invalidate(d, addr);
        return;
      }
      const first = b.batch[0];
      if (first !== undefined && mmOf(first) !== mmOf(addr)) flushBatch(d, env.cpu);
      if (!b.batch.includes(addr)) b.batch.push(addr);
    }),
  ]);
}

/** `hash_tlb.c:LINE`, or `hash_tlb.c (fn)` where the era's line was not read. */
const hashTlbAt = (line: number | undefined, fn: string) =>
  line === undefined ? `${HASH_TLB_C} (${fn})` : `${HASH_TLB_C}:${line}`;

const pteUpdate = (era: PowerpcHashEra) =>
  pteUpdateWith(
    batchActive,
    "if (old & H_PAGE_HASHPTE) hpte_need_flush(): batch = &get_cpu_var(ppc64_tlb_batch); if (!batch->active) flush_hash_page() else { if (i != 0 && mm != batch->mm) __flush_tlb_pending(batch); append }",
    hashTlbAt(era.lines?.hpteTest, "hpte_need_flush"),
  );

/** v7.0 (313a05a15a1b): the batch is used when the generic layer says the mode is active. */
const pteUpdateV70 = (era: PowerpcHashEra) =>
  pteUpdateWith(
    is_lazy_mmu_mode_active,
    "if (old & H_PAGE_HASHPTE) hpte_need_flush(): batch = &get_cpu_var(ppc64_tlb_batch); if (!is_lazy_mmu_mode_active()) flush_hash_page() else { if (i != 0 && mm != batch->mm) __flush_tlb_pending(batch); append }",
    hashTlbAt(era.lines?.hpteTest, "hpte_need_flush"),
  );

/**
 * The caller's TLB flushes on hash: flush_tlb_range() is hash__flush_tlb_range(), empty (the
 * hash PTE path invalidates as PTEs change, through the batch), and the mmu_gather's
 * tlb_flush() is hash__tlb_flush(), which flushes this CPU's pending batch "because the
 * pages are going to be freed" (book3s/64/tlbflush.h picks the hash__ ones without radix).
 */
const tlbFlushProcs: readonly Proc[] = [
  proc("flush_tlb_range", [
    nop(
      "flush_tlb_range",
      "hash__flush_tlb_range() { }",
      `${TLBFLUSH_HASH_H} (hash__flush_tlb_range)`,
    ),
  ]),
  proc("tlb_flush", [
    step(
      "hash__tlb_flush",
      "tlbbatch = &get_cpu_var(ppc64_tlb_batch); if (tlbbatch->index) __flush_tlb_pending(tlbbatch); put_cpu_var(ppc64_tlb_batch)",
      `${HASH_TLB_C} (hash__tlb_flush)`,
      (d, env) => {
        flushBatch(d, env.cpu);
      },
    ),
  ]),
];

/**
 * set_pte_at(): before 9fee28baa601 powerpc's own (__set_pte_at()); from it on the generic
 * `set_ptes(mm, addr, ptep, pte, 1)`, so it goes through the era's set_ptes(). pte_clear()
 * and ptep_get_and_clear() are pte_update() at once in every era (book3s/64/pgtable.h,
 * __HAVE_ARCH_PTEP_GET_AND_CLEAR): never through set_ptes().
 */
const pteProcsWith = (update: Proc, rangeApi: boolean): Proc[] => [
  update,
  ...tlbFlushProcs,
  proc("set_pte_at", [call(rangeApi ? "set_ptes" : "hash__pte_update", forwardArgs)]),
  proc("pte_clear", [call("hash__pte_update", forwardArgs)]),
];

const HASH_PGTABLE_C = "arch/powerpc/mm/book3s64/hash_pgtable.c";
const BOOK3S64_PGTABLE_H = "arch/powerpc/include/asm/book3s/64/pgtable.h";

/**
 * THP on the hash MMU. set_pmd_at() (book3s64/pgtable.c) is set_pte_at() on the PMD (it
 * only installs a non-valid one); a huge PMD's hash entries are flushed at once by
 * hash__pmd_hugepage_update() -> hpte_do_hugepage_flush() -> flush_hash_hugepage(), never
 * through ppc64_tlb_batch. khugepaged's pmdp_collapse_flush() is hash__pmdp_collapse_flush():
 * `pmd = *pmdp; pmd_clear(pmdp); serialize_against_pte_lookup(mm);
 * flush_hash_table_pmd_range(mm, &pmd, address)`, and flush_hash_table_pmd_range()
 * (hash_tlb.c) runs its own region with interrupts off: local_irq_save(),
 * arch_enter_lazy_mmu_mode(), hpte_need_flush() for each PTE with H_PAGE_HASHPTE,
 * arch_leave_lazy_mmu_mode(), local_irq_restore() (checked in the stored hash_tlb.c and in
 * the v7.0 series' diff of it). Not in the v7.0 model: there the region is
 * lazy_mmu_mode_enable()/disable(), and no v7.0 scenario collapses a THP.
 */
function thpProcs(era: PowerpcHashEra, batching: Batching): Proc[] {
  const fn = "flush_hash_table_pmd_range";
  return [
    proc("set_pmd_at", [call("set_pte_at", forwardArgs)]),
    // pmd_clear(): `*pmdp = __pmd(0)`. A PMD that pointed at a PTE table leaves the hash
    // entries of its PTEs (the model: the PMD's address) until they are flushed.
    proc("pmd_clear", [
      step("pmd_clear", "*pmdp = __pmd(0)", `${BOOK3S64_PGTABLE_H} (pmd_clear)`, (d, env) => {
        const addr = addrArg(env);
        const old = d.pte[addr] ?? 0;
        storePte(d, env, addr, 0);
        if (old !== 0) markStale(d, addr);
      }),
    ]),
    // pmdp_invalidate() -> pmd_hugepage_update() -> hash__pmd_hugepage_update(): the atomic
    // update, then `if (old & H_PAGE_HASHPTE) hpte_do_hugepage_flush()`, which flushes the
    // huge page's hash entries at once (flush_hash_hugepage()), batch or no batch.
    proc("pmdp_establish", [
      step(
        "hash__pmd_hugepage_update",
        "old = pmd_xchg(pmdp, new); if (old & H_PAGE_HASHPTE) hpte_do_hugepage_flush(mm, addr, pmdp, old)",
        `${HASH_PGTABLE_C} (hash__pmd_hugepage_update, hpte_do_hugepage_flush)`,
        (d, env) => {
          storePte(d, env, addrArg(env), valueArg(env));
        },
      ),
    ]),
    proc("pmdp_collapse_flush", [
      call("pmd_clear", forwardArgs),
      nop(
        "hash__pmdp_collapse_flush",
        "serialize_against_pte_lookup(vma->vm_mm)",
        `${HASH_PGTABLE_C} (hash__pmdp_collapse_flush)`,
      ),
      call(fn, forwardArgs),
    ]),
    proc(fn, [
      local_irq_save(fn, "flags", hashTlbAt(era.lines?.pmdRangeIrqSave, fn)),
      call(ENTER, {}),
      step(
        fn,
        "for (pte = start_pte; pte < start_pte + PTRS_PER_PTE; pte++) { pteval = pte_val(*pte); if (pteval & H_PAGE_HASHPTE) hpte_need_flush(mm, addr, pte, pteval, 0); addr += PAGE_SIZE; }",
        hashTlbAt(era.lines?.pmdRangeFlush, fn),
        (d, env) => {
          const addr = addrArg(env);
          if (!d.hw.stale.includes(addr)) return;
          const b = batchOf(d, env.cpu);
          if (!batching(d, env)) invalidate(d, addr);
          else if (!b.batch.includes(addr)) b.batch.push(addr);
        },
      ),
      call(LEAVE, {}),
      local_irq_restore(fn, "flags", hashTlbAt(era.lines?.pmdRangeIrqRestore, fn)),
    ]),
  ];
}

/** The hooks up to v6.18, with b9ef323ea168's preempt_disable()/preempt_enable() if the era has them. */
function hooks(era: PowerpcHashEra): Proc[] {
  const preemptSafe = era.preemptOffRegion;
  const at = (v60: number, b9ef: number) => `${TLBFLUSH_HASH_H}:${preemptSafe ? b9ef : v60}`;
  const enter = [
    this_cpu_ptr(ENTER, "batch", "ppc64_tlb_batch", at(35, 40)),
    step(ENTER, "batch->active = 1", at(36, 41), (d, env) => {
      ppc.cpu(d, numberLocal(env, "batch")).active = 1;
    }),
  ];
  const leave = [
    this_cpu_ptr(LEAVE, "batch", "ppc64_tlb_batch", at(45, 50)),
    step(LEAVE, "if (batch->index) __flush_tlb_pending(batch)", at(47, 52), (d, env) => {
      flushBatch(d, numberLocal(env, "batch"));
    }),
    step(LEAVE, "batch->active = 0", at(49, 54), (d, env) => {
      ppc.cpu(d, numberLocal(env, "batch")).active = 0;
    }),
  ];
  return [
    proc(ENTER, preemptSafe ? [preempt_disable(ENTER, at(0, 39)), ...enter] : enter),
    proc(LEAVE, preemptSafe ? [...leave, preempt_enable(LEAVE, at(0, 55))] : leave),
    proc(FLUSH, [nop(FLUSH, "do {} while (0)", at(52, 58))]),
  ];
}

/**
 * v7.0 arch_flush_lazy_mmu_mode() (c3f0778ffeca): flush this CPU's batch if non-empty.
 * Lines of tlbflush-hash.h after 313a05a15a1b as posted (blob 6cc9abcd7b3d), read off its
 * hunks (@@ -26,8 +25,6 @@, @@ -35,8 +32,6 @@, @@ -53,14 +48,10 @@) over c3f0778ffeca's:
 * enter's preempt_disable() 34; the flush at 37, its this_cpu_ptr() 43 and
 * `if (batch->index)` 45; leave's preempt_enable() 55.
 */
const V70_LINES = { pd: 34, fptr: 43, fflush: 45, pe: 55 } as const;

const flushIfPending = (fn: string) => [
  this_cpu_ptr(fn, "batch", "ppc64_tlb_batch", `${TLBFLUSH_HASH_H}:${V70_LINES.fptr}`),
  step(
    fn,
    "if (batch->index) __flush_tlb_pending(batch)",
    `${TLBFLUSH_HASH_H}:${V70_LINES.fflush}`,
    (d, env) => {
      flushBatch(d, numberLocal(env, "batch"));
    },
  ),
];

/** v7.0 hooks: no `active` (313a05a15a1b); leave = flush + preempt_enable. */
const hooksV70: Proc[] = [
  proc(ENTER, [preempt_disable(ENTER, `${TLBFLUSH_HASH_H}:${V70_LINES.pd}`)]),
  proc(LEAVE, [call(FLUSH, {}), preempt_enable(LEAVE, `${TLBFLUSH_HASH_H}:${V70_LINES.pe}`)]),
  proc(FLUSH, flushIfPending(FLUSH)),
];

/**
 * __switch_to(prev, new) on this CPU. The model splits a switch into switch-out (prev, to
 * idle) and switch-in (from idle, next); the idle task's local flag is a per-CPU scalar.
 */
const processAt = (line: number | undefined, where: string) =>
  line === undefined ? `${PROCESS_C} (__switch_to, ${where})` : `${PROCESS_C}:${line}`;

const switchToOf = (era: PowerpcHashEra): readonly SwitchStep[] => [
  {
    fn: "__switch_to",
    label:
      "batch = this_cpu_ptr(&ppc64_tlb_batch); if (batch->active) { current_thread_info()->local_flags |= _TLF_LAZY_MMU; if (batch->index) __flush_tlb_pending(batch); batch->active = 0; }",
    at: processAt(era.lines?.switchOut, "before _switch()"),
    run: (d, sw) => {
      const b = ppc.cpu(d, sw.cpu);
      if (b.active !== 1) return false;
      if (sw.prev !== null) ppc.task(d, sw.prev)._TLF_LAZY_MMU = 1;
      else b.idle_TLF_LAZY_MMU = 1;
      flushBatch(d, sw.cpu);
      b.active = 0;
      return true;
    },
  },
  {
    fn: "__switch_to",
    label:
      "if (current_thread_info()->local_flags & _TLF_LAZY_MMU) { local_flags &= ~_TLF_LAZY_MMU; batch = this_cpu_ptr(&ppc64_tlb_batch); batch->active = 1; }",
    at: processAt(era.lines?.switchIn, "after _switch()"),
    run: (d, sw) => {
      const b = ppc.cpu(d, sw.cpu);
      if (sw.next !== null) {
        const t = ppc.task(d, sw.next);
        if (t._TLF_LAZY_MMU !== 1) return false;
        t._TLF_LAZY_MMU = 0;
      } else {
        if (b.idle_TLF_LAZY_MMU !== 1) return false;
        b.idle_TLF_LAZY_MMU = 0;
      }
      b.active = 1;
      return true;
    },
  },
];

/** set_ptes() of 9fee28baa601: the loop (one page here) inside enter/leave. */
const setPtesNesting: Proc = proc("set_ptes", [
  call(ENTER, {}),
  call("hash__pte_update", forwardArgs),
  call(LEAVE, {}),
]);

/** set_ptes() after 47b8def9358c, and set_pte_at() before v6.6: the bare store. */
const setPtesPlain: Proc = proc("set_ptes", [call("hash__pte_update", forwardArgs)]);

/** An era's procedures, from its features. */
function powerpcHashProcs(era: PowerpcHashEra): Proc[] {
  return [
    ...(era.genericLayer ? hooksV70 : hooks(era)),
    ...pteProcsWith(era.genericLayer ? pteUpdateV70(era) : pteUpdate(era), era.rangeApi),
    era.setPtesNests ? setPtesNesting : setPtesPlain,
    // THP (thpProcs): only up to v6.18, where flush_hash_table_pmd_range()'s region is
    // arch_enter/leave_lazy_mmu_mode().
    ...(era.genericLayer ? [] : thpProcs(era, batchActive)),
  ];
}

const ERA_V6_0: PowerpcHashEra = {
  preemptOffRegion: false,
  rangeApi: false,
  setPtesNests: false,
  genericLayer: false,
};
const ERA_B9EF323EA168: PowerpcHashEra = { ...ERA_V6_0, preemptOffRegion: true };
const ERA_9FEE28BAA601: PowerpcHashEra = {
  ...ERA_B9EF323EA168,
  rangeApi: true,
  setPtesNests: true,
};
/**
 * Lines: hash_tlb.c blob 787f7a0e27f0 (the pre-image of 313a05a15a1b's @@ -100,7 +100,7 @@;
 * it is the new side of the series' v6 07/14 over v6.19-rc1's 21fcad97ae80, whose hunks
 * replace lines 1:1, so these are v6.19-rc1's lines; 07/14's @@ -237,7 @@ and @@ -249,6 @@
 * give flush_hash_table_pmd_range()'s local_irq_save() at 239 and local_irq_restore() at
 * 253; its loop is the new side of Hugh Dickins' "[PATCH v2 12/23] powerpc: allow
 * pte_offset_map[_lock]() to fail" (8 Jun 2023) as posted (hash_tlb.c index
 * a64ea0a7ef96..21fcad97ae80, @@ -239,12 +239,16 @@: the for at 244, hpte_need_flush() at
 * 247)) and process.c of the tree 58852f24f956 was
 * posted against (its @@ -1291,14 and @@ -1369,20 hunks).
 */
const ERA_47B8DEF9358C: PowerpcHashEra = {
  ...ERA_9FEE28BAA601,
  setPtesNests: false,
  lines: {
    hpteTest: 103,
    switchOut: 1294,
    switchIn: 1379,
    pmdRangeIrqSave: 239,
    pmdRangeIrqRestore: 253,
    pmdRangeFlush: 247,
  },
};
/** hpte_need_flush()'s `if (!is_lazy_mmu_mode_active())`: 313a05a15a1b's new side (103). */
const ERA_V7_0: PowerpcHashEra = {
  ...ERA_47B8DEF9358C,
  genericLayer: true,
  lines: { hpteTest: 103 },
};

const common = {
  arch: "powerpc-hash",
  sources: [TLBFLUSH_HASH_H, HASH_TLB_C, HASH_H, PROCESS_C, PGTABLE_C],
  perCpu: { active: 0, idle_TLF_LAZY_MMU: 0 },
  perTask: { _TLF_LAZY_MMU: 0 },
  builds: powerpcBuilds,
} as const;

const departures = [
  "One user mm and init_mm, base pages, one segment size: hpte_need_flush() flushes first only on a change of mm; the page-size, segment-size and batch-full flushes are not modelled.",
  "set_pte_at() and pte_clear() are hash__pte_update() (atomic store, then hpte_need_flush() when the old PTE was present): the kernel's set_pte_at() only fills non-valid PTEs and changes go through ptep_get_and_clear()/ptep_clear_flush().",
  "flush_hash_page()/flush_hash_range() is one invalidation of the address on every CPU.",
  "The idle task's _TLF_LAZY_MMU is the per-CPU scalar idle_TLF_LAZY_MMU.",
  "Radix is not modelled (all hooks return at once there).",
];

export const powerpcHashV60: ArchModel<PowerpcCpu, PowerpcTask> = {
  ...common,
  id: "powerpc-hash@v6.0",
  era: "..v6.1-rc2",
  ran: [{ until: "v6.1-rc3", why: "b9ef323ea168 is in the v6.1-rc3 powerpc fixes" }],
  commits: [],
  linesAt:
    "tlbflush-hash.h of 05909cd9a0c8 (the stored copy, before b9ef323ea168, read whole); hash_tlb.c and process.c not read for this era",
  contextSwitch: switchToOf(ERA_V6_0),
  summary:
    "book3s64 hash before b9ef323ea168: preemptible enter/leave via this_cpu_ptr; __switch_to hands the active batch to the task",
  departures: [
    ...departures,
    "There is no set_ptes() before v6.6: remap_pte_range() called set_pte_at(); set_ptes() here is that bare store.",
    "flush_hash_table_pmd_range() is the name from v6.1-rc1 (d368e0c478a6, 'powerpc/mm/book3s/hash: Rename flush_tlb_pmd_range', in the powerpc-6.1 pull); up to v6.0 the same function is flush_tlb_pmd_range().",
  ],
  procs: powerpcHashProcs(ERA_V6_0),
};

export const powerpcHashB9ef: ArchModel<PowerpcCpu, PowerpcTask> = {
  ...common,
  id: "powerpc-hash@b9ef323ea168",
  era: "v6.1-rc3..v6.5",
  ran: [
    {
      since: "v6.1-rc3",
      until: "v6.6-rc1",
      why: "b9ef323ea168 (v6.1-rc3) until the range API's 9fee28baa601 (v6.6 merge window)",
    },
  ],
  commits: ["b9ef323ea168"],
  linesAt:
    "tlbflush-hash.h after b9ef323ea168 (its hunks as posted over 05909cd9a0c8); hash_tlb.c and process.c not read for this era",
  contextSwitch: switchToOf(ERA_B9EF323EA168),
  summary:
    "book3s64 hash with preemption disabled for the region (b9ef323ea168); the __switch_to hand-over stays but cannot trigger",
  departures: [
    ...departures,
    "There is no set_ptes() before v6.6: remap_pte_range() called set_pte_at(); set_ptes() here is that bare store.",
  ],
  procs: powerpcHashProcs(ERA_B9EF323EA168),
};

export const powerpcHash9fee: ArchModel<PowerpcCpu, PowerpcTask> = {
  ...common,
  id: "powerpc-hash@9fee28baa601",
  era: "v6.6 (9fee28baa601..47b8def9358c)",
  ran: [
    {
      since: "v6.6-rc1",
      until: "v6.6",
      why: "9fee28baa601 and 47b8def9358c are both in the v6.6 cycle: at most its release candidates (the rc that took 47b8def9358c was not checked)",
    },
  ],
  commits: ["b9ef323ea168", "9fee28baa601"],
  linesAt:
    "tlbflush-hash.h blob 146287d9580f: the tree, after 49147beb0ccb and so after 9fee28baa601, that Matthew Wilcox's 'use ->active as a counter' patch (Fixes: bcc6cc832573) was posted against, and also v6.18's (c3f0778ffeca's pre-image): its @@ -38,7 @@ and @@ -49,9 @@ show enter's preempt_disable()/this_cpu_ptr()/active = 1 at 39-41 and leave's this_cpu_ptr() at 50, `if (batch->index)` at 52, active = 0 at 54, preempt_enable() at 55, b9ef323ea168's lines; the empty flush at 58 from c3f0778ffeca's @@ -51,12 @@ on it; hash_tlb.c and process.c not read for this era",
  contextSwitch: switchToOf(ERA_9FEE28BAA601),
  summary: "book3s64 hash whose set_ptes() wraps its loop in enter/leave: regions nest",
  departures,
  procs: powerpcHashProcs(ERA_9FEE28BAA601),
};

export const powerpcHash47b8: ArchModel<PowerpcCpu, PowerpcTask> = {
  ...common,
  id: "powerpc-hash@47b8def9358c",
  era: "v6.6..v6.18",
  ran: [
    {
      since: "v6.6",
      until: "v7.0",
      why: "47b8def9358c (v6.6) until the v7.0 series (58852f24f956)",
    },
  ],
  commits: ["b9ef323ea168", "9fee28baa601", "47b8def9358c"],
  linesAt:
    "v6.18: tlbflush-hash.h blob 146287d9580f (the pre-image of c3f0778ffeca as posted: active = 1 at 41, leave 50-55, the empty flush at 58, as after b9ef323ea168), hash_tlb.c blob 787f7a0e27f0 (313a05a15a1b's pre-image; the lines of v6.19-rc1's 21fcad97ae80, the series' v6 07/14 replacing lines 1:1), process.c as 58852f24f956 was posted against",
  contextSwitch: switchToOf(ERA_47B8DEF9358C),
  summary: "book3s64 hash after 47b8def9358c: set_ptes() does not enter lazy mode",
  departures,
  procs: powerpcHashProcs(ERA_47B8DEF9358C),
};

export const powerpcHashV70: ArchModel<PowerpcCpu, PowerpcTask> = {
  ...common,
  id: "powerpc-hash@v7.0",
  era: "v7.0..",
  ran: [{ since: "v7.0", why: "58852f24f956, c3f0778ffeca and 313a05a15a1b (v7.0)" }],
  commits: ["b9ef323ea168", "47b8def9358c", "58852f24f956", "c3f0778ffeca", "313a05a15a1b"],
  linesAt:
    "tlbflush-hash.h and hash_tlb.c after 313a05a15a1b as posted (blobs 6cc9abcd7b3d, fbdeb8981ae7), read off its hunks and c3f0778ffeca's",
  summary:
    "book3s64 hash on the v7.0 generic layer: no `active`, no __switch_to hand-over; hpte_need_flush() asks is_lazy_mmu_mode_active(); flush is real",
  api: "lazy-mmu-mode",
  departures: [
    ...departures.filter((x) => !x.includes(IDLE_TLF)),
    "Not checked against a v7.0 tree: the stored tlbflush-hash.h predates b9ef323ea168; the hooks follow the series' mails (the 313a05a15a1b and c3f0778ffeca diffs) and the reference.",
  ],
  perCpu: {},
  perTask: {},
  contextSwitch: [],
  procs: powerpcHashProcs(ERA_V7_0),
};

export const powerpcHashModels: readonly ArchModel<PowerpcCpu, PowerpcTask>[] = [
  powerpcHashV60,
  powerpcHashB9ef,
  powerpcHash9fee,
  powerpcHash47b8,
  powerpcHashV70,
];
