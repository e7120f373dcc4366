// What an architecture model supplies: its lazy MMU hooks and PTE path as procedures of
// atomic steps, its per-CPU and per-task state, and its context-switch hooks. One file per
// architecture (x86 has two: native and Xen PV); each era is one ArchModel value built from
// a feature record of that architecture (one named field per thing the kernels of the era
// do differently), so that a model reads beside its source and its code asks features,
// never era names.

import type { Draft } from "immer";
import { taskById } from "../kernel/context";
import type { KernelEvent, Proc } from "../kernel/program";
import type { Kernel, PreemptionModel, Val } from "../kernel/state";

/**
 * An architecture's per-CPU or per-task state: named scalars, e.g. sparc64's
 * `{ active: 0 | 1 }`. The kernel state keeps them as a record of scalars (`Cpu.arch`,
 * `Task.flags`; model/kernel/state.ts), whatever the architecture.
 */
export type ArchState = { readonly [name: string]: Val };

/** A state record as a step may change it. */
export type Mutable<S> = { -readonly [K in keyof S]: S[K] };

/**
 * Typed access to one architecture's state from a step: a CPU's record and a task's, as the
 * architecture declared them (`perCpu`, `perTask`). The one place the kernel state's
 * untyped records are read at an architecture's types: the initial state holds exactly the
 * declared fields, and the model's steps write only those.
 */
export interface ArchStateOf<CpuState extends ArchState, TaskState extends ArchState> {
  cpu(d: Draft<Kernel>, cpu: number): Mutable<CpuState>;
  task(d: Draft<Kernel>, id: string): Mutable<TaskState>;
}

export function archState<
  CpuState extends ArchState,
  TaskState extends ArchState = Record<never, Val>,
>(): ArchStateOf<CpuState, TaskState> {
  return {
    cpu(d, cpu) {
      const c = d.cpus[cpu];
      if (c === undefined) throw new Error(`model error: no CPU ${cpu}`);
      return c.arch as Mutable<CpuState>;
    },
    task(d, id) {
      return taskById(d, id).flags as Mutable<TaskState>;
    },
  };
}

/** What a context-switch hook sees: the CPU, and the task leaving it or arriving on it. */
export interface SwitchEnv {
  readonly cpu: number;
  /** The task switched out (null when the CPU was idle). */
  readonly prev: string | null;
  /** The task switched in (null when the CPU goes idle). */
  readonly next: string | null;
  emit(event: KernelEvent): void;
}

/** One step of the context switch (context_switch(), __switch_to()), interrupts off. */
export interface SwitchStep {
  readonly fn: string;
  readonly label: string;
  readonly at: string;
  /** Returns false when the hook had nothing to do (it is then left out of the trace). */
  readonly run: (d: Draft<Kernel>, sw: SwitchEnv) => boolean;
}

/**
 * A span of mainline kernels by tag (`v6.6`, `v6.16-rc1`): `since` included, `until` not;
 * an absent end is open. Compared by model/kernel/existed.ts.
 */
export interface KernelRange {
  readonly since?: string;
  readonly until?: string;
}

/** Kernels that had some code, and the source that says so. */
export interface Existed extends KernelRange {
  readonly why: string;
}

/** Whether a preemption model could be configured: in which kernels, or never, and why. */
export type Buildable =
  | ({ readonly can: true } & Existed)
  | { readonly can: false; readonly why: string };

/**
 * The caller-facing lazy MMU API: the arch hooks themselves, v7.0's lazy_mmu_mode_*(), or
 * one a user's design names (e.g. `lazy-mmu-state`: enter returns a state, leave takes it).
 */
export type Api = "arch-hooks" | "lazy-mmu-mode" | (string & {});

export interface ArchModel<
  CpuState extends ArchState = ArchState,
  TaskState extends ArchState = ArchState,
> {
  /** Stable id used on the command line, e.g. `sparc64@v6.14`. */
  readonly id: string;
  /** The architecture, e.g. `sparc64`. */
  readonly arch: string;
  /** Kernel version range this era covers, e.g. `v6.6..v6.14`. */
  readonly era: string;
  /**
   * The mainline kernels whose code this model follows (one span or more). A cell whose
   * scenario or preemption model shares no kernel with these is `n/a`.
   */
  readonly ran: readonly Existed[];
  /** Per preemption model, the kernels of this architecture that could be built with it. */
  readonly builds: Readonly<Record<PreemptionModel, Buildable>>;
  /** Kernel commits whose behaviour this model includes (12-hex prefixes). */
  readonly commits: readonly string[];
  readonly summary: string;
  /** Kernel files this model follows. */
  readonly sources: readonly string[];
  /**
   * The kernel version (tag or commit) whose source lines the steps' `file:line` positions
   * cite, and how they were read; stated once per model (test/positions.test.ts).
   */
  readonly linesAt?: string;
  /** Where and why the model departs from the kernel. */
  readonly departures: readonly string[];
  /** arch_enter/leave/flush_lazy_mmu_mode and any PTE-path overrides (set_pte_at, ...). */
  readonly procs: readonly Proc[];
  /** Each CPU's architecture state in the initial state (its fields and first values). */
  readonly perCpu: CpuState;
  /** Each task's, beside the kernel's own thread flags. */
  readonly perTask: TaskState;
  /**
   * Which callers the hooks are written for: `arch-hooks` (callers call the arch hooks, up to
   * v6.18; the default) or `lazy-mmu-mode` (v7.0: hooks reached only through
   * lazy_mmu_mode_enable() & co., whose per-task counts the architecture reads).
   */
  readonly api?: Api;
  /**
   * The caller APIs that may drive this model, when not the default (an `arch-hooks` model
   * takes both built-in APIs, a `lazy-mmu-mode` one only its own), and why: a scenario on
   * another API is refused with this reason instead of failing a rule.
   */
  readonly runsUnder?: { readonly apis: readonly Api[]; readonly why: string };
  /** Hooks run as the CPU switches a task out (prev set, next null) or in (next set). */
  readonly contextSwitch: readonly SwitchStep[];
}
