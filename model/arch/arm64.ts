// arm64 (v6.16..v6.18): the PTE store is immediate; after making a *kernel* entry valid
// the kernel owes `dsb(ishst); isb` so that the table walker sees it. In lazy MMU mode
// (per-task TIF_LAZY_MMU) the barrier is only remembered (TIF_LAZY_MMU_PENDING) and emitted
// by flush/leave. __switch_to() issues dsb(ish) on the CPU being left, so a store made before
// a preemption is visible to the walker before the task runs anywhere else.
//
// v7.0 era (arm64@v7.0, 4dd9b4d7a8d5 "arm64: mm: replace TIF_LAZY_MMU with
// is_lazy_mmu_mode_active()"): TIF_LAZY_MMU is gone; queue_pte_barriers() asks the generic
// layer's is_lazy_mmu_mode_active() (false in interrupt context, so its explicit in_interrupt()
// test went too); arch_enter_lazy_mmu_mode() is empty; leave = flush (emit the barriers if
// TIF_LAZY_MMU_PENDING was set). The hooks' `if (in_interrupt()) return;` of b81c688426a9 is
// already gone in the context of that diff (inferred: an earlier patch of the series,
// presumably 9273dfaeaca8, dropped it since the generic layer never calls them in interrupt
// context); under the v7.0 layer it would be unobservable anyway. The stored torvalds/linux
// tree predates the series: checked against the patch as posted (v6 10/14, 15 Dec 2025, Acked
// by David Hildenbrand, Reviewed by Anshuman Khandual), which is the diff quoted above;
// reference section 8. Under the v7.0 layer, lazy_mmu_mode_pause() calls arch_leave (flush:
// barriers owed so far are emitted) and resume() calls arch_enter (nothing); while paused,
// is_lazy_mmu_mode_active() is false and barriers are emitted at once.
//
// Sources (checked with the search tool; the stored torvalds/linux tree predates these
// commits, so the patches as posted and merged were read instead):
//  - arch/arm64/include/asm/pgtable.h: emit_pte_barriers(), queue_pte_barriers(),
//    arch_enter/flush/leave_lazy_mmu_mode() (5fdd05efa1cd, "arm64/mm: Batch barriers when
//    updating kernel mappings"); __set_pte_complete(): `if (pte_valid_not_user(pte))
//    queue_pte_barriers()`; set_pmd()/set_pud(): `if (pmd_valid(pmd)) queue_pte_barriers()`
//    (checked in the v4 11/11 patch as posted, Reviewed-by Catalin Marinas); set_p4d()/
//    set_pgd() queue always, with no validity test (5fdd05efa1cd's @@ -951,8 +1002,7 @@ and
//    @@ -1080,8 +1130,7 @@ as merged: `WRITE_ONCE(); queue_pte_barriers();`). Not modelled: no
//    scenario writes those levels (no caller here allocates or changes a p4d or pgd entry).
//  - b81c688426a9 ("arm64/mm: Disable barrier batching in interrupt contexts"): enter, flush
//    and leave begin with `if (in_interrupt()) return;`, queue_pte_barriers() with
//    `if (in_interrupt()) { emit_pte_barriers(); return; }` (diff read; it replaces the
//    VM_WARN_ON(in_interrupt()) of 5fdd05efa1cd).
//  - 1ef3095b1405 ("arm64/mm: Permit lazy_mmu_mode to be nested", after b81c688426a9 in the
//    v6.16 arm64 shortlog): enter loses VM_WARN_ON(test_thread_flag(TIF_LAZY_MMU)); an inner
//    leave flushes and clears the flag, the rest of the outer region runs non-lazy.
//  - arch/arm64/include/asm/thread_info.h: TIF_LAZY_MMU, TIF_LAZY_MMU_PENDING.
//  - arch/arm64/kernel/process.c (__switch_to): dsb(ish), with the comment "it makes any
//    in-progress pgtable writes visible to the table walker; See emit_pte_barriers()".
//
// What "the walker sees it" means here: a kernel store is unsynced on the CPU that made it
// until that CPU issues a dsb (hw.unsynced is keyed by CPU). If the task migrates between the
// store and its flush, the dsb(ish) of __switch_to on the old CPU is what publishes the
// store; the flush later emits its dsb on the new CPU, where nothing of it is pending. The
// model follows the kernel exactly there and lets the rules judge.
//
// Departures:
//  - The isb is not modelled: the model tracks walker visibility (the dsb), not the CPU's
//    speculative "invalid translation" state. The kernel's argument (emit_pte_barriers()
//    comment) is that the isb is issued when the task next flushes, before it touches the
//    address, albeit on another CPU.
//  - TLB invalidation of a changed valid entry is the caller's (break-before-make, flush_tlb_*)
//    and not deferred by lazy mode: the old translation stays in hw.tlb until the caller's
//    flush, which invalidates it on every CPU (the TLBI ...IS broadcast).
//  - set_ptes() is one page: __set_ptes_anysz()'s loop of __set_pte_nosync() followed by one
//    __set_pte_complete() is then set_pte_at().
//  - The PTE primitives: arm64 defines its own set_ptes() (no lazy calls; set_pte_at() is
//    the generic set_ptes(.., 1)), pte_clear() and ptep_get_and_clear() (an xchg, immediate;
//    the model's generic ptep_get() + pte_clear() is the same store of 0, which owes no
//    barrier); ptep_modify_prot_start/commit() are the generic ones.
//  - flush_tlb_range() (user and kernel) is its leading dsb(ishst) and one invalidation of
//    the address on every CPU (the TLBIs of the range).
//  - The idle task's thread flags (read by queue_pte_barriers() from an interrupt on an idle
//    CPU before b81c688426a9) are per-CPU scalars `idle.TIF_*`.

