// sparc64: a per-CPU `tlb_batch` collects the TSB and TLB flushes owed for user-mm PTE
// changes while `active` is set; the PTE store itself is immediate, and init_mm changes
// are never batched (flush_tlb_kernel_range() handles them).
//
// Sources: arch/sparc/mm/tlb.c (flush_tlb_pending, arch_enter/leave_lazy_mmu_mode,
// tlb_batch_add_one), arch/sparc/include/asm/pgtable_64.h (__set_pte_at,
// maybe_tlb_batch_add, set_ptes), arch/sparc/include/asm/tlbflush_64.h. The PMD and
// hugetlb paths (set_pmd_at, __set_pmd_acct, hugetlbpage.c), which feed tlb_batch_add_one()
// without going through set_ptes(), are in ./sparc64-huge.ts.
// Line numbers (each model's `linesAt` names its version; LINES below): arch/sparc/mm/tlb.c
// as of v6.14 for sparc64@v6.5 and @v6.14 (the context lines of a1d416bf9faf's hunks;
// v6.5's are assumed the same, not checked), v6.15 for sparc64@v6.15 (a1d416bf9faf's new
// side, and the same lines in a35ddcca5e76, the tlb.c that 442bf488b9e8 was posted against
// in late 2025), and dacd24ec4965 as posted (blob 3a852071d260) for sparc64@v7.0.
// arch/sparc/include/asm/tlbflush_64.h: blob 8b8cdaa69272 (v6.18, the pre-image of
// 442bf488b9e8's hunk), whose lines 12-16 and 43-50 are those of the stored copy
// 30c092337017 (read whole): flush_tlb_range() 35, flush_tlb_kernel_range() 40, the empty
// `#define arch_flush_lazy_mmu_mode() do {} while (0)` 47. pgtable_64.h and hugetlbpage.c
// positions stay `file (function)`: no copy of those versions was read.
//
// Eras:
//  - sparc64@v6.5: before 1a10a44dfc1d (v6.6): set_pte_at() is sparc64's own
//    __set_pte_at(..., 0), pte_clear() is set_pte_at(); no set_ptes() (the model's is the
//    plain loop); enter/leave as in v6.14.
//  - sparc64@v6.14: 1a10a44dfc1d (v6.6) set_ptes wraps its loop in enter/leave, and
//    set_pte_at() is now the generic set_ptes(..., 1), pte_clear() set_pte_at(): every PTE
//    write made inside a region nests, and its inner leave flushes and clears tb->active.
//    Enter and leave use this_cpu_ptr() with preemption enabled.
//
// The macro chain per era (what a caller's PTE primitive compiles to):
//   set_pte_at       v6.5: __set_pte_at(.., 0)   v6.6+: set_ptes(.., 1) -> __set_pte_at(.., 0)
//   pte_clear        set_pte_at(mm, addr, ptep, __pte(0)) in every era
//   ptep_get_and_clear  generic: ptep_get() then pte_clear()
//   ptep_modify_prot_start/commit  generic: ptep_get_and_clear() / set_pte_at()
// Checked against the stored pgtable_64.h (after eb61ad14c459: set_ptes() without lazy
// calls, pte_clear() through set_pte_at(), no set_pte_at() of its own, no
// __HAVE_ARCH_PTEP_GET_AND_CLEAR); the set_ptes() of 1a10a44dfc1d with enter/leave around
// its loop is from the seed (Ryan Roberts' commit message) and the reference, not read.
//  - sparc64@v6.15: a1d416bf9faf (enter begins with preempt_disable(), leave ends with
//    preempt_enable()), eb61ad14c459 (set_ptes no longer enters lazy mode).
//  - sparc64@v7.0: 442bf488b9e8 (arch_flush_lazy_mmu_mode() flushes a non-empty batch),
//    dacd24ec4965 (`active` removed: tlb_batch_add_one() asks is_lazy_mmu_mode_active());
//    enter = preempt_disable(), leave = flush then preempt_enable(). Reached only through the
//    v7.0 generic layer (model/kernel/lazy-mmu-mode.ts). The stored arch/sparc/mm/tlb.c
//    predates it: checked against 442bf488b9e8 and dacd24ec4965 as posted (their diffs).
//
// Departures: one user mm and base pages only, so the batch never holds another mm or page
// size and never fills (TLB_BATCH_NR is 192): those flush-first branches are left out.
// tlb_batch_add_one() runs with preemption disabled (get_cpu_var) and touches only this
// CPU's batch, so it is one step. A changed PTE whose old value was present counts as
// pte_accessible(); the dcache flush of tlb_batch_add() is not modelled.

