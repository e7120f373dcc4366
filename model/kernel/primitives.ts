// Kernel primitives as steps. Inline ones (preempt_disable, local_irq_save, spin_lock,
// this_cpu_ptr) are step factories placed into the caller's code, as the kernel inlines
// them; out-of-line ones (set_pte_at, ptep_get, ...) are procedures an architecture may
// override. Sources: include/linux/preempt.h, include/linux/spinlock.h (and
// spinlock_rt.c under PREEMPT_RT), include/linux/percpu-defs.h, include/linux/pgtable.h.

import type { Draft } from "immer";
import {
  addPreemptCount,
  bug,
  cpuOf,
  inInterrupt,
  mayScheduleHere,
  pinnedToCpu,
  preemptCount,
  taskById,
} from "./context";
import { flushTlbAddr, storePteTlbOwed } from "./hardware";
import { ENTER, FLUSH, LEAVE } from "./hooks";
import { call, forwardArgs, type Proc, proc, type Step, type StepEnv, step } from "./program";
import type { Kernel, Val } from "./state";

const PREEMPT_H = "include/linux/preempt.h";

export function preempt_disable(fn: string, at = PREEMPT_H): Step {
  return step(fn, "preempt_disable()", at, (d, env) => {
    addPreemptCount(d, env, 1);
  });
}

export function preemptDecrement(d: Draft<Kernel>, env: StepEnv): void {
  if (preemptCount(d, env) === 0) {
    bug(env, "preempt-count-underflow", "BUG: scheduling while atomic: preempt count underflow");
    return;
  }
  addPreemptCount(d, env, -1);
}

export function preempt_enable(fn: string, at = PREEMPT_H): Step {
  return step(fn, "preempt_enable()", at, (d, env) => {
    preemptDecrement(d, env);
  });
}

/** `flags` names the local that keeps the saved interrupt state. */
export function local_irq_save(fn: string, flags: string, at = "include/linux/irqflags.h"): Step {
  return step(fn, `local_irq_save(${flags})`, at, (d, env) => {
    const c = cpuOf(d, env);
    env.locals[flags] = c.irqsEnabled;
    c.irqsEnabled = false;
  });
}

export function local_irq_restore(
  fn: string,
  flags: string,
  at = "include/linux/irqflags.h",
): Step {
  return step(fn, `local_irq_restore(${flags})`, at, (d, env) => {
    cpuOf(d, env).irqsEnabled = env.locals[flags] === true;
  });
}

/**
 * The names of the locals that hold a CPU number (those this_cpu_ptr() writes), filled in
 * as the models are defined: symmetry reduction over CPUs renumbers them with the CPUs.
 */
export const CPU_LOCALS = new Set<string>();

/**
 * `var = this_cpu_ptr(&x)`: captures this CPU into a local, used by a later step. With
 * CONFIG_DEBUG_PREEMPT it goes through smp_processor_id(), which complains when the
 * caller could migrate (include/asm-generic/percpu.h, lib/smp_processor_id.c).
 * DEBUG_PREEMPT depends on PREEMPTION (lib/Kconfig.debug), so it exists under the `full`
 * and `rt` models only.
 */
export function this_cpu_ptr(fn: string, local: string, what: string, at: string): Step {
  CPU_LOCALS.add(local);
  return step(fn, `${local} = this_cpu_ptr(&${what})`, at, (d, env) => {
    if (env.preemption !== "none" && !pinnedToCpu(d, env)) {
      bug(
        env,
        "smp_processor_id-preemptible",
        `BUG: using smp_processor_id() in preemptible [00000000] code: ${fn}`,
      );
    }
    env.locals[local] = env.cpu;
  });
}

/** The lock name a page table's lock has in the model: `ptl:user`, `ptl:kernel`. */
export function ptlOf(mm: string): string {
  return `ptl:${mm}`;
}

