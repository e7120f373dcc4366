// The state of a small machine running the Linux kernel: CPUs, tasks, interrupt handlers,
// page tables and what the MMU hardware sees. Plain immutable data (immer produces every
// successor), so that a state can be encoded, compared and replayed.

/** A scalar the model stores: PTE values, CPU ids, flags, counters. */
export type Val = number | string | boolean;

/** A PTE's address, as `<mm>:<index>`: `user:0` or `kernel:1` (`init_mm`). */
export type Addr = string;

/** 0 is `pte_none`; any other number is a present PTE pointing at that page. */
export type PteVal = number;

export type PreemptionModel = "none" | "full" | "rt";

/** One activation record: which procedure, where in it, its arguments and locals. */
export interface Frame {
  readonly proc: string;
  readonly pc: number;
  readonly args: Readonly<Record<string, Val>>;
  readonly locals: Readonly<Record<string, Val>>;
  /** The caller's local that receives this call's return value (absent: none). */
  readonly result?: string;
}

/**
 * What the checker observes of one context, independent of the architecture: the lazy MMU
 * calls it made and the PTE changes it made inside its regions. Rules read this.
 */
export interface Ghost {
  /** arch_enter_lazy_mmu_mode() calls not yet matched by a leave. */
  readonly lazyDepth: number;
  /** One entry per open region (innermost last): the addresses written since its enter. */
  readonly regions: readonly (readonly Addr[])[];
  /** The value this context last wrote to each address while in a region. */
  readonly wrote: Readonly<Record<Addr, PteVal>>;
}

export type TaskStatus = "running" | "runnable" | "sleeping" | "done";

export interface Task {
  readonly id: string;
  readonly stack: readonly Frame[];
  readonly status: TaskStatus;
  /** The CPU it runs on, or last ran on (and whose runqueue it is on when runnable). */
  readonly cpu: number;
  readonly preemptCount: number;
  readonly migrationDisabled: number;
  /** True right after a step that may sleep: under `none` only here may it be switched out. */
  readonly atSleepPoint: boolean;
  /** Thread-info flags (TIF_*, _TLF_*) and other per-task architecture state. */
  readonly flags: Readonly<Record<string, Val>>;
  readonly ghost: Ghost;
}

/** An interrupt handler's own state: its source, stack, preempt count and ghost. */
export interface IrqFrame {
  readonly source: string;
  readonly stack: readonly Frame[];
  readonly preemptCount: number;
  readonly ghost: Ghost;
}

/** An interrupt handler running on a CPU, above whatever task that CPU was running. */
export interface IrqContext extends IrqFrame {
  /**
   * The softirq this hardirq landed on (softirqs run with interrupts enabled, so a hardirq
   * can nest over one; kernel/softirq.c handle_softirqs()): it resumes when this returns.
   * One level only: a hardirq never lands on a hardirq, a softirq only on a task, so the
   * interrupted one interrupted nothing (and the state schema stays finite).
   */
  readonly interrupted: IrqFrame | null;
}

export interface Cpu {
  readonly id: number;
  readonly current: string | null;
  readonly irqsEnabled: boolean;
  readonly irq: IrqContext | null;
  /** Per-CPU architecture state: batches, lazy modes, multicall buffers. */
  readonly arch: Readonly<Record<string, Val>>;
  /** Updates queued for the hypervisor and not yet issued (Xen PV multicall buffer). */
  readonly queued: readonly QueuedUpdate[];
  /** Addresses whose TLB/TSB/hash invalidation this CPU's batch holds (sparc64, powerpc). */
  readonly batch: readonly Addr[];
}

/**
 * One entry of a hypervisor multicall buffer (Xen PV), issued in order: an mmu_update of
 * the PTE at `addr` to `value`, or (`op: "tlb-flush"`) an MMUEXT TLB-flush op for `addr`
 * (MMUEXT_INVLPG_*, MMUEXT_TLB_FLUSH_*), queued beside the updates.
 */
export interface QueuedUpdate {
  readonly addr: Addr;
  readonly value: PteVal;
  readonly op?: "tlb-flush";
}

/**
 * What the MMU sees, beyond the PTE values in memory. A PTE change is *in effect* when
 * memory holds the value last asked for, no CPU may hold a translation older than it,
 * and no barrier the walker needs to see it is still owed.
 */
export interface Hardware {
  /** Addresses whose old translation some CPU may still hold (TLB, TSB or hash entry). */
  readonly stale: readonly Addr[];
  /** `${cpu}:${addr}`: a store on that CPU that the walker may not see until a barrier. */
  readonly unsynced: readonly string[];
  /**
   * Addresses whose old translation a CPU's TLB may still hold after a PTE change that the
   * architecture does not invalidate itself (x86, arm64, the generic model): the caller
   * owes the TLB flush (flush_tlb_*(), the mmu_gather flush). sparc64 and powerpc hash
   * invalidate as part of the PTE change (their batch: `stale`), so this stays empty there.
   */
  readonly tlb: readonly Addr[];
  /**
   * Addresses whose TLB flush took effect while a PTE update of them made before it was
   * still deferred (queued for the hypervisor, or a store the walker did not yet see): the
   * flush overtook the update, so the old translation can be cached again after it.
   */
  readonly overtaken: readonly Addr[];
}

export interface Kernel {
  readonly cpus: readonly Cpu[];
  readonly tasks: readonly Task[];
  /** How many times each interrupt source has fired. */
  readonly irqFired: Readonly<Record<string, number>>;
  /** Page-table locks held: owner task id (a free lock is absent). */
  readonly locks: Readonly<Record<string, string | null>>;
  /** PTE values in memory. */
  readonly pte: Readonly<Record<Addr, PteVal>>;
  /** The value the latest PTE change asked for at each address (checker's bookkeeping). */
  readonly intended: Readonly<Record<Addr, PteVal>>;
  /**
   * Named shared (global) kernel variables a scenario declares: a flag another CPU sets, a
   * counter callers share. Steps read and write them as `d.shared[name]`.
   */
  readonly shared: Readonly<Record<string, Val>>;
  readonly hw: Hardware;
  /** Set when a BUG_ON fired: the machine has stopped. */
  readonly halted: string | null;
}

export const emptyGhost: Ghost = { lazyDepth: 0, regions: [], wrote: {} };

export function mmOf(addr: Addr): "user" | "kernel" {
  return addr.startsWith("kernel:") ? "kernel" : "user";
}