import type { Draft } from "immer";
import { cpuOf, currentTask, inInterrupt, VM_WARN_ON } from "../kernel/context";
import {
  dsb,
  flushTlbAddr,
  markUnsynced,
  storePteTlbOwed,
  unsyncedEntry,
} from "../kernel/hardware";
import { ENTER, FLUSH, LEAVE } from "../kernel/hooks";
import { is_lazy_mmu_mode_active } from "../kernel/lazy-mmu-mode";
import { addrArg, nop, valueArg } from "../kernel/primitives";
import { call, forwardArgs, type Proc, proc, type StepEnv, step } from "../kernel/program";
import { type Kernel, mmOf, type Val } from "../kernel/state";
import { arm64Builds } from "./preemption";
import type { ArchModel, SwitchStep } from "./types";

const PGTABLE_H = "arch/arm64/include/asm/pgtable.h";
const PROCESS_C = "arch/arm64/kernel/process.c";
const THREAD_INFO_H = "arch/arm64/include/asm/thread_info.h";
const LAZY = "TIF_LAZY_MMU";
const PENDING = "TIF_LAZY_MMU_PENDING";

/**
 * current's thread flags: the task on this CPU (in an interrupt, the one interrupted), or
 * the idle task's, kept as per-CPU scalars `idle.TIF_*`.
 */
function flagSlot(d: Draft<Kernel>, env: StepEnv, flag: string): [Record<string, Val>, string] {
  const t = currentTask(d, env);
  if (t) return [t.flags, flag];
  return [cpuOf(d, env).arch, `idle.${flag}`];
}

export function test_thread_flag(d: Draft<Kernel>, env: StepEnv, flag: string): boolean {
  const [o, k] = flagSlot(d, env, flag);
  return o[k] === 1;
}

export function set_thread_flag(d: Draft<Kernel>, env: StepEnv, flag: string, v: 0 | 1): void {
  const [o, k] = flagSlot(d, env, flag);
  if ((o[k] ?? 0) !== v) o[k] = v;
}

/** emit_pte_barriers(): dsb(ishst); isb() on the CPU this runs on. */
export const emit_pte_barriers: Proc = proc("emit_pte_barriers", [
  // dsb(ishst) at line 59 in each era read (5fdd05efa1cd .. 4dd9b4d7a8d5: the hunks start below it).
  step("emit_pte_barriers", "dsb(ishst); isb()", `${PGTABLE_H}:59`, (d, env) => {
    dsb(d, env.cpu);
  }),
]);