/**
 * spin_lock(ptl). Non-RT: preempt_disable() then spin until free. PREEMPT_RT: an rtmutex
 * (kernel/locking/spinlock_rt.c rt_spin_lock()) that may sleep, so rtlock_might_resched()
 * complains when it is taken with preemption or interrupts off; then migrate_disable(),
 * and no preemption disable.
 */
export function spin_lock(fn: string, lock: string, at = "include/linux/spinlock.h"): Step {
  return step(
    fn,
    `spin_lock(${lock})`,
    at,
    (d, env) => {
      if (env.self.kind !== "task") throw new Error("model error: spin_lock from an interrupt");
      const t = taskById(d, env.self.id);
      if (env.preemption === "rt") {
        if (!mayScheduleHere(d, env)) {
          bug(
            env,
            "sleep-in-atomic",
            `BUG: sleeping function called from invalid context at kernel/locking/spinlock_rt.c (rt_spin_lock(${lock}) in ${fn})`,
          );
        }
        t.migrationDisabled += 1;
      } else t.preemptCount += 1;
      (d.locks as Record<string, string | null>)[lock] = t.id;
    },
    {
      guard: (s) => (s.locks[lock] ?? null) === null,
      mightSleep: (preemption) => preemption === "rt",
    },
  );
}

export function spin_unlock(fn: string, lock: string, at = "include/linux/spinlock.h"): Step {
  return step(fn, `spin_unlock(${lock})`, at, (d, env) => {
    if (env.self.kind !== "task") throw new Error("model error: spin_unlock from an interrupt");
    const t = taskById(d, env.self.id);
    if (d.locks[lock] !== t.id) {
      bug(env, "bad-unlock", `BUG: ${lock} released by ${t.id}, which does not hold it`);
      return;
    }
    delete (d.locks as Record<string, string | null>)[lock];
    if (env.preemption === "rt") t.migrationDisabled -= 1;
    else preemptDecrement(d, env);
  });
}

/**
 * might_sleep(): a voluntary schedule point, with CONFIG_DEBUG_ATOMIC_SLEEP's check
 * (kernel/sched/core.c __might_sleep): no sleeping with preemption or interrupts off, nor
 * in interrupt context.
 */
export function might_sleep(fn: string, label: string, at: string): Step {
  return step(
    fn,
    label,
    at,
    (d, env) => {
      if (inInterrupt(d, env) || !mayScheduleHere(d, env)) {
        bug(
          env,
          "sleep-in-atomic",
          `BUG: sleeping function called from invalid context at ${at} (${fn})`,
        );
      }
    },
    { mightSleep: true },
  );
}

/** A page allocation that may sleep (GFP_KERNEL). */
export function alloc_page_may_sleep(fn: string, at = "mm/page_alloc.c"): Step {
  return might_sleep(fn, "page = alloc_page(GFP_KERNEL)  /* might_sleep() */", at);
}

/** A step that does nothing observable: an empty hook body, a loop bookkeeping line. */
export function nop(fn: string, label: string, at: string): Step {
  return step(fn, label, at, () => undefined);
}

/**
 * Page-table entries above the PTE level, and huge-page entries, change through these
 * (their args are addr, value, as for PTEs; an address names the entry, `user:pmd0`): the
 * PMD/PUD setters of every architecture (set_pmd_at() for a THP, set_pmd()/set_pud() for a
 * table or a kernel block, pmd_clear()), pmdp_establish() (the exchange under
 * pmdp_invalidate()), and hugetlb's set_huge_pte_at() and huge_ptep_get_and_clear(). The
 * last is a get-and-clear recorded when it is called, before its read: no modelled caller
 * calls it inside a lazy MMU region, where that order would matter to no-read-hazard.
 */
const PMD_WRITERS_LIST = [
  "set_pmd_at",
  "set_pmd",
  "pmd_clear",
  "set_pud",
  "pmdp_establish",
  "set_huge_pte_at",
  "huge_ptep_get_and_clear",
] as const;

