// x86 Xen PV guests: the lazy MMU hooks are paravirt calls (PVOP_VCALL0(mmu.lazy_mode.*)).
// A Xen PV guest cannot write its page tables: each PTE change is a hypercall, and in lazy
// MMU mode it is queued in a per-CPU multicall buffer and issued later (leave, flush,
// context switch, or any multicall issued while the CPU is not in MMU mode, e.g. from an
// interrupt). Native and KVM x86 are x86-native.ts.
//
// Sources (checked against torvalds/linux with the search tool). Line numbers differ by
// era: each era's XenLines (below) holds those read off the posted diffs of its commits,
// named in the model's `linesAt`; a step whose line was not read cites `file (function)`.
//  - arch/x86/include/asm/paravirt.h: arch_enter/leave/flush_lazy_mmu_mode() are pv ops;
//    pte_clear() is set_pte(ptep, 0); set_pte_at() is set_pte().
//  - arch/x86/kernel/paravirt.c (up to v6.5): enter_lazy(), leave_lazy(),
//    paravirt_enter_lazy_mmu(), paravirt_flush_lazy_mmu(), paravirt_start/end_context_switch(),
//    paravirt_get_lazy_mode() (NONE in interrupt context).
//  - a4a7644c1509 (v6.6, "x86/xen: move paravirt lazy code") moved that code unchanged in
//    behaviour to arch/x86/include/asm/xen/hypervisor.h (enter_lazy, leave_lazy),
//    arch/x86/xen/enlighten_pv.c (xen_get_lazy_mode, xen_start/end_context_switch) and
//    arch/x86/xen/mmu_pv.c (xen_enter/leave/flush_lazy_mmu).
//  - arch/x86/xen/mmu_pv.c: xen_set_pte() -> __xen_set_pte() -> xen_batched_set_pte()
//    (queue when the mode reads MMU, interrupts off from xen_mc_batch() to xen_mc_issue())
//    or HYPERVISOR_mmu_update() now; xen_flush_tlb_one_user() and friends queue an mmuext
//    op and xen_mc_issue(XEN_LAZY_MMU); xen_set_pmd()/xen_set_pud() of a pinned table go
//    through xen_set_pmd_hyper()/xen_set_pud_hyper(): an mmu_update in the multicall buffer,
//    then xen_mc_issue(XEN_LAZY_MMU) (stored mmu_pv.c, 03c11eb3b16d).
//  - arch/x86/xen/multicalls.h/.c: xen_mc_issue(mode) flushes the whole per-CPU buffer
//    when (xen_get_lazy_mode() & mode) == 0; xen_mc_flush() issues every queued entry.
//  - include/linux/pgtable.h: set_ptes() of bcc6cc832573 (v6.6) wraps its loop in
//    arch_enter/leave_lazy_mmu_mode(); 691ee97e1a9d (v6.15) removed that.
//  - arch/x86/include/asm/highmem.h: the kmap_local hooks (x86-common.ts).
//
// Eras (each a XenEra feature record below; the code asks its features):
//  - x86-xen-pv@v6.5: paravirt.c code; no default set_ptes() yet (remap and friends call
//    set_pte_at()), so set_ptes() here is the plain loop.
//  - x86-xen-pv@49147beb0ccb (v6.6..v6.14): a4a7644c1509 + 49147beb0ccb: per-CPU
//    xen_lazy_nesting; enter_lazy() of the same mode increments it, leave_lazy() decrements
//    it or sets NONE at zero. set_ptes() nests (bcc6cc832573), and so does every
//    set_pte_at(), which is set_ptes(..., 1) from a3e1c9372c9b. The context switch leaves
//    one level only, so a task preempted inside the inner level BUGs in enter_lazy(CPU).
//
// The macro chain (what a caller's PTE primitive compiles to on a Xen PV guest):
//   set_pte            pv op xen_set_pte() -> __xen_set_pte(): queued if the mode reads MMU
//   set_pte_at         v6.5: set_pte()   v6.6+: generic set_ptes(.., 1) -> set_pte()
//   set_ptes           v6.6..v6.14: enter; set_pte(); leave (bcc6cc832573)   else the loop
//   pte_clear          set_pte(ptep, __pte(0)) (paravirt.h)
//   ptep_get_and_clear x86-64 native_ptep_get_and_clear(): xchg, trapped and applied by Xen
//                      at once, never queued (arch/x86/include/asm/pgtable_64.h)
//   ptep_modify_prot_start/commit  pv ops xen_ptep_modify_prot_start() (reads *ptep) and
//                      xen_ptep_modify_prot_commit() (multicall mmu_update, then
//                      xen_mc_issue(XEN_LAZY_MMU): queued while lazy)
// Checked: a3e1c9372c9b's diff as posted (v4: x86 drops its own set_pte_at()), the stored
// mmu_pv.c (xen_ptep_modify_prot_start/commit). native_ptep_get_and_clear() as xchg() on
// SMP x86-64 is from memory of pgtable_64.h, not re-read.
//  - x86-xen-pv@v6.15: c36549ff8d84 reverts the counter (v6.5 behaviour, code in its v6.6
//    place); set_ptes() no longer nests (691ee97e1a9d).
//  - x86-xen-pv@v7.0 (api lazy-mmu-mode): the hooks are reached through lazy_mmu_mode_*()
//    (model/kernel/lazy-mmu-mode.ts). 66bdd779d344: xen_flush_lazy_mmu() is "if the mode is
//    MMU, xen_mc_flush()" (no leave/enter). 291b3abed657: TIF_LAZY_MMU_UPDATES is gone;
//    xen_start_context_switch() leaves MMU mode if the CPU is in it, xen_end_context_switch()
//    calls arch_enter_lazy_mmu_mode() if __task_lazy_mmu_mode_active(next). enter is still
//    a bare enter_lazy(MMU) (BUG_ON(mode != NONE)), leave a bare leave_lazy(MMU): the
//    generic layer writes the count before it calls the hook, so a task preempted in
//    between is entered twice (or left twice): the checker finds the BUG_ON.
//  - x86-xen-pv@4594437880ce (Juergen Gross, May 2026, "Fixes: 291b3abed657"): with
//    preemption off, enter calls enter_lazy(MMU) only if xen_get_lazy_mode() != MMU, and
//    leave, after xen_mc_flush(), calls leave_lazy(MMU) only if the mode is not NONE.
//    xen_batched_set_pte() still reads xen_get_lazy_mode() in both v7.0 eras (a later patch
//    makes it ask is_lazy_mmu_mode_active(); not modelled).
//  The v7.0 eras were checked against the patches as posted to the lists (the diffs of
//  66bdd779d344, 291b3abed657 and 4594437880ce and of a later patch that removes these
//  functions, found with the search tool), not against a torvalds/linux tree of v7.0: the
//  stored mmu_pv.c / enlighten_pv.c predate the series. Bodies follow those diffs and
//  /work/shared/reference/lazy-mmu-kernel.md sections 3 and 7.
//  Not modelled: v6.6-rc1..rc2 (bcc6cc832573 without 49147beb0ccb: any nested set_ptes()
//  BUGs).
//
// Departures (also in each model's `departures`):
//  - The multicall buffer holds the PTE updates and the TLB-flush mmuext ops Xen queues
//    beside them (xen_flush_tlb_one_user(), xen_flush_tlb_multi(): xen_mc_entry(),
//    MULTI_mmuext_op(), xen_mc_issue(XEN_LAZY_MMU)), in order; pmd/pud sets and the other
//    multicalls are not kept. A flush invalidates its address on every CPU.
//  - paravirt_flush_lazy_mmu()/xen_flush_lazy_mmu() call arch_leave/enter_lazy_mmu_mode(),
//    which are the same pv ops; the model does their work inside the flush step so that
//    the checker does not count a flush as the caller closing and opening a region.
//  - xen_leave_lazy_mmu() and the flush run with preemption disabled; each is one step.
//    Only interrupts could come between their lines, and an interrupt reads
//    XEN_LAZY_NONE, never queues, and can only issue this CPU's buffer early, which the
//    step's own xen_mc_flush() does anyway. enter_lazy() is preemptible and keeps its
//    separate read and write steps.
//  - BUG_ON(preemptible()) in the context-switch hooks is left out: it always holds there.
//  - Outside MMU mode __xen_set_pte() is HYPERVISOR_mmu_update() in the versions checked
//    (older kernels used native_set_pte() and let Xen trap and emulate it): immediate
//    either way, and it does not touch the multicall buffer.
//  - Xen PV guests are 64-bit only since v5.9, where kmap_local does not map through
//    highmem.h; the kmap hooks are kept in the Xen eras so that kmap scenarios exercise
//    arch_flush_lazy_mmu_mode() as on 32-bit x86.
//  - The context switch is split in the checker into switch-out (prev -> idle) and
//    switch-in (idle -> next): each runs start() and end() with idle on the other side.