/** queue_pte_barriers(); `irqSafe` is b81c688426a9's immediate barrier in interrupt. */
function queuePteBarriers(irqSafe: boolean, L: Arm64Lines): Proc {
  const at = pgtableAt(L.queueIrq, "queue_pte_barriers");
  const lazyOrEmit = step(
    "queue_pte_barriers",
    "flags = read_thread_flags(); if (flags & BIT(TIF_LAZY_MMU)) { if (!(flags & BIT(TIF_LAZY_MMU_PENDING))) set_thread_flag(TIF_LAZY_MMU_PENDING); } else emit_pte_barriers()",
    pgtableAt(L.queueFlags, "queue_pte_barriers"),
    (d, env) => {
      if (!test_thread_flag(d, env, LAZY)) return { call: "emit_pte_barriers" };
      set_thread_flag(d, env, PENDING, 1);
      return "return";
    },
  );
  const first = irqSafe
    ? step(
        "queue_pte_barriers",
        "if (in_interrupt()) { emit_pte_barriers(); return; }",
        at,
        (d, env) => {
          if (!inInterrupt(d, env)) return undefined;
          dsb(d, env.cpu);
          return "return";
        },
      )
    : step("queue_pte_barriers", "VM_WARN_ON(in_interrupt())", at, (d, env) => {
        VM_WARN_ON(env, inInterrupt(d, env), "VM_WARN_ON(in_interrupt()) in queue_pte_barriers()");
      });
  return proc("queue_pte_barriers", [first, lazyOrEmit]);
}

/** __set_pte(): WRITE_ONCE(*ptep, pte), then __set_pte_complete(). */
const setPteOf = (L: Arm64Lines): Proc =>
  proc("__set_pte", [
    step(
      "__set_pte",
      "WRITE_ONCE(*ptep, pte)",
      pgtableAt(L.setPteNosync, "__set_pte_nosync"),
      (d, env) => {
        const addr = addrArg(env);
        const value = valueArg(env);
        // The store invalidates nothing: a changed valid entry stays cached until the caller's
        // TLBI (break-before-make, flush_tlb_*(), the mmu_gather flush).
        storePteTlbOwed(d, env, addr, value);
        // A user entry needs no barrier (a spurious fault is handled); a kernel one does.
        if (mmOf(addr) === "kernel" && value !== 0) markUnsynced(d, env.cpu, addr);
      },
    ),
    step(
      "__set_pte_complete",
      "if (pte_valid_not_user(pte)) queue_pte_barriers()",
      pgtableAt(L.setPteComplete, "__set_pte_complete"),
      (_d, env) =>
        mmOf(addrArg(env)) === "kernel" && valueArg(env) !== 0
          ? { call: "queue_pte_barriers", args: env.args }
          : undefined,
    ),
  ]);

/**
 * flush_tlb_range()/flush_tlb_kernel_range() (and the mmu_gather's tlb_flush(), which is
 * __flush_tlb_range()): dsb(ishst), so that this CPU's page-table stores are visible to the
 * walker, then the broadcast TLBIs and dsb(ish). A store still unpublished on another CPU
 * is overtaken: the walker may load the old entry again after the TLBI.
 */
export const flush_tlb_range: Proc = proc("flush_tlb_range", [
  step(
    "flush_tlb_range",
    "dsb(ishst); __tlbi_range(...); dsb(ish)",
    "arch/arm64/include/asm/tlbflush.h (flush_tlb_range, flush_tlb_kernel_range)",
    (d, env) => {
      dsb(d, env.cpu);
      flushTlbAddr(d, addrArg(env));
    },
  ),
]);

/**
 * set_pmd() and set_pud() (5fdd05efa1cd): WRITE_ONCE() of the entry, then
 * `if (pmd_valid(pmd)) queue_pte_barriers()` (user entries too: a table pointer of a user
 * mm is valid); set_p4d()/set_pgd() queue always (no scenario writes those levels). Only a
 * kernel entry owes the walker a barrier (markUnsynced), as for PTEs.
 */
function setTableEntry(fn: "set_pmd" | "set_pud", level: "pmd" | "pud", line?: number): Proc {
  return proc(fn, [
    step(
      fn,
      `WRITE_ONCE(*${level}p, ${level}); if (${level}_valid(${level})) queue_pte_barriers()`,
      pgtableAt(line, fn),
      (d, env) => {
        const addr = addrArg(env);
        const value = valueArg(env);
        storePteTlbOwed(d, env, addr, value);
        if (value === 0) return undefined;
        if (mmOf(addr) === "kernel") markUnsynced(d, env.cpu, addr);
        return { call: "queue_pte_barriers", args: env.args };
      },
    ),
  ]);
}