const PMD_CLEARERS_LIST = ["pmd_clear", "huge_ptep_get_and_clear"] as const;

/**
 * Names of the procedures the engine treats as PTE changes; their args are addr, value. A
 * wrapper and what it calls may both be listed (set_pte_at -> set_ptes): the change is the
 * same, recorded once per address. The change is recorded when the procedure is called, so
 * a get-and-clear is not one itself: its read comes first, then the clear it calls
 * (pte_clear(), or x86's native_ptep_get_and_clear()). Neither is ptep_modify_prot_start():
 * on Xen PV it only reads (xen_ptep_modify_prot_start()).
 */
export const PTE_WRITERS: ReadonlySet<string> = new Set([
  "set_pte_at",
  "set_ptes",
  "pte_clear",
  "native_ptep_get_and_clear",
  "ptep_modify_prot_commit",
  ...PMD_WRITERS_LIST,
]);

/** The PTE writers whose new value is pte_none whatever the arguments say. */
export const PTE_CLEARERS: ReadonlySet<string> = new Set([
  "pte_clear",
  "native_ptep_get_and_clear",
  ...PMD_CLEARERS_LIST,
]);

function arg(env: StepEnv, name: string): Val {
  const v = env.args[name];
  if (v === undefined) throw new Error(`model error: missing argument ${name}`);
  return v;
}

export function addrArg(env: StepEnv): string {
  return String(arg(env, "addr"));
}

export function valueArg(env: StepEnv): number {
  return Number(env.args.value ?? 0);
}

/**
 * The lines of the empty hooks in include/linux/pgtable.h, and the version they are from:
 * v6.18, the pre-image (blob 32e8457ad535) of the v7.0 series' CONFIG_ARCH_HAS_LAZY_MMU_MODE
 * patch as posted (its @@ -231,7 +231,7 @@: `#ifndef __HAVE_ARCH_ENTER_LAZY_MMU_MODE` at 234,
 * then `static inline void arch_enter_lazy_mmu_mode(void) {}`, leave and flush at 235-237).
 */
export const GENERIC_HOOK_LINES = {
  version:
    "include/linux/pgtable.h of v6.18 (blob 32e8457ad535, read off the hunk of the v7.0 series' CONFIG_ARCH_HAS_LAZY_MMU_MODE patch as posted)",
  [ENTER]: 235,
  [LEAVE]: 236,
  [FLUSH]: 237,
} as const;

/**
 * arch_flush_lazy_mmu_mode() for a model that does not define one: empty, as the generic
 * header's (include/linux/pgtable.h, `static inline void arch_flush_lazy_mmu_mode(void) {}`
 * in v6.18). In mainline that empty flush comes only with the empty enter and leave, under
 * `#ifndef __HAVE_ARCH_ENTER_LAZY_MMU_MODE` (checked in torvalds/linux); a model that omits
 * it is a design in which flush is optional or gone (posted series), not a mainline one.
 */
export const genericLazyProcs: readonly Proc[] = [
  proc(FLUSH, [
    nop(
      FLUSH,
      "static inline void arch_flush_lazy_mmu_mode(void) {}",
      `include/linux/pgtable.h:${GENERIC_HOOK_LINES[FLUSH]}`,
    ),
  ]),
];