import type { Draft } from "immer";
import { flushTlbAddr, invalidate, markStale, storePte, tlbKeepsOld } from "../kernel/hardware";
import { ENTER, FLUSH, LEAVE } from "../kernel/hooks";
import { is_lazy_mmu_mode_active } from "../kernel/lazy-mmu-mode";
import {
  addrArg,
  nop,
  preempt_disable,
  preempt_enable,
  this_cpu_ptr,
  valueArg,
} from "../kernel/primitives";
import { call, forwardArgs, numberLocal, type Proc, proc, step } from "../kernel/program";
import { type Kernel, mmOf } from "../kernel/state";
import { sparc64Builds } from "./preemption";
import { type Batching, PMD_LINES, type PmdLines, sparc64HugeProcs } from "./sparc64-huge";
import { type ArchModel, archState } from "./types";

const TLB_C = "arch/sparc/mm/tlb.c";
const PGTABLE_64_H = "arch/sparc/include/asm/pgtable_64.h";
const TLBFLUSH_64_H = "arch/sparc/include/asm/tlbflush_64.h";

/** What the kernels of one sparc64 era do differently; each era below is one such record. */
export interface Sparc64Era {
  /**
   * 1a10a44dfc1d (v6.6): sparc64 defines set_ptes() and set_pte_at() is the generic
   * set_ptes(.., 1); before it set_pte_at() is sparc64's own __set_pte_at(.., 0).
   */
  readonly rangeApi: boolean;
  /** 1a10a44dfc1d until eb61ad14c459 (v6.15): set_ptes() wraps its loop in enter/leave. */
  readonly setPtesNests: boolean;
  /** a1d416bf9faf (v6.15): enter begins with preempt_disable(), leave ends with preempt_enable(). */
  readonly preemptOffRegion: boolean;
  /**
   * v7.0 (442bf488b9e8, dacd24ec4965): no `tb->active`, tlb_batch_add_one() asks
   * is_lazy_mmu_mode_active(), arch_flush_lazy_mmu_mode() flushes; reached only through
   * the generic layer's lazy_mmu_mode_*().
   */
  readonly genericLayer: boolean;
  /** The lines of arch/sparc/mm/tlb.c the steps cite (v6.14's or v6.15's, see LINES). */
  readonly tlbC: TlbLines;
  /** The lines of set_pmd_at()/__set_pmd_acct() in tlb.c (./sparc64-huge.ts); undefined: not read. */
  readonly pmdLines: PmdLines | undefined;
}

/** Per-CPU `tlb_batch.active` (gone in v7.0, dacd24ec4965). */
type Sparc64Cpu = { readonly active?: 0 | 1 };

const sparc = archState<Sparc64Cpu>();

function batchOf(d: Draft<Kernel>, cpu: number) {
  const c = d.cpus[cpu];
  if (!c) throw new Error(`model error: no CPU ${cpu}`);
  return c;
}

/** flush_tlb_pending(): flush this CPU's batch (get_cpu_var: the CPU it runs on now). */
const flush_tlb_pending: Proc = proc("flush_tlb_pending", [
  step(
    "flush_tlb_pending",
    "tb = &get_cpu_var(tlb_batch); flush_tsb_user(tb); smp_flush_tlb_pending(); tb->tlb_nr = 0",
    `${TLB_C}:23`,
    (d, env) => {
      const tb = batchOf(d, env.cpu);
      for (const addr of tb.batch) invalidate(d, addr);
      tb.batch = [];
    },
  ),
]);

/**
 * flush_tlb_range() is empty on sparc64 (the TLB batch flushes user entries as their PTEs
 * change); for a kernel range the caller calls flush_tlb_kernel_range(), which flushes the
 * kernel TSB and the TLBs of every CPU (asm/tlbflush_64.h). The scenarios name both
 * flush_tlb_range(). `line` is flush_tlb_range()'s in tlbflush_64.h; the declaration of
 * flush_tlb_kernel_range() is 5 lines below it.
 */