import type { Draft } from "immer";
import { inInterrupt, taskById } from "../kernel/context";
import { issueQueued, queueTlbFlush, queueUpdate, storePteTlbOwed } from "../kernel/hardware";
import { ENTER, FLUSH, LEAVE } from "../kernel/hooks";
import { __task_lazy_mmu_mode_active } from "../kernel/lazy-mmu-mode";
import { addrArg, valueArg } from "../kernel/primitives";
import {
  call,
  forwardArgs,
  type Proc,
  proc,
  type StepEnv,
  step,
  stringLocal,
} from "../kernel/program";
import type { Kernel } from "../kernel/state";
import { x86Builds } from "./preemption";
import { type ArchModel, archState, type Existed, type SwitchEnv, type SwitchStep } from "./types";
import { HIGHMEM_H, kmapHooks, PARAVIRT_H } from "./x86-common";

const PARAVIRT_C = "arch/x86/kernel/paravirt.c";
const HYPERVISOR_H = "arch/x86/include/asm/xen/hypervisor.h";
const ENLIGHTEN_PV_C = "arch/x86/xen/enlighten_pv.c";
const MMU_PV_C = "arch/x86/xen/mmu_pv.c";
const MULTICALLS = "arch/x86/xen/multicalls.h";
const PGTABLE_64_H = "arch/x86/include/asm/pgtable_64.h";

/** What the kernels of one Xen PV era do differently; each era below is one such record. */
export interface XenEra {
  /**
   * Up to v6.5 the lazy code is arch/x86/kernel/paravirt.c's (paravirt_enter_lazy_mmu() &
   * co.); a4a7644c1509 (v6.6) moved it, unchanged in behaviour, to the Xen files.
   */
  readonly codeInParavirtC: boolean;
  /** Up to v6.5 set_pte_at() is x86's own set_pte(); from a3e1c9372c9b the generic set_ptes(.., 1). */
  readonly ownSetPteAt: boolean;
  /** 49147beb0ccb (v6.6) to c36549ff8d84 (v6.15): per-CPU xen_lazy_nesting counts same-mode enters. */
  readonly nestingCounter: boolean;
  /** bcc6cc832573 (v6.6) to 691ee97e1a9d (v6.15): the generic set_ptes() enters and leaves. */
  readonly setPtesNests: boolean;
  /**
   * v7.0 (66bdd779d344, 291b3abed657): the hooks are reached through lazy_mmu_mode_*(); the
   * flush only issues the buffer; the context switch re-enters MMU mode for a task whose
   * __task_lazy_mmu_mode_active() holds, and TIF_LAZY_MMU_UPDATES is gone.
   */
  readonly genericLayer: boolean;
  /** 4594437880ce: enter and leave test the mode first, with preemption off. */
  readonly checkedEnterLeave: boolean;
  /** The source lines this era's steps cite (each model's `linesAt` names their version). */
  readonly lines: XenLines;
}