/** PMD level: set_pmd()/set_pud() queue barriers; a THP's set_pmd_at() is __set_pte_at(). */
const pmdProcsOf = (L: Arm64Lines): Proc[] => [
  setTableEntry("set_pmd", "pmd", L.setPmd),
  setTableEntry("set_pud", "pud", L.setPud),
  // set_pmd_at(): __set_pte_at(mm, addr, (pte_t *)pmdp, pmd_pte(pmd), PMD_SIZE >> PAGE_SHIFT),
  // whose __set_pte_complete() queues barriers for a valid kernel entry only.
  proc("set_pmd_at", [call("__set_pte", forwardArgs)]),
];

const pteProcsOf = (L: Arm64Lines): Proc[] => [
  ...pmdProcsOf(L),
  setPteOf(L),
  emit_pte_barriers,
  flush_tlb_range,
  proc("set_pte_at", [call("__set_pte", forwardArgs)]),
  proc("set_ptes", [call("__set_pte", forwardArgs)]),
  proc("pte_clear", [call("__set_pte", forwardArgs)]),
];

/**
 * The lines of arch/arm64/include/asm/pgtable.h the steps cite, of the era's own commit as
 * posted (5fdd05efa1cd: index 39c331743b69..ab4a1b19e596; b81c688426a9: ab4a1b19e596..
 * e65083ec35cb; 1ef3095b1405: e65083ec35cb..43457940a388; 4dd9b4d7a8d5: 7f528c36d53c..
 * 445e18e92221), read off their hunks; absent: not read, the step cites its function.
 */
export interface Arm64Lines {
  readonly queueIrq?: number;
  readonly queueFlags: number;
  readonly enterIrq?: number;
  readonly enter: number;
  readonly flushIrq?: number;
  readonly flush: number;
  readonly leaveIrq?: number;
  readonly leave?: number;
  readonly setPteComplete?: number;
  /**
   * __set_pte_nosync()'s WRITE_ONCE(*ptep, pte): line 320 of 39c331743b69 (the first context
   * line of "arm64/mm: Hoist barriers out of set_ptes_anysz() loop", @@ -320,13 +320,11 @@,
   * whose post-image 5fdd05efa1cd's patch starts from), moved by the hunks above it: +57 by
   * 5fdd05efa1cd (@@ -326,10 +383,8 @@ starts 3 context lines after it), then +12 by
   * b81c688426a9 (14 insertions, 2 deletions, all in lines 64-110) and +10 by 1ef3095b1405
   * (one hunk, @@ -83,11 +83,21 @@).
   */
  readonly setPteNosync?: number;
  /**
   * set_pmd()'s and set_pud()'s WRITE_ONCE(): 857 and 923 after 5fdd05efa1cd (its
   * @@ -801,10 +856,8 @@ and @@ -869,10 +922,8 @@); the later eras' hunks add lines only
   * above them, as many as above __set_pte_complete(): 12 (b81c688426a9 as posted: 14
   * insertions, 2 deletions, in its three hunks at lines 64, 79 and 87), then 10 more
   * (1ef3095b1405 as posted: 12 insertions, 2 deletions, its one hunk at line 83).
   */
  readonly setPmd?: number;
  readonly setPud?: number;
  /** arch/arm64/kernel/process.c: __switch_to()'s dsb(ish) (5fdd05efa1cd's hunk). */
  readonly switchDsb?: number;
}

/** `pgtable.h:LINE`, or `pgtable.h (fn)` where the era's line was not read. */
function pgtableAt(line: number | undefined, fn: string): string {
  return line === undefined ? `${PGTABLE_H} (${fn})` : `${PGTABLE_H}:${line}`;
}

/** What the kernels of one arm64 era do differently; each era below is one such record. */
export interface Arm64Era {
  /** b81c688426a9: every hook returns at once in interrupt context. */
  readonly irqReturns: boolean;
  /** 5fdd05efa1cd and b81c688426a9: enter warns when already lazy. */
  readonly warnNested: boolean;
  /**
   * v7.0 (4dd9b4d7a8d5): no TIF_LAZY_MMU; queue_pte_barriers() asks the generic layer's
   * is_lazy_mmu_mode_active(); enter is empty, leave = flush.
   */
  readonly genericLayer: boolean;
  readonly lines: Arm64Lines;
}