const flushTlbRangeAt = (line: number): Proc =>
  proc("flush_tlb_range", [
    step(
      "flush_tlb_range",
      "flush_tlb_range() { }  /* user */; flush_tlb_kernel_range(): flush_tsb_kernel_range(); smp_flush_tlb_kernel_range()",
      `${TLBFLUSH_64_H}:${line}, ${TLBFLUSH_64_H}:${line + 5}`,
      (d, env) => {
        const addr = addrArg(env);
        if (mmOf(addr) === "kernel") flushTlbAddr(d, addr);
      },
    ),
  ]);

/** Does tlb_batch_add_one() batch here? Up to v6.18 `tb->active`; v7.0 the generic layer. */

const tbActive: Batching = (d, env) => sparc.cpu(d, env.cpu).active === 1;

/** __set_pte_at(): store now, then maybe_tlb_batch_add() for a user mm's old entry. */
const setPteAt = (batching: Batching, label: string, addOneAt: string): Proc =>
  proc("__set_pte_at", [
    step(
      "__set_pte_at",
      "orig = *ptep; *ptep = pte",
      `${PGTABLE_64_H} (__set_pte_at)`,
      (d, env) => {
        const addr = addrArg(env);
        const orig = d.pte[addr] ?? 0;
        env.locals.orig = orig;
        storePte(d, env, addr, valueArg(env));
        if (mmOf(addr) === "user" && orig !== 0 && orig !== valueArg(env)) markStale(d, addr);
        // init_mm is never batched: its old translation waits for the caller's
        // flush_tlb_kernel_range().
        if (mmOf(addr) === "kernel") tlbKeepsOld(d, addr, orig, valueArg(env));
      },
    ),
    step("tlb_batch_add_one", label, addOneAt, (d, env) => {
      const addr = addrArg(env);
      const orig = numberLocal(env, "orig");
      if (mmOf(addr) !== "user" || orig === 0 || orig === valueArg(env)) return;
      const tb = batchOf(d, env.cpu);
      if (!batching(d, env)) invalidate(d, addr);
      else if (!tb.batch.includes(addr)) tb.batch.push(addr);
    }),
  ]);

/**
 * Lines of arch/sparc/mm/tlb.c: v6.14 (also used for v6.5), and v6.15 after a1d416bf9faf,
 * whose hunks (@@ -52,8 +52,10 @@, @@ -64,6 +66,7 @@, as posted and acked) shift them.
 * `addOne` is tlb_batch_add_one()'s `if (!tb->active)`: 89 in a35ddcca5e76 (the old side of
 * dacd24ec4965's @@ -93,7 +86,7 @@ less the 7 lines 442bf488b9e8 added above it), so 86 in
 * v6.14 (a1d416bf9faf's 3 added lines are above it).
 */
interface TlbLines {
  readonly pd?: number;
  readonly ptr: number;
  readonly active: number;
  readonly lptr: number;
  readonly lflush: number;
  readonly lactive: number;
  readonly pe?: number;
  readonly addOne: number;
}

const LINES = {
  v614: { ptr: 55, active: 57, lptr: 62, lflush: 64, lactive: 66, addOne: 86 },
  v615: { pd: 57, ptr: 58, active: 59, lptr: 64, lflush: 66, lactive: 68, pe: 69, addOne: 89 },
} as const satisfies Record<string, TlbLines>;

/**
 * Lines of tlb.c after dacd24ec4965 as posted (blob 3a852071d260, on 442bf488b9e8): enter's
 * preempt_disable() 55 (@@ -52,11 +52,7 @@); arch_flush_lazy_mmu_mode() at 58, its
 * this_cpu_ptr() 60 and `if (tb->tlb_nr)` 62 (442bf488b9e8's @@ -59,12 +59,19 @@ moved 4
 * lines up by dacd24ec4965); leave's preempt_enable() 69 (@@ -69,10 +65,7 @@); and
 * tlb_batch_add_one()'s `if (!is_lazy_mmu_mode_active())` 89 (@@ -93,7 +86,7 @@).
 */