/**
 * Lines read for an era; absent: not read at a version of the era, and the step cites its
 * function instead. `enter*` are enter_lazy()'s (paravirt.c up to v6.5, hypervisor.h after);
 * `leaveLazy` is where leave_lazy() (or paravirt_leave_lazy_mmu()) begins; the others are in
 * mmu_pv.c (`mcIssue` in multicalls.h, `switch*` in enlighten_pv.c, or paravirt.c for the
 * v6.5 start()).
 */
interface XenLines {
  readonly enterRead?: number;
  readonly enterTest?: number;
  readonly enterWrite?: number;
  /** 4594437880ce's `if (xen_get_lazy_mode() != XEN_LAZY_MMU)` in xen_enter_lazy_mmu(). */
  readonly enterChecked?: number;
  /** xen_leave_lazy_mmu()'s xen_mc_flush(). */
  readonly leaveFlush?: number;
  readonly leaveLazy?: number;
  /** The flush's `if (... == XEN_LAZY_MMU)`. */
  readonly flushTest?: number;
  /** xen_batched_set_pte(): its lazy-mode test and its xen_extend_mmu_update(). */
  readonly batchedTest?: number;
  readonly batchedExtend?: number;
  /** xen_mc_issue()'s test of the lazy mode (multicalls.h). */
  readonly mcIssue?: number;
  /** xen_flush_tlb_one_user()'s MULTI_mmuext_op(). */
  readonly tlbOneUser?: number;
  /** start()'s `if (this_cpu_read(xen_lazy_mode) == XEN_LAZY_MMU)`, end()'s xen_mc_flush(). */
  readonly switchStart?: number;
  readonly switchEnd?: number;
}

/** `FILE:LINE, FILE:LINE` when every line was read, else the `file (function)` fallback. */
function linesOr(fallback: string, ...at: readonly (readonly [string, number | undefined])[]) {
  if (at.some(([, line]) => line === undefined)) return fallback;
  return at.map(([file, line]) => `${file}:${line}`).join(", ");
}

/**
 * The tree a4a7644c1509 was posted against (13 Sep 2023, on v6.6-rc1): the old side of its
 * hunks in paravirt.c, mmu_pv.c, enlighten_pv.c and multicalls.h.
 */
const LINES_V6_5: XenLines = {
  enterTest: 150,
  enterWrite: 152,
  leaveFlush: 2109,
  leaveLazy: 155,
  flushTest: 176,
  batchedTest: 273,
  batchedExtend: 280,
  mcIssue: 47,
  tlbOneUser: 1266,
  switchStart: 189,
  switchEnd: 367,
};
/**
 * a4a7644c1509's new side (mmu_pv.c @@ -2083,6 +2083,23 @@ and @@ -2107,7 +2124,7 @@) with
 * 49147beb0ccb's hunks on it (hypervisor.h 7048dfacc04b: @@ -72,10 +72,18 @@ and
 * @@ -84,7 +92,10 @@; enlighten_pv.c bbbfdd495ebd: one line added at 105).
 */
const LINES_49147BEB0CCB: XenLines = {
  enterRead: 79,
  enterTest: 81,
  enterWrite: 88,
  leaveFlush: 2126,
  leaveLazy: 91,
  flushTest: 2095,
  batchedTest: 273,
  batchedExtend: 280,
  mcIssue: 47,
  tlbOneUser: 1266,
  switchStart: 380,
  switchEnd: 391,
};
/**
 * hypervisor.h after c36549ff8d84 as posted (v6.15, bd0fc69a10a7: @@ -72,18 +72,10 @@,
 * @@ -92,10 +84,7 @@); mmu_pv.c and enlighten_pv.c of v6.18, the trees the v7.0 series was
 * posted against (the old sides of 66bdd779d344's @@ -2139,10 +2139,8 @@, blob
 * 2a4a8deaf612, and of 291b3abed657's @@ -426,7 and @@ -437,7, blob 4806cc28d7ca).
 */
const LINES_V6_15: XenLines = {
  enterTest: 78,
  enterWrite: 80,
  flushTest: 2142,
  switchStart: 427,
  switchEnd: 438,
};
/**
 * mmu_pv.c after 66bdd779d344 as posted (blob 7a35c3393df4), enlighten_pv.c after
 * 291b3abed657 as posted (blob 98dbb6a61087).
 */
const LINES_V7_0: XenLines = { flushTest: 2142, switchStart: 427, switchEnd: 437 };
/**
 * mmu_pv.c after 4594437880ce as posted (blob 3eee5f84f8a7: @@ -2145,7 +2145,10 @@ and
 * @@ -2182,7 +2185,8 @@; the flush's test 4 lines below its start at 2154, as in the later
 * patch that removes it); enlighten_pv.c as after 291b3abed657, which 4594437880ce does
 * not touch (not re-read at v7.1-rc4).
 */
const LINES_4594437880CE: XenLines = {
  enterChecked: 2149,
  leaveFlush: 2187,
  flushTest: 2158,
  switchStart: 427,
  switchEnd: 437,
};

const ERA_V6_5: XenEra = {
  codeInParavirtC: true,
  ownSetPteAt: true,
  nestingCounter: false,
  setPtesNests: false,
  genericLayer: false,
  checkedEnterLeave: false,
  lines: LINES_V6_5,
};
const ERA_49147BEB0CCB: XenEra = {
  ...ERA_V6_5,
  codeInParavirtC: false,
  ownSetPteAt: false,
  nestingCounter: true,
  setPtesNests: true,
  lines: LINES_49147BEB0CCB,
};
const ERA_V6_15: XenEra = {
  ...ERA_49147BEB0CCB,
  nestingCounter: false,
  setPtesNests: false,
  lines: LINES_V6_15,
};
const ERA_V7_0: XenEra = { ...ERA_V6_15, genericLayer: true, lines: LINES_V7_0 };
const ERA_4594437880CE: XenEra = {
  ...ERA_V7_0,
  checkedEnterLeave: true,
  lines: LINES_4594437880CE,
};