/**
 * Generic PMD, PUD and huge-page procedures: what an architecture with no lazy MMU work at
 * these levels compiles (x86 native is the reference: set_pmd_at() is `set_pmd(pmdp, pmd)`,
 * arch/x86/include/asm/pgtable.h, and set_pmd()/set_pud() store the entry, native_set_pmd()
 * and native_set_pud() in arch/x86/include/asm/pgtable_64.h). The core-mm helpers over them
 * are include/linux/pgtable.h's and mm/pgtable-generic.c's (for an architecture that does
 * not define its own):
 *  - pmdp_huge_get_and_clear(): `pmd = *pmdp; pmd_clear(pmdp)`;
 *  - pmdp_collapse_flush() (khugepaged): pmdp_huge_get_and_clear(), then
 *    flush_tlb_range() over the huge page ("collapse entails shooting down ptes not pmd");
 *  - pmdp_invalidate() (THP split): pmdp_establish() of the invalid entry, then
 *    flush_pmd_tlb_range() (flush_tlb_range() here);
 *  - hugetlb (include/asm-generic/hugetlb.h): set_huge_pte_at() is set_pte_at(),
 *    huge_ptep_get_and_clear() is ptep_get_and_clear(); huge_ptep_modify_prot_start() and
 *    _commit() are those two; flush_hugetlb_tlb_range() is flush_tlb_range().
 * One address stands for a PMD entry and the translations under it (`user:pmd0`).
 */
export const genericPmdProcs: readonly Proc[] = [
  proc("set_pmd", [
    step(
      "set_pmd",
      "WRITE_ONCE(*pmdp, pmd)",
      "arch/x86/include/asm/pgtable_64.h (native_set_pmd)",
      (d, env) => {
        storePteTlbOwed(d, env, addrArg(env), valueArg(env));
      },
    ),
  ]),
  proc("set_pud", [
    step(
      "set_pud",
      "WRITE_ONCE(*pudp, pud)",
      "arch/x86/include/asm/pgtable_64.h (native_set_pud)",
      (d, env) => {
        storePteTlbOwed(d, env, addrArg(env), valueArg(env));
      },
    ),
  ]),
  proc("set_pmd_at", [call("set_pmd", forwardArgs)]),
  proc("pmd_clear", [call("set_pmd", ({ args }) => ({ addr: args.addr ?? "", value: 0 }))]),
  // pmd_populate(mm, pmd, pte_page): point the PMD at a new PTE table (x86: set_pmd()).
  proc("pmd_populate", [call("set_pmd", forwardArgs)]),
  proc("pmdp_huge_get_and_clear", [
    step(
      "pmdp_huge_get_and_clear",
      "pmd = *pmdp",
      "include/linux/pgtable.h (pmdp_huge_get_and_clear)",
      (d, env) => {
        env.locals.old = d.pte[addrArg(env)] ?? 0;
      },
    ),
    call("pmd_clear", forwardArgs),
  ]),
  proc("pmdp_collapse_flush", [
    call("pmdp_huge_get_and_clear", forwardArgs),
    call("flush_tlb_range", forwardArgs),
  ]),
  // pmdp_establish(): exchange the entry (x86 and arm64: xchg), return the old one.
  proc("pmdp_establish", [call("set_pmd_at", forwardArgs)]),
  proc("pmdp_invalidate", [
    call("pmdp_establish", forwardArgs),
    call("flush_tlb_range", forwardArgs),
  ]),
  proc("set_huge_pte_at", [call("set_pte_at", forwardArgs)]),
  proc("huge_ptep_get_and_clear", [call("ptep_get_and_clear", forwardArgs)]),
  proc("huge_ptep_modify_prot_start", [call("huge_ptep_get_and_clear", forwardArgs)]),
  proc("huge_ptep_modify_prot_commit", [call("set_huge_pte_at", forwardArgs)]),
  proc("flush_hugetlb_tlb_range", [call("flush_tlb_range", forwardArgs)]),
];

/**
 * Generic PTE procedures, with no lazy MMU batching (include/linux/pgtable.h, v6.15). From
 * the range API (v6.6) `set_pte_at(mm, addr, ptep, pte)` is `set_ptes(mm, addr, ptep, pte,
 * 1)` for every architecture that does not define its own (x86 lost its own in a3e1c9372c9b,
 * "x86: implement the new page table range API"; sparc64 in 1a10a44dfc1d; powerpc in
 * 9fee28baa601), and set_ptes() loops over set_pte(). The set_ptes() here is the one after
 * 691ee97e1a9d (v6.15): no lazy calls. An architecture model overrides by name what its era
 * compiled (set_ptes of bcc6cc832573 for v6.6..v6.14, set_pte, pte_clear, ...).
 */