const LINES_V7_0 = { pd: 55, fptr: 60, fflush: 62, pe: 69, addOne: 89 } as const;

/** The hooks up to v6.18: this_cpu_ptr(&tlb_batch), then `tb->active` set or flushed and cleared. */
function enterLeave(era: Sparc64Era): Proc[] {
  const L = era.tlbC;
  const enter = [
    this_cpu_ptr(ENTER, "tb", "tlb_batch", `${TLB_C}:${L.ptr}`),
    step(ENTER, "tb->active = 1", `${TLB_C}:${L.active}`, (d, env) => {
      sparc.cpu(d, numberLocal(env, "tb")).active = 1;
    }),
  ];
  const leave = [
    this_cpu_ptr(LEAVE, "tb", "tlb_batch", `${TLB_C}:${L.lptr}`),
    step(LEAVE, "if (tb->tlb_nr) flush_tlb_pending()", `${TLB_C}:${L.lflush}`, (d, env) =>
      batchOf(d, numberLocal(env, "tb")).batch.length > 0
        ? { call: "flush_tlb_pending" }
        : undefined,
    ),
    step(LEAVE, "tb->active = 0", `${TLB_C}:${L.lactive}`, (d, env) => {
      sparc.cpu(d, numberLocal(env, "tb")).active = 0;
    }),
  ];
  return [
    proc(
      ENTER,
      era.preemptOffRegion ? [preempt_disable(ENTER, `${TLB_C}:${L.pd}`), ...enter] : enter,
    ),
    proc(
      LEAVE,
      era.preemptOffRegion ? [...leave, preempt_enable(LEAVE, `${TLB_C}:${L.pe}`)] : leave,
    ),
    // Before v7.0 sparc64's own empty one (it defines __HAVE_ARCH_ENTER_LAZY_MMU_MODE, so
    // the generic fallbacks of include/linux/pgtable.h are not compiled).
    proc(FLUSH, [
      nop(FLUSH, "#define arch_flush_lazy_mmu_mode() do {} while (0)", `${TLBFLUSH_64_H}:47`),
    ]),
  ];
}

/**
 * pte_clear() is `set_pte_at(mm, addr, ptep, __pte(0))` in every era (pgtable_64.h). Before
 * 1a10a44dfc1d set_pte_at() is sparc64's own `__set_pte_at(mm, addr, ptep, pte, 0)`; from it
 * on, sparc64 defines set_ptes() (a loop over __set_pte_at(..., 0)) and set_pte_at() is the
 * generic `set_ptes(mm, addr, ptep, pte, 1)` (include/linux/pgtable.h), so every
 * set_pte_at() and pte_clear() goes through whatever set_ptes() the era has.
 * ptep_get_and_clear() is the generic ptep_get() + pte_clear() (no
 * __HAVE_ARCH_PTEP_GET_AND_CLEAR on sparc64), so it goes the same way.
 */
const pteProcsWith = (__set_pte_at: Proc, rangeApi: boolean, flushTlbRangeLine: number): Proc[] => [
  flush_tlb_pending,
  // The mmu_gather flush: `#define tlb_flush(tlb) flush_tlb_pending()` (asm/tlb_64.h).
  proc("tlb_flush", [call("flush_tlb_pending", {})]),
  flushTlbRangeAt(flushTlbRangeLine),
  __set_pte_at,
  proc("set_pte_at", [call(rangeApi ? "set_ptes" : "__set_pte_at", forwardArgs)]),
  proc("pte_clear", [call("set_pte_at", forwardArgs)]),
];

/** The PTE path of an era: __set_pte_at() batching by `tb->active` or, v7.0, by the generic layer. */
function pteProcsOf(era: Sparc64Era): Proc[] {
  const setPte = era.genericLayer
    ? setPteAt(
        is_lazy_mmu_mode_active,
        "maybe_tlb_batch_add(): if (!is_lazy_mmu_mode_active()) flush now, else tb->vaddrs[tb->tlb_nr++] = vaddr",
        `${TLB_C}:${era.tlbC.addOne}`,
      )
    : setPteAt(
        tbActive,
        "maybe_tlb_batch_add(): if (!tb->active) flush now, else tb->vaddrs[tb->tlb_nr++] = vaddr",
        `${TLB_C}:${era.tlbC.addOne}`,
      );
  // tlbflush_64.h: flush_tlb_range() at 35, one line higher once dacd24ec4965 removes
  // `active` from struct tlb_batch (its @@ -12,7 +12,6 @@).
  return pteProcsWith(setPte, era.rangeApi, era.genericLayer ? 34 : 35);
}