/** The idle task's thread flags, kept per CPU (see flagSlot). */
type Arm64Cpu = {
  readonly "idle.TIF_LAZY_MMU"?: 0 | 1;
  readonly "idle.TIF_LAZY_MMU_PENDING"?: 0 | 1;
};
/** A task's TIF_LAZY_MMU (up to v6.18) and TIF_LAZY_MMU_PENDING. */
type Arm64Task = { readonly TIF_LAZY_MMU?: 0 | 1; readonly TIF_LAZY_MMU_PENDING?: 0 | 1 };

function hooks(era: Arm64Era): Proc[] {
  const irqReturn = (fn: string, at: string) =>
    step(fn, "if (in_interrupt()) return", at, (d, env) =>
      inInterrupt(d, env) ? "return" : undefined,
    );
  const L = era.lines;
  const enterAt = pgtableAt(L.enter, "arch_enter_lazy_mmu_mode");
  const flushAt = pgtableAt(L.flush, "arch_flush_lazy_mmu_mode");
  const leaveAt = pgtableAt(L.leave, "arch_leave_lazy_mmu_mode");
  const warns = [
    era.irqReturns ? "" : "VM_WARN_ON(in_interrupt()); ",
    era.warnNested ? "VM_WARN_ON(test_thread_flag(TIF_LAZY_MMU)); " : "",
  ].join("");
  const enter = step(ENTER, `${warns}set_thread_flag(TIF_LAZY_MMU)`, enterAt, (d, env) => {
    if (!era.irqReturns)
      VM_WARN_ON(
        env,
        inInterrupt(d, env),
        "VM_WARN_ON(in_interrupt()) in arch_enter_lazy_mmu_mode()",
      );
    if (era.warnNested)
      VM_WARN_ON(
        env,
        test_thread_flag(d, env, LAZY),
        "VM_WARN_ON(test_thread_flag(TIF_LAZY_MMU)) in arch_enter_lazy_mmu_mode()",
      );
    set_thread_flag(d, env, LAZY, 1);
  });
  const flush = step(
    FLUSH,
    "if (test_and_clear_thread_flag(TIF_LAZY_MMU_PENDING)) emit_pte_barriers()",
    flushAt,
    (d, env) => {
      if (!test_thread_flag(d, env, PENDING)) return undefined;
      set_thread_flag(d, env, PENDING, 0);
      return { call: "emit_pte_barriers" };
    },
  );
  const clear = step(LEAVE, "clear_thread_flag(TIF_LAZY_MMU)", leaveAt, (d, env) => {
    set_thread_flag(d, env, LAZY, 0);
  });
  const guard = (fn: string, line: number | undefined) =>
    era.irqReturns ? [irqReturn(fn, pgtableAt(line, fn))] : [];
  return [
    proc(ENTER, [...guard(ENTER, L.enterIrq), enter]),
    proc(FLUSH, [...guard(FLUSH, L.flushIrq), flush]),
    proc(LEAVE, [...guard(LEAVE, L.leaveIrq), call(FLUSH, {}), clear]),
    queuePteBarriers(era.irqReturns, L),
  ];
}

/** __switch_to(): dsb(ish) on the CPU being switched (also from and to idle). */
const switchToOf = (L: Arm64Lines): readonly SwitchStep[] => [
  {
    fn: "__switch_to",
    label: "dsb(ish)  /* makes in-progress pgtable writes visible to the table walker */",
    at: L.switchDsb === undefined ? `${PROCESS_C} (__switch_to)` : `${PROCESS_C}:${L.switchDsb}`,
    run: (d, sw) => {
      const pending = d.hw.unsynced.some((k) => unsyncedEntry(k).cpu === sw.cpu);
      dsb(d, sw.cpu);
      return pending;
    },
  },
];

const common = {
  arch: "arm64",
  sources: [PGTABLE_H, THREAD_INFO_H, PROCESS_C],
  perCpu: {},
  perTask: { TIF_LAZY_MMU: 0, TIF_LAZY_MMU_PENDING: 0 },
  builds: arm64Builds,
} as const;