type LazyMode = "NONE" | "MMU" | "CPU";
const LAZY_MODES: readonly LazyMode[] = ["NONE", "MMU", "CPU"];

/**
 * Per-CPU state: `xen_lazy_mode` (`paravirt_lazy_mode` up to v6.5) and, in the eras with
 * the counter, `xen_lazy_nesting`.
 */
type XenCpu = { readonly xen_lazy_mode: LazyMode; readonly xen_lazy_nesting?: number };
/** Per-task state: TIF_LAZY_MMU_UPDATES, set when the task was switched out in MMU mode. */
type XenTask = { readonly TIF_LAZY_MMU_UPDATES?: boolean };

const xen = archState<XenCpu, XenTask>();

function modeOf(d: Draft<Kernel>, cpu: number): LazyMode {
  return xen.cpu(d, cpu).xen_lazy_mode;
}

/** xen_get_lazy_mode(): NONE in interrupt context, else this CPU's mode. */
function xenGetLazyMode(d: Draft<Kernel>, env: StepEnv): LazyMode {
  return inInterrupt(d, env) ? "NONE" : modeOf(d, env.cpu);
}

type Emit = (what: string) => void;

/**
 * leave_lazy(mode) on `cpu`: BUG_ON(mode differs); with the counter (49147beb0ccb),
 * decrement it or set NONE at zero; else set NONE.
 */
function leaveLazy(d: Draft<Kernel>, cpu: number, mode: LazyMode, era: XenEra, bug: Emit) {
  const c = xen.cpu(d, cpu);
  if (c.xen_lazy_mode !== mode) {
    bug(`leave_lazy(XEN_LAZY_${mode}): xen_lazy_mode is XEN_LAZY_${c.xen_lazy_mode}`);
    return;
  }
  const nesting = c.xen_lazy_nesting ?? 0;
  if (era.nestingCounter && nesting > 0) c.xen_lazy_nesting = nesting - 1;
  else c.xen_lazy_mode = "NONE";
}

/** enter_lazy(mode) on `cpu` in one go (callers that run with preemption off). */
function enterLazy(d: Draft<Kernel>, cpu: number, mode: LazyMode, era: XenEra, bug: Emit) {
  const c = xen.cpu(d, cpu);
  const old = c.xen_lazy_mode;
  if (era.nestingCounter && old === mode) {
    c.xen_lazy_nesting = (c.xen_lazy_nesting ?? 0) + 1;
    return;
  }
  if (old !== "NONE") {
    bug(
      `enter_lazy(XEN_LAZY_${mode}): BUG_ON(xen_lazy_mode != XEN_LAZY_NONE), it is XEN_LAZY_${old}`,
    );
    return;
  }
  c.xen_lazy_mode = mode;
}

function stepBug(env: StepEnv): Emit {
  return (what) =>
    env.emit({ kind: "bug", check: "BUG_ON", message: `kernel BUG: ${what}`, fatal: true });
}

function switchBug(sw: SwitchEnv): Emit {
  return (what) =>
    sw.emit({ kind: "bug", check: "BUG_ON", message: `kernel BUG: ${what}`, fatal: true });
}

/** The era's names for the pv-op bodies and the files they are in. */
interface Names {
  readonly enter: string;
  readonly leave: string;
  readonly flush: string;
  readonly start: string;
  readonly enterAt: string;
  readonly flushAt: string;
  readonly switchAt: string;
}

function namesOf(era: XenEra): Names {
  if (era.codeInParavirtC) {
    return {
      enter: "paravirt_enter_lazy_mmu",
      leave: "xen_leave_lazy_mmu",
      flush: "paravirt_flush_lazy_mmu",
      start: "paravirt_start_context_switch",
      enterAt: PARAVIRT_C,
      flushAt: PARAVIRT_C,
      switchAt: PARAVIRT_C,
    };
  }
  return {
    enter: "xen_enter_lazy_mmu",
    leave: "xen_leave_lazy_mmu",
    flush: "xen_flush_lazy_mmu",
    start: "xen_start_context_switch",
    enterAt: MMU_PV_C,
    flushAt: MMU_PV_C,
    switchAt: ENLIGHTEN_PV_C,
  };
}

/** enter_lazy(XEN_LAZY_MMU) with preemption enabled: the read and the write are two steps. */
function enterLazyMmuSteps(era: XenEra, fn: string) {
  const L = era.lines;
  const file = era.codeInParavirtC ? PARAVIRT_C : HYPERVISOR_H;
  const at = `${file} (enter_lazy)`;
  const atLine = (line: number | undefined) => linesOr(at, [file, line]);
  if (era.checkedEnterLeave) {
    // Preemption off around the test and enter_lazy(): one step (interrupts read NONE).
    return [
      step(
        fn,
        "preempt_disable(); if (xen_get_lazy_mode() != XEN_LAZY_MMU) enter_lazy(XEN_LAZY_MMU); preempt_enable()",
        linesOr(`${MMU_PV_C} (xen_enter_lazy_mmu, 4594437880ce), ${at}`, [
          MMU_PV_C,
          L.enterChecked,
        ]),
        (d, env) => {
          if (xenGetLazyMode(d, env) !== "MMU") enterLazy(d, env.cpu, "MMU", era, stepBug(env));
        },
      ),
    ];
  }
  const write = step(
    fn,
    "this_cpu_write(xen_lazy_mode, XEN_LAZY_MMU)",
    atLine(L.enterWrite),
    (d, env) => {
      xen.cpu(d, env.cpu).xen_lazy_mode = "MMU";
    },
  );
  if (!era.nestingCounter) {
    return [
      step(
        fn,
        "BUG_ON(this_cpu_read(xen_lazy_mode) != XEN_LAZY_NONE)",
        atLine(L.enterTest),
        (d, env) => {
          const old = modeOf(d, env.cpu);
          if (old !== "NONE")
            stepBug(env)(
              `enter_lazy(XEN_LAZY_MMU): BUG_ON(xen_lazy_mode != XEN_LAZY_NONE), it is XEN_LAZY_${old}`,
            );
        },
      ),
      write,
    ];
  }
  return [
    step(fn, "old_mode = this_cpu_read(xen_lazy_mode)", atLine(L.enterRead), (d, env) => {
      env.locals.old_mode = modeOf(d, env.cpu);
    }),
    step(
      fn,
      "if (mode == old_mode) { this_cpu_inc(xen_lazy_nesting); return; } BUG_ON(old_mode != XEN_LAZY_NONE)",
      atLine(L.enterTest),
      (d, env) => {
        const old = stringLocal(env, "old_mode", LAZY_MODES);
        if (old === "MMU") {
          const c = xen.cpu(d, env.cpu);
          c.xen_lazy_nesting = (c.xen_lazy_nesting ?? 0) + 1;
          return "return";
        }
        if (old !== "NONE")
          stepBug(env)(
            `enter_lazy(XEN_LAZY_MMU): BUG_ON(old_mode != XEN_LAZY_NONE), it is XEN_LAZY_${old}`,
          );
        return undefined;
      },
    ),
    write,
  ];
}