export const genericPteProcs: readonly Proc[] = [
  // The store invalidates nothing: the old translation stays in the TLBs until the
  // caller's flush (model/kernel/hardware.ts).
  proc("set_pte", [
    step("set_pte", "WRITE_ONCE(*ptep, pte)", "include/linux/pgtable.h", (d, env) => {
      storePteTlbOwed(d, env, addrArg(env), valueArg(env));
    }),
  ]),
  // set_ptes() (one page here): `for (;;) { set_pte(ptep, pte); if (--nr == 0) break; ... }`.
  proc("set_ptes", [call("set_pte", forwardArgs)]),
  proc("set_pte_at", [call("set_ptes", forwardArgs)]),
  proc("pte_clear", [
    step("pte_clear", "set_pte(ptep, __pte(0))", "include/linux/pgtable.h", (d, env) => {
      storePteTlbOwed(d, env, addrArg(env), 0);
    }),
  ]),
  proc("ptep_get", [
    step("ptep_get", "pte = READ_ONCE(*ptep)", "include/linux/pgtable.h", (d, env) => {
      const addr = addrArg(env);
      env.emit({ kind: "read", addr, value: d.pte[addr] ?? 0 });
    }),
  ]),
  // ptep_get_and_clear() without __HAVE_ARCH_PTEP_GET_AND_CLEAR: ptep_get(), pte_clear().
  proc("ptep_get_and_clear", [call("ptep_get", forwardArgs), call("pte_clear", forwardArgs)]),
  // __ptep_modify_prot_start() is ptep_get_and_clear(); __ptep_modify_prot_commit() is
  // set_pte_at() (include/linux/pgtable.h, without __HAVE_ARCH_PTEP_MODIFY_PROT_TRANSACTION).
  proc("ptep_modify_prot_start", [call("ptep_get_and_clear", forwardArgs)]),
  proc("ptep_modify_prot_commit", [call("set_pte_at", forwardArgs)]),
  // The architecture's TLB flush of a user or kernel range (flush_tlb_range(),
  // flush_tlb_kernel_range()): here it takes effect at once, on every CPU. sparc64 and
  // powerpc hash never leave `hw.tlb` entries (their PTE path invalidates), so on them
  // this changes nothing, as their own flush_tlb_range() (empty for a user range) does.
  proc("flush_tlb_range", [
    step(
      "flush_tlb_range",
      "flush_tlb_range(vma, start, end)",
      "include/asm-generic/tlbflush.h",
      (d, env) => {
        flushTlbAddr(d, addrArg(env));
      },
    ),
  ]),
  // The mmu_gather flush (mm/mmu_gather.c): tlb_finish_mmu() -> tlb_flush_mmu() ->
  // tlb_flush_mmu_tlbonly() -> tlb_flush(tlb), the architecture's (asm-generic/tlb.h's is
  // flush_tlb_range() of the gathered range; sparc64 and powerpc hash define their own,
  // which flush this CPU's batch). One gathered address per call here.
  proc("tlb_finish_mmu", [call("tlb_flush", forwardArgs)]),
  proc("tlb_flush", [call("flush_tlb_range", forwardArgs)]),
  // kmap_local_page()/kunmap_local() hooks: empty unless the architecture defines them
  // (x86 flushes lazy MMU mode there: arch/x86/include/asm/highmem.h).
  proc("arch_kmap_local_post_map", [
    nop("arch_kmap_local_post_map", "do { } while (0)", "mm/highmem.c"),
  ]),
  proc("arch_kmap_local_post_unmap", [
    nop("arch_kmap_local_post_unmap", "do { } while (0)", "mm/highmem.c"),
  ]),
  ...genericPmdProcs,
];