const departures = [
  "The isb is not modelled: only walker visibility (the dsb) is; the kernel issues the isb when the task next flushes, before it touches the address.",
  "TLB maintenance of a changed valid entry is the caller's and not deferred: the old translation stays cached (hw.tlb) until the caller's flush_tlb_*() or mmu_gather flush.",
  "set_pmd()/set_pud() queue barriers for a valid entry (5fdd05efa1cd); set_p4d()/set_pgd() (which queue always) are not modelled: no scenario writes those levels.",
  "set_ptes() is one page: __set_pte_nosync() then one __set_pte_complete().",
  "flush_tlb_range()/flush_tlb_kernel_range() are their leading dsb(ishst) and one invalidation of the address on every CPU (the TLBI ...IS of the range).",
  "The idle task's thread flags are per-CPU scalars idle.TIF_*.",
];

/** An era's procedures, from its features. */
function arm64Procs(era: Arm64Era): Proc[] {
  return [...(era.genericLayer ? hooksV70(era.lines) : hooks(era)), ...pteProcsOf(era.lines)];
}

const ERA_5FDD05EFA1CD: Arm64Era = {
  irqReturns: false,
  warnNested: true,
  genericLayer: false,
  lines: {
    queueIrq: 67,
    queueFlags: 68,
    enter: 82,
    flush: 90,
    leave: 97,
    setPteComplete: 386,
    setPteNosync: 377,
    setPmd: 857,
    setPud: 923,
    switchDsb: 689,
  },
};
const ERA_B81C688426A9: Arm64Era = {
  ...ERA_5FDD05EFA1CD,
  irqReturns: true,
  lines: {
    queueIrq: 67,
    queueFlags: 72,
    enterIrq: 86,
    enter: 89,
    flushIrq: 96,
    flush: 99,
    leaveIrq: 105,
    leave: 109,
    setPteComplete: 398,
    setPteNosync: 389,
    setPmd: 869,
    setPud: 935,
    switchDsb: 689,
  },
};
const ERA_1EF3095B1405: Arm64Era = {
  ...ERA_B81C688426A9,
  warnNested: false,
  lines: {
    queueIrq: 67,
    queueFlags: 72,
    enterIrq: 98,
    enter: 101,
    flushIrq: 106,
    flush: 109,
    leaveIrq: 115,
    leave: 119,
    setPteComplete: 408,
    setPteNosync: 399,
    setPmd: 879,
    setPud: 945,
    switchDsb: 689,
  },
};
const ERA_V7_0: Arm64Era = {
  ...ERA_1EF3095B1405,
  genericLayer: true,
  lines: { queueFlags: 65, enter: 74, flush: 78 },
};

export const arm64V5fdd: ArchModel<Arm64Cpu, Arm64Task> = {
  ...common,
  id: "arm64@5fdd05efa1cd",
  linesAt:
    "pgtable.h and process.c after 5fdd05efa1cd as posted (pgtable.h index 39c331743b69..ab4a1b19e596), read off its hunks",
  era: "v6.16-rc (5fdd05efa1cd..b81c688426a9)",
  ran: [
    {
      since: "v6.16-rc1",
      until: "v6.16",
      why: "5fdd05efa1cd, b81c688426a9 and 1ef3095b1405 all landed in the v6.16 cycle (in that order in the arm64 shortlog): at most release candidates; the rc tags were not checked",
    },
  ],
  commits: ["5fdd05efa1cd"],
  summary:
    "arm64 barrier batching in TIF flags: warns in interrupt context and on nesting; an interrupt's kernel store follows the interrupted task's flag",
  departures,
  procs: arm64Procs(ERA_5FDD05EFA1CD),
  contextSwitch: switchToOf(ERA_5FDD05EFA1CD.lines),
};

export const arm64Vb81c: ArchModel<Arm64Cpu, Arm64Task> = {
  ...common,
  id: "arm64@b81c688426a9",
  linesAt:
    "pgtable.h after b81c688426a9 as posted (index ab4a1b19e596..e65083ec35cb); process.c as after 5fdd05efa1cd, which b81c688426a9 does not touch",
  era: "v6.16-rc (b81c688426a9..1ef3095b1405)",
  ran: [
    {
      since: "v6.16-rc1",
      until: "v6.16",
      why: "5fdd05efa1cd, b81c688426a9 and 1ef3095b1405 all landed in the v6.16 cycle (in that order in the arm64 shortlog): at most release candidates; the rc tags were not checked",
    },
  ],
  commits: ["5fdd05efa1cd", "b81c688426a9"],
  summary: "arm64: in interrupt context the hooks return at once and barriers are immediate",
  departures,
  procs: arm64Procs(ERA_B81C688426A9),
  contextSwitch: switchToOf(ERA_B81C688426A9.lines),
};

