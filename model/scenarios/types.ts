// A scenario: the core-mm callers (task programs and interrupt handlers) and the machine
// they run on. Callers are procedures of steps that call the lazy MMU hooks and the PTE
// path by name; the architecture model supplies those.

import type { Api, Existed } from "../arch/types";
import type { Proc } from "../kernel/program";
import type { Addr, PreemptionModel, PteVal, Val } from "../kernel/state";

export interface TaskSpec {
  readonly id: string;
  /** The CPU it starts on. */
  readonly cpu: number;
  /** The procedure it runs. */
  readonly entry: string;
  /** A per-CPU kthread (kthread_bind): never migrates. */
  readonly pinned?: boolean;
  /**
   * Thread flags and per-task architecture state it starts with, over the model's `perTask`
   * (e.g. `{ TIF_LAZY_MMU: 1 }` for a task that was switched out inside a region).
   */
  readonly flags?: Readonly<Record<string, Val>>;
  /**
   * The task starts inside one lazy MMU region (it was switched out in it, and its program
   * resumes there): the checker counts the region open, so the leave it will call pairs.
   */
  readonly inRegion?: boolean;
}

/**
 * `hardirq`: a device interrupt, run with interrupts off. `softirq`: softirq work run on
 * interrupt exit or from local_bh_enable() (kernel/softirq.c invoke_softirq(), do_softirq()):
 * with interrupts on, so a hardirq can nest over it, never where the task has bottom halves
 * disabled, and not at all under PREEMPT_RT, whose invoke_softirq() wakes ksoftirqd instead
 * (a scenario models that as a pinned task serving softirqs).
 */
export type IrqKind = "hardirq" | "softirq";

export interface IrqSpec {
  readonly id: string;
  /** `hardirq` when absent. */
  readonly kind?: IrqKind;
  readonly handler: string;
  /** How many times it may fire in one run, over all CPUs. */
  readonly bound: number;
  /** CPUs it may fire on (all when absent). */
  readonly cpus?: readonly number[];
}

export interface Scenario {
  readonly id: string;
  readonly summary: string;
  /** The kernel functions and files whose calling pattern it follows. */
  readonly source: string;
  /**
   * The kernel version (tag or commit) whose source lines its steps' `file:line` positions
   * cite: the version its range starts at, or another it names (test/positions.test.ts).
   */
  readonly linesAt?: string;
  readonly cpus: number;
  readonly tasks: readonly TaskSpec[];
  readonly irqs: readonly IrqSpec[];
  /** Per-CPU architecture state every CPU starts with, over the model's `perCpu`. */
  readonly perCpu?: Readonly<Record<string, Val>>;
  /** Named shared kernel variables and their initial values (`d.shared[name]` in steps). */
  readonly shared?: Readonly<Record<string, Val>>;
  /** Initial PTE values (absent addresses are pte_none). */
  readonly ptes: Readonly<Record<Addr, PteVal>>;
  /** Callers and generic kernel code this scenario brings (the arch overrides by name). */
  readonly procs: readonly Proc[];
  /** Procedures of generic mm code that the architecture may override (e.g. set_ptes). */
  readonly genericProcs?: readonly Proc[];
  /**
   * The API its callers use: `arch-hooks` (arch_enter/leave_lazy_mmu_mode(), up to v6.18; the
   * default) or `lazy-mmu-mode` (v7.0's lazy_mmu_mode_*(); it then links the generic layer).
   */
  readonly api?: Api;
  /**
   * The kernels in which its callers existed, and the architecture families (ArchModel.arch)
   * whose code path it follows (all when absent). A cell outside them is `n/a`.
   */
  readonly existed?: Existed & { readonly archs?: readonly string[] };
  /** Preemption models under which the scenario is run by default. */
  readonly preemption: readonly PreemptionModel[];
}