/** v7.0 hooks: no `active`; flush is real (442bf488b9e8); leave = flush + preempt_enable. */
// Leave's own steps cite the flush's lines: leave calls arch_flush_lazy_mmu_mode() (line
// 68), whose body they are.
const flushIfPending = (fn: string) => [
  this_cpu_ptr(fn, "tb", "tlb_batch", `${TLB_C}:${LINES_V7_0.fptr}`),
  step(fn, "if (tb->tlb_nr) flush_tlb_pending()", `${TLB_C}:${LINES_V7_0.fflush}`, (d, env) =>
    batchOf(d, numberLocal(env, "tb")).batch.length > 0 ? { call: "flush_tlb_pending" } : undefined,
  ),
];

const hooksV70: Proc[] = [
  proc(ENTER, [preempt_disable(ENTER, `${TLB_C}:${LINES_V7_0.pd}`)]),
  proc(LEAVE, [...flushIfPending(LEAVE), preempt_enable(LEAVE, `${TLB_C}:${LINES_V7_0.pe}`)]),
  proc(FLUSH, flushIfPending(FLUSH)),
];

/** set_ptes() of 1a10a44dfc1d: the loop (one page here) inside enter/leave. */
const setPtesNesting: Proc = proc("set_ptes", [
  call(ENTER, {}),
  call("__set_pte_at", forwardArgs),
  call(LEAVE, {}),
]);

/** set_ptes() after eb61ad14c459: the bare loop. */
const setPtesPlain: Proc = proc("set_ptes", [call("__set_pte_at", forwardArgs)]);

/** An era's procedures, from its features. */
function sparc64Procs(era: Sparc64Era): Proc[] {
  return [
    ...(era.genericLayer ? hooksV70 : enterLeave(era)),
    ...pteProcsOf(era),
    era.setPtesNests ? setPtesNesting : setPtesPlain,
    ...(era.genericLayer
      ? sparc64HugeProcs(is_lazy_mmu_mode_active, era.pmdLines, "is_lazy_mmu_mode_active()")
      : sparc64HugeProcs(tbActive, era.pmdLines, "tb->active")),
  ];
}

const ERA_V6_5: Sparc64Era = {
  rangeApi: false,
  setPtesNests: false,
  preemptOffRegion: false,
  genericLayer: false,
  tlbC: LINES.v614,
  pmdLines: PMD_LINES.v614,
};
const ERA_V6_14: Sparc64Era = { ...ERA_V6_5, rangeApi: true, setPtesNests: true };
const ERA_V6_15: Sparc64Era = {
  ...ERA_V6_14,
  setPtesNests: false,
  preemptOffRegion: true,
  tlbC: LINES.v615,
  pmdLines: PMD_LINES.v615,
};
/**
 * v7.0: tlb_batch_add_one()'s test at dacd24ec4965's line (the hooks' lines are LINES_V7_0);
 * set_pmd_at()/__set_pmd_acct() keep v6.15's lines, since 442bf488b9e8 adds 7 lines above
 * them and dacd24ec4965 removes 7 (their hunk headers).
 */
const ERA_V7_0: Sparc64Era = {
  ...ERA_V6_15,
  genericLayer: true,
  tlbC: { ...LINES.v615, addOne: LINES_V7_0.addOne },
  pmdLines: PMD_LINES.v615,
};

const common = {
  arch: "sparc64",
  sources: [TLB_C, PGTABLE_64_H, TLBFLUSH_64_H],
  perTask: {},
  contextSwitch: [],
  builds: sparc64Builds,
} as const;

/** Up to v6.18 each CPU's `tlb_batch.active` starts at 0. */
const perCpuActive: Sparc64Cpu = { active: 0 };