function xenProcs(era: XenEra): Proc[] {
  const n = namesOf(era);
  const leaveLazyLabel = era.nestingCounter
    ? "leave_lazy(XEN_LAZY_MMU): BUG_ON(mode != MMU); if (!xen_lazy_nesting) mode = NONE; else this_cpu_dec(xen_lazy_nesting)"
    : "leave_lazy(XEN_LAZY_MMU): BUG_ON(mode != MMU); this_cpu_write(mode, XEN_LAZY_NONE)";
  const L = era.lines;
  const leaveLazyFile = era.codeInParavirtC ? PARAVIRT_C : HYPERVISOR_H;
  const leaveLazyAt = era.codeInParavirtC
    ? `${PARAVIRT_C} (paravirt_leave_lazy_mmu)`
    : `${HYPERVISOR_H} (leave_lazy)`;
  const leaveStep = step(
    n.leave,
    era.checkedEnterLeave
      ? `preempt_disable(); xen_mc_flush(); if (xen_get_lazy_mode() != XEN_LAZY_NONE) ${leaveLazyLabel}; preempt_enable()`
      : `preempt_disable(); xen_mc_flush(); ${leaveLazyLabel}; preempt_enable()`,
    era.checkedEnterLeave
      ? linesOr(`${MMU_PV_C} (xen_leave_lazy_mmu, 4594437880ce), ${leaveLazyAt}`, [
          MMU_PV_C,
          L.leaveFlush,
        ])
      : linesOr(
          `${MMU_PV_C} (xen_leave_lazy_mmu), ${leaveLazyAt}`,
          [MMU_PV_C, L.leaveFlush],
          [leaveLazyFile, L.leaveLazy],
        ),
    (d, env) => {
      issueQueued(d, env.cpu);
      if (era.checkedEnterLeave && xenGetLazyMode(d, env) === "NONE") return;
      leaveLazy(d, env.cpu, "MMU", era, stepBug(env));
    },
  );
  const flushStep = era.genericLayer
    ? step(
        n.flush,
        "preempt_disable(); if (xen_get_lazy_mode() == XEN_LAZY_MMU) xen_mc_flush(); preempt_enable()",
        linesOr(`${n.flushAt} (${n.flush}, 66bdd779d344)`, [n.flushAt, L.flushTest]),
        (d, env) => {
          if (xenGetLazyMode(d, env) === "MMU") issueQueued(d, env.cpu);
        },
      )
    : step(
        n.flush,
        "preempt_disable(); if (xen_get_lazy_mode() == XEN_LAZY_MMU) { arch_leave_lazy_mmu_mode(); arch_enter_lazy_mmu_mode(); } preempt_enable()",
        linesOr(`${n.flushAt} (${n.flush})`, [n.flushAt, L.flushTest]),
        (d, env) => {
          if (xenGetLazyMode(d, env) !== "MMU") return;
          issueQueued(d, env.cpu);
          leaveLazy(d, env.cpu, "MMU", era, stepBug(env));
          if (d.halted === null) enterLazy(d, env.cpu, "MMU", era, stepBug(env));
        },
      );
  const procs: Proc[] = [
    proc(ENTER, [call(n.enter, {})]),
    proc(LEAVE, [call(n.leave, {})]),
    proc(FLUSH, [call(n.flush, {})]),
    proc(n.enter, enterLazyMmuSteps(era, n.enter)),
    // Both run with preemption off: only interrupts can come between their lines, and an
    // interrupt reads XEN_LAZY_NONE and never queues, so each is one step.
    proc(n.leave, [leaveStep]),
    proc(n.flush, [flushStep]),
    // set_pte() is the pv op xen_set_pte() -> __xen_set_pte(); pte_clear() is
    // set_pte(ptep, __pte(0)) (paravirt.h). set_pte_at() is x86's own set_pte() wrapper up
    // to v6.5 and the generic set_ptes(..., 1) from a3e1c9372c9b (v6.6) on.
    proc("set_pte", [call("__xen_set_pte", forwardArgs)]),
    proc("pte_clear", [call("set_pte", forwardArgs)]),
    ...(era.ownSetPteAt ? [proc("set_pte_at", [call("set_pte", forwardArgs)])] : []),
    // x86-64 ptep_get_and_clear() is native_ptep_get_and_clear(): xchg() on the PTE, no pv
    // op. The PTE page is read-only to a PV guest, so Xen traps the write and applies it at
    // once: it is never queued in the multicall buffer. (Model: the read, then the store.)
    proc("ptep_get_and_clear", [
      call("ptep_get", forwardArgs),
      call("native_ptep_get_and_clear", forwardArgs),
    ]),
    proc("native_ptep_get_and_clear", [
      step(
        "native_ptep_get_and_clear",
        "xchg(&ptep->pte, 0)  /* trapped: Xen applies it now, the multicall buffer is untouched */",
        `${PGTABLE_64_H} (native_ptep_get_and_clear)`,
        (d, env) => {
          storePteTlbOwed(d, env, addrArg(env), 0);
        },
      ),
    ]),
    // The pv ops xen_ptep_modify_prot_start() (returns *ptep: nothing cleared) and
    // xen_ptep_modify_prot_commit() (an mmu_update with MMU_PT_UPDATE_PRESERVE_AD, always
    // through the multicall buffer, then xen_mc_issue(XEN_LAZY_MMU)).
    proc("ptep_modify_prot_start", [call("ptep_get", forwardArgs)]),
    proc("ptep_modify_prot_commit", [call("xen_extend_mmu_update", forwardArgs)]),
    proc("__xen_set_pte", [
      step(
        "xen_batched_set_pte",
        "if (xen_get_lazy_mode() != XEN_LAZY_MMU) return false",
        linesOr(`${MMU_PV_C} (xen_batched_set_pte)`, [MMU_PV_C, L.batchedTest]),
        (d, env) => ({
          call:
            xenGetLazyMode(d, env) === "MMU" ? "xen_extend_mmu_update" : "HYPERVISOR_mmu_update",
          args: { addr: addrArg(env), value: valueArg(env) },
        }),
      ),
    ]),
    proc("xen_extend_mmu_update", [
      step(
        "xen_batched_set_pte",
        "xen_mc_batch(); xen_extend_mmu_update(&u); xen_mc_issue(XEN_LAZY_MMU)",
        linesOr(
          `${MMU_PV_C} (xen_batched_set_pte), ${MULTICALLS} (xen_mc_issue)`,
          [MMU_PV_C, L.batchedExtend],
          [MULTICALLS, L.mcIssue],
        ),
        (d, env) => {
          queueUpdate(d, env.cpu, addrArg(env), valueArg(env));
          if (xenGetLazyMode(d, env) !== "MMU") issueQueued(d, env.cpu);
        },
      ),
    ]),
    proc("HYPERVISOR_mmu_update", [
      step(
        "__xen_set_pte",
        "HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF)",
        `${MMU_PV_C} (__xen_set_pte)`,
        (d, env) => {
          storePteTlbOwed(d, env, addrArg(env), valueArg(env));
        },
      ),
    ]),
    // set_pmd()/set_pud() are the pv ops xen_set_pmd()/xen_set_pud(): a pinned table (every
    // table of a live mm) goes through xen_set_pmd_hyper()/xen_set_pud_hyper(), an
    // mmu_update in the multicall buffer then xen_mc_issue(XEN_LAZY_MMU): queued while the
    // CPU is in MMU mode, else the whole buffer is issued at once. pmd_clear() and
    // pmd_populate() are set_pmd() (paravirt.h). An unpinned table is stored directly.
    ...(["pmd", "pud"] as const).map((level) =>
      proc(`set_${level}`, [
        step(
          `xen_set_${level}_hyper`,
          `preempt_disable(); xen_mc_batch(); u.ptr = arbitrary_virt_to_machine(ptr).maddr; u.val = ${level}_val_ma(val); xen_extend_mmu_update(&u); xen_mc_issue(XEN_LAZY_MMU); preempt_enable()`,
          `${MMU_PV_C} (xen_set_${level}, xen_set_${level}_hyper), ${MULTICALLS} (xen_mc_issue)`,
          (d, env) => {
            queueUpdate(d, env.cpu, addrArg(env), valueArg(env));
            if (xenGetLazyMode(d, env) !== "MMU") issueQueued(d, env.cpu);
          },
        ),
      ]),
    ),
    // flush_tlb_range(), the mmu_gather flush and flush_tlb_one_kernel() end in
    // xen_flush_tlb_one_user() or xen_flush_tlb_multi() (pv ops): an MMUEXT op
    // (MMUEXT_INVLPG_LOCAL / _MULTI) appended to the multicall buffer behind the updates
    // already queued, then xen_mc_issue(XEN_LAZY_MMU): issued at once outside MMU mode,
    // in order with the updates before it when the buffer is flushed.
    proc("flush_tlb_range", [
      step(
        "xen_flush_tlb_one_user",
        "preempt_disable(); mcs = xen_mc_entry(); MULTI_mmuext_op(MMUEXT_INVLPG_*); xen_mc_issue(XEN_LAZY_MMU); preempt_enable()",
        linesOr(
          `${MMU_PV_C} (xen_flush_tlb_one_user), ${MULTICALLS} (xen_mc_issue)`,
          [MMU_PV_C, L.tlbOneUser],
          [MULTICALLS, L.mcIssue],
        ),
        (d, env) => {
          queueTlbFlush(d, env.cpu, addrArg(env));
          if (xenGetLazyMode(d, env) !== "MMU") issueQueued(d, env.cpu);
        },
      ),
    ]),
    ...kmapHooks,
  ];
  if (era.setPtesNests) {
    // The default set_ptes() of bcc6cc832573: the loop (one page here) inside enter/leave.
    procs.push(proc("set_ptes", [call(ENTER, {}), call("set_pte", forwardArgs), call(LEAVE, {})]));
  }
  return procs;
}