export const arm64V1ef3: ArchModel<Arm64Cpu, Arm64Task> = {
  ...common,
  id: "arm64@1ef3095b1405",
  linesAt:
    "pgtable.h after 1ef3095b1405 as posted (index e65083ec35cb..43457940a388); process.c as after 5fdd05efa1cd, which it does not touch",
  era: "v6.16..v6.18",
  ran: [
    {
      since: "v6.16",
      until: "v7.0",
      why: "1ef3095b1405 is in v6.16; 4dd9b4d7a8d5 (v7.0) replaced TIF_LAZY_MMU",
    },
  ],
  commits: ["5fdd05efa1cd", "b81c688426a9", "1ef3095b1405"],
  summary:
    "arm64 tolerating nesting: no warning; an inner leave ends batching for the outer region",
  departures,
  procs: arm64Procs(ERA_1EF3095B1405),
  contextSwitch: switchToOf(ERA_1EF3095B1405.lines),
};

/**
 * v7.0 (4dd9b4d7a8d5): queue_pte_barriers() asks is_lazy_mmu_mode_active(); enter is empty;
 * leave = flush. Only TIF_LAZY_MMU_PENDING remains per task.
 */
function hooksV70(L: Arm64Lines): Proc[] {
  const queueAt = pgtableAt(L.queueFlags, "queue_pte_barriers");
  const flushAt = pgtableAt(L.flush, "arch_flush_lazy_mmu_mode");
  return [
    proc(ENTER, [nop(ENTER, "{}", pgtableAt(L.enter, "arch_enter_lazy_mmu_mode"))]),
    proc(FLUSH, [
      step(
        FLUSH,
        "if (test_and_clear_thread_flag(TIF_LAZY_MMU_PENDING)) emit_pte_barriers()",
        flushAt,
        (d, env) => {
          if (!test_thread_flag(d, env, PENDING)) return undefined;
          set_thread_flag(d, env, PENDING, 0);
          return { call: "emit_pte_barriers" };
        },
      ),
    ]),
    proc(LEAVE, [call(FLUSH, {})]),
    proc("queue_pte_barriers", [
      step(
        "queue_pte_barriers",
        "if (is_lazy_mmu_mode_active()) { if (!test_thread_flag(TIF_LAZY_MMU_PENDING)) set_thread_flag(TIF_LAZY_MMU_PENDING); } else emit_pte_barriers()",
        queueAt,
        (d, env) => {
          if (!is_lazy_mmu_mode_active(d, env)) return { call: "emit_pte_barriers" };
          set_thread_flag(d, env, PENDING, 1);
          return "return";
        },
      ),
    ]),
  ];
}

export const arm64V70: ArchModel<Arm64Cpu, Arm64Task> = {
  ...common,
  id: "arm64@v7.0",
  linesAt:
    "pgtable.h after 4dd9b4d7a8d5 as posted (v6 10/14, index 7f528c36d53c..445e18e92221), read off its hunks",
  era: "v7.0..",
  ran: [{ since: "v7.0", why: "4dd9b4d7a8d5 (v7.0)" }],
  commits: ["5fdd05efa1cd", "b81c688426a9", "1ef3095b1405", "4dd9b4d7a8d5"],
  summary:
    "arm64 on the v7.0 generic layer: no TIF_LAZY_MMU, queue_pte_barriers() asks is_lazy_mmu_mode_active(); enter is empty, leave = flush",
  api: "lazy-mmu-mode",
  departures,
  perTask: { TIF_LAZY_MMU_PENDING: 0 },
  procs: arm64Procs(ERA_V7_0),
  contextSwitch: switchToOf(ERA_V7_0.lines),
};

export const arm64Models: readonly ArchModel<Arm64Cpu, Arm64Task>[] = [
  arm64V5fdd,
  arm64Vb81c,
  arm64V1ef3,
  arm64V70,
];