const departures = [
  "One user mm and base pages only: tlb_batch_add_one()'s flush on a different mm or page size, and the flush when the batch is full, are not modelled.",
  "tlb_batch_add_one() runs with preemption off and only touches this CPU's batch: one atomic step.",
  "The TSB and TLB flushes are one invalidation of the address on every CPU (smp_flush_tlb_pending).",
];

export const sparc64V65: ArchModel<Sparc64Cpu> = {
  ...common,
  id: "sparc64@v6.5",
  era: "..v6.5",
  ran: [
    {
      until: "v6.6",
      why: "1a10a44dfc1d (v6.6) gave sparc64 its set_ptes() and the generic set_pte_at()",
    },
  ],
  commits: [],
  linesAt:
    "tlb.c: v6.14's lines (a1d416bf9faf's hunk context), assumed the same in v6.5 (not read); tlbflush_64.h: v6.18's (blob 8b8cdaa69272), assumed the same in v6.5",
  summary:
    "sparc64 before 1a10a44dfc1d: preemptible enter/leave via this_cpu_ptr; no set_ptes override",
  departures,
  perCpu: perCpuActive,
  procs: sparc64Procs(ERA_V6_5),
};

export const sparc64V614: ArchModel<Sparc64Cpu> = {
  ...common,
  id: "sparc64@v6.14",
  era: "v6.6..v6.14",
  ran: [
    {
      since: "v6.6",
      until: "v6.15",
      why: "1a10a44dfc1d (v6.6) until a1d416bf9faf and eb61ad14c459 (v6.15)",
    },
  ],
  commits: ["1a10a44dfc1d"],
  linesAt:
    "tlb.c: v6.14 (the old side of a1d416bf9faf's hunks as posted); tlbflush_64.h: v6.18's (blob 8b8cdaa69272), assumed the same in v6.14",
  summary: "sparc64 before a1d416bf9faf: preemptible enter/leave via this_cpu_ptr; set_ptes nests",
  departures,
  perCpu: perCpuActive,
  procs: sparc64Procs(ERA_V6_14),
};

export const sparc64V615: ArchModel<Sparc64Cpu> = {
  ...common,
  id: "sparc64@v6.15",
  era: "v6.15..v6.18",
  ran: [
    {
      since: "v6.15",
      until: "v7.0",
      why: "a1d416bf9faf and eb61ad14c459 (v6.15) until 442bf488b9e8 and dacd24ec4965 (v7.0)",
    },
  ],
  commits: ["1a10a44dfc1d", "a1d416bf9faf", "eb61ad14c459"],
  linesAt:
    "tlb.c: v6.15 (a1d416bf9faf's new side; the same lines in a35ddcca5e76, 442bf488b9e8's pre-image, v6.18); tlbflush_64.h: v6.18 (blob 8b8cdaa69272)",
  summary: "sparc64 after a1d416bf9faf: preemption disabled for the region; set_ptes does not nest",
  departures,
  perCpu: perCpuActive,
  procs: sparc64Procs(ERA_V6_15),
};

export const sparc64V70: ArchModel<Sparc64Cpu> = {
  ...common,
  id: "sparc64@v7.0",
  era: "v7.0..",
  ran: [{ since: "v7.0", why: "442bf488b9e8 and dacd24ec4965 (v7.0)" }],
  commits: ["a1d416bf9faf", "eb61ad14c459", "442bf488b9e8", "dacd24ec4965"],
  linesAt:
    "tlb.c and tlbflush_64.h after dacd24ec4965 as posted (tlb.c blob 3a852071d260, on 442bf488b9e8's 7b5dfcdb1243; tlbflush_64.h 6133306ba59a), read off both patches' hunks",
  summary:
    "sparc64 on the v7.0 generic layer: no `active`, batching asks is_lazy_mmu_mode_active(); flush is real",
  api: "lazy-mmu-mode",
  departures,
  perCpu: {},
  procs: sparc64Procs(ERA_V7_0),
};

export const sparc64Models: readonly ArchModel<Sparc64Cpu>[] = [
  sparc64V65,
  sparc64V614,
  sparc64V615,
  sparc64V70,
];