/**
 * The context-switch hooks: start(prev) then end(next) in the kernel; here switch-out
 * runs start(prev) and end(idle), switch-in runs start(idle) and end(next). Up to v6.19
 * start() records a task switched out in MMU mode in TIF_LAZY_MMU_UPDATES and end() re-enters
 * MMU mode for a task that has it; from v7.0 (291b3abed657) there is no flag: end() re-enters
 * if __task_lazy_mmu_mode_active(next). arch_enter_lazy_mmu_mode() there runs with the CPU
 * in XEN_LAZY_NONE (leave_lazy(CPU) just ran), so 4594437880ce's test "mode != MMU" passes
 * and both v7.0 eras call enter_lazy(MMU).
 */
function xenContextSwitch(era: XenEra): SwitchStep[] {
  const n = namesOf(era);
  const end = "xen_end_context_switch";
  const startAt = linesOr(
    era.genericLayer
      ? `${ENLIGHTEN_PV_C} (${n.start}, 291b3abed657)`
      : `${n.switchAt} (${n.start})`,
    [n.switchAt, era.lines.switchStart],
  );
  const endAt = linesOr(
    era.genericLayer ? `${ENLIGHTEN_PV_C} (${end}, 291b3abed657)` : `${ENLIGHTEN_PV_C} (${end})`,
    [ENLIGHTEN_PV_C, era.lines.switchEnd],
  );
  return [
    {
      fn: n.start,
      label: era.genericLayer
        ? "if (this_cpu_read(xen_lazy_mode) == XEN_LAZY_MMU) arch_leave_lazy_mmu_mode(); enter_lazy(XEN_LAZY_CPU)"
        : "if (this_cpu_read(xen_lazy_mode) == XEN_LAZY_MMU) { arch_leave_lazy_mmu_mode(); set_ti_thread_flag(prev, TIF_LAZY_MMU_UPDATES); } enter_lazy(XEN_LAZY_CPU)",
      at: startAt,
      run: (d, sw) => {
        if (sw.prev === null || d.halted !== null) return false;
        const wasMmu = modeOf(d, sw.cpu) === "MMU";
        if (wasMmu) {
          // arch_leave_lazy_mmu_mode() is xen_leave_lazy_mmu(): flush, leave_lazy(MMU).
          issueQueued(d, sw.cpu);
          leaveLazy(d, sw.cpu, "MMU", era, switchBug(sw));
          if (!era.genericLayer) xen.task(d, sw.prev).TIF_LAZY_MMU_UPDATES = true;
        }
        const before = d.halted;
        enterLazy(d, sw.cpu, "CPU", era, switchBug(sw));
        return wasMmu || d.halted !== before;
      },
    },
    {
      fn: end,
      label: "(idle) xen_mc_flush(); leave_lazy(XEN_LAZY_CPU)",
      at: endAt,
      run: (d, sw) => {
        if (sw.prev === null || d.halted !== null) return false;
        const issued = issueQueued(d, sw.cpu);
        leaveLazy(d, sw.cpu, "CPU", era, switchBug(sw));
        return issued > 0 || d.halted !== null;
      },
    },
    {
      fn: n.start,
      label: "(idle) enter_lazy(XEN_LAZY_CPU)",
      at: startAt,
      run: (d, sw) => {
        if (sw.next === null || d.halted !== null) return false;
        enterLazy(d, sw.cpu, "CPU", era, switchBug(sw));
        return d.halted !== null;
      },
    },
    {
      fn: end,
      label: era.genericLayer
        ? "xen_mc_flush(); leave_lazy(XEN_LAZY_CPU); if (__task_lazy_mmu_mode_active(next)) arch_enter_lazy_mmu_mode()"
        : "xen_mc_flush(); leave_lazy(XEN_LAZY_CPU); if (test_and_clear_ti_thread_flag(next, TIF_LAZY_MMU_UPDATES)) arch_enter_lazy_mmu_mode()",
      at: endAt,
      run: (d, sw) => {
        if (sw.next === null || d.halted !== null) return false;
        const issued = issueQueued(d, sw.cpu);
        leaveLazy(d, sw.cpu, "CPU", era, switchBug(sw));
        const resume = era.genericLayer
          ? d.halted === null && __task_lazy_mmu_mode_active(taskById(d, sw.next))
          : testAndClearTif(d, sw.next);
        if (resume) enterLazy(d, sw.cpu, "MMU", era, switchBug(sw));
        return resume || issued > 0 || d.halted !== null;
      },
    },
  ];
}

/** test_and_clear_ti_thread_flag(next, TIF_LAZY_MMU_UPDATES). */
function testAndClearTif(d: Draft<Kernel>, task: string): boolean {
  const t = xen.task(d, task);
  if (t.TIF_LAZY_MMU_UPDATES !== true) return false;
  t.TIF_LAZY_MMU_UPDATES = false;
  return true;
}

const xenSources = [
  PARAVIRT_H,
  HYPERVISOR_H,
  ENLIGHTEN_PV_C,
  MMU_PV_C,
  "arch/x86/xen/multicalls.c",
  MULTICALLS,
  HIGHMEM_H,
];

const xenDepartures = [
  "The multicall buffer keeps PTE updates and TLB-flush mmuext ops (one address each), issued in order; pmd/pud sets are queued like PTE sets (xen_set_pmd_hyper() and xen_set_pud_hyper(), for a pinned table); the other multicalls Xen PV queues (LDT, CR3) are not modelled. The hypervisor's mmu_update invalidates none of the guest's TLB entries: the old translation stays until a flush op (model/kernel/hardware.ts hw.tlb).",
  "A TLB flush takes effect on every CPU at once (MMUEXT_INVLPG_MULTI / xen_flush_tlb_multi() over mm_cpumask); the model does not tell CPUs' TLBs apart.",
  "The flush pv op does the leave and enter work in its own step instead of calling arch_leave/enter_lazy_mmu_mode(), so the checker does not count a flush as a region boundary.",
  "xen_leave_lazy_mmu() and the flush run with preemption off and are one step each: an interrupt between their lines reads XEN_LAZY_NONE, never queues, and could only issue the buffer early.",
  "BUG_ON(preemptible()) in the context-switch hooks is left out: it always holds there.",
  "Xen PV is 64-bit only (since v5.9), where kmap_local does not go through highmem.h; the x86 kmap hooks are kept so kmap scenarios exercise arch_flush_lazy_mmu_mode().",
  "The checker splits a context switch into switch-out (start(prev), end(idle)) and switch-in (start(idle), end(next)); the net lazy-mode effect is the kernel's.",
];

/** An era's model: its features, the kernels it ran in, and what names and describes it. */
function xenModel(
  era: XenEra,
  ran: Existed,
  rest: Pick<ArchModel, "id" | "era" | "commits" | "summary" | "linesAt">,
): ArchModel<XenCpu, XenTask> {
  return {
    ...rest,
    ran: [ran],
    builds: x86Builds,
    arch: "x86",
    sources: era.codeInParavirtC ? [...xenSources, PARAVIRT_C] : xenSources,
    departures: xenDepartures,
    procs: xenProcs(era),
    perCpu: era.nestingCounter
      ? { xen_lazy_mode: "NONE", xen_lazy_nesting: 0 }
      : { xen_lazy_mode: "NONE" },
    perTask: era.genericLayer ? {} : { TIF_LAZY_MMU_UPDATES: false },
    ...(era.genericLayer ? { api: "lazy-mmu-mode" as const } : {}),
    contextSwitch: xenContextSwitch(era),
  };
}

export const x86XenPvV65 = xenModel(
  ERA_V6_5,
  {
    until: "v6.6",
    why: "a4a7644c1509 and bcc6cc832573 (v6.6) moved the lazy code and made set_ptes() nest",
  },
  {
    id: "x86-xen-pv@v6.5",
    era: "..v6.5",
    linesAt:
      "the tree a4a7644c1509 was posted against (13 Sep 2023, v6.6-rc1): the old side of its hunks in paravirt.c, mmu_pv.c, enlighten_pv.c and multicalls.h (LINES_V6_5)",
    commits: ["6606c3e0da53"],
    summary:
      "Xen PV up to v6.5: per-CPU lazy mode NONE/MMU/CPU, PTE updates queued in the multicall buffer; a preempted region is left and re-entered via TIF_LAZY_MMU_UPDATES",
  },
);

export const x86XenPv49147beb0ccb = xenModel(
  ERA_49147BEB0CCB,
  {
    since: "v6.6",
    until: "v6.15",
    why: "49147beb0ccb (v6.6) added xen_lazy_nesting; c36549ff8d84 (v6.15) reverted it",
  },
  {
    id: "x86-xen-pv@49147beb0ccb",
    era: "v6.6..v6.14",
    linesAt:
      "v6.6: a4a7644c1509's new side as posted, with 49147beb0ccb's hunks on it (hypervisor.h 7048dfacc04b, enlighten_pv.c bbbfdd495ebd) (LINES_49147BEB0CCB)",
    commits: ["a4a7644c1509", "bcc6cc832573", "49147beb0ccb"],
    summary:
      "Xen PV v6.6..v6.14: xen_lazy_nesting counts same-mode nesting (set_ptes nests); the context switch leaves one level only",
  },
);

export const x86XenPvV615 = xenModel(
  ERA_V6_15,
  {
    since: "v6.15",
    until: "v7.0",
    why: "c36549ff8d84 and 691ee97e1a9d (v6.15) until the v7.0 series",
  },
  {
    id: "x86-xen-pv@v6.15",
    era: "v6.15..v6.19",
    linesAt:
      "hypervisor.h after c36549ff8d84 as posted (v6.15, blob bd0fc69a10a7); mmu_pv.c and enlighten_pv.c of v6.18 (blobs 2a4a8deaf612 and 4806cc28d7ca, the pre-images of 66bdd779d344 and 291b3abed657 as posted)",
    commits: ["a4a7644c1509", "691ee97e1a9d", "c36549ff8d84"],
    summary:
      "Xen PV v6.15: the nesting counter reverted (c36549ff8d84); set_ptes no longer nests (691ee97e1a9d)",
  },
);

export const x86XenPvV70 = xenModel(
  ERA_V7_0,
  {
    since: "v7.0",
    until: "v7.1-rc4",
    why: "66bdd779d344 and 291b3abed657 (v7.0) until 4594437880ce reached mainline in v7.1-rc4",
  },
  {
    id: "x86-xen-pv@v7.0",
    era: "v7.0 (before 4594437880ce)",
    linesAt:
      "the v7.0 series as posted: mmu_pv.c after 66bdd779d344 (blob 7a35c3393df4), enlighten_pv.c after 291b3abed657 (blob 98dbb6a61087)",
    commits: ["c36549ff8d84", "66bdd779d344", "291b3abed657"],
    summary:
      "Xen PV on the v7.0 generic layer: flush issues the buffer only; end-of-switch re-enters MMU mode for an active task (no TIF flag); enter_lazy() still BUGs on a lazy CPU",
  },
);

export const x86XenPv4594437880ce = xenModel(
  ERA_4594437880CE,
  { since: "v7.1-rc4", why: "4594437880ce (Juergen Gross, May 2026) is in mainline from v7.1-rc4" },
  {
    id: "x86-xen-pv@4594437880ce",
    era: "v7.1-rc4.. (4594437880ce, May 2026, mainline in v7.1-rc4)",
    linesAt:
      "mmu_pv.c after 4594437880ce as posted (blob 3eee5f84f8a7); enlighten_pv.c as after 291b3abed657 (blob 98dbb6a61087), untouched by 4594437880ce",
    commits: ["66bdd779d344", "291b3abed657", "4594437880ce"],
    summary:
      "Xen PV after 4594437880ce: enter skips a CPU already in MMU mode, leave skips leave_lazy() when the mode is NONE, both with preemption off",
  },
);

export const x86XenPvModels: readonly ArchModel<XenCpu, XenTask>[] = [
  x86XenPvV65,
  x86XenPv49147beb0ccb,
  x86XenPvV615,
  x86XenPvV70,
  x86XenPv4594437880ce,
];
