// Which preemption models each architecture's kernels could be configured with
// (kernel/Kconfig.preempt), stated once per architecture family and shared by its eras.
//
// - PREEMPT_NONE and PREEMPT (the `none` and `full` models) are offered unless the
//   architecture selects ARCH_NO_PREEMPT; alpha, hexagon, m68k and um do (tglx's list on
//   LKML, September 2023), x86, sparc64, powerpc and arm64 do not.
// - PREEMPT_RT (`rt`) is in mainline from v6.12 and `depends on EXPERT && ARCH_SUPPORTS_RT`.
//   The v6.12 patch that enabled it selects ARCH_SUPPORTS_RT under `config X86_64` (Xen PV
//   guests are 64-bit only) and in `config ARM64`. arch/sparc/Kconfig never selects it.
//   arch/powerpc/Kconfig does not select it in v6.12 (checked in a v6.12 tree), nor in the
//   stored torvalds/linux tree (v6.10 era), nor in the latest tree read: `config PPC`'s
//   alphabetical select list goes from ARCH_SUPPORTS_PAGE_TABLE_CHECK to ARCH_SUPPORTS_SCHED_MC,
//   and no other line of the file selects ARCH_SUPPORTS_RT, in Aarav90-cpu/linux-kotlin
//   a663adb68e0e, a merge whose Makefile at that commit names 7.1.0-rc4 on one side and 7.0.9
//   on the other (neither side adds it: the conflict markers do not reach those lines). powerpc
//   RT is the out-of-tree -rt patch "POWERPC: Allow to enable RT" (in the patch lists of the
//   v6.1 and v6.6 stable -rt releases); the October 2024 RFC ("powerpc/kvm: Fix spinlock
//   member access for PREEMPT_RT", with `select ARCH_SUPPORTS_RT if !KVM_BOOK3S_64_HV`) is
//   not in that v7.1-rc4 tree. So no book3s64 hash kernel, of any era modelled here (up to v7.0), could be built
//   with PREEMPT_RT. Not read: arch/powerpc/platforms/Kconfig.cputype.

import type { PreemptionModel } from "../kernel/state";
import type { Buildable } from "./types";

const PREEMPTIBLE: Buildable = {
  can: true,
  why: "PREEMPT_NONE and PREEMPT: the architecture does not select ARCH_NO_PREEMPT (kernel/Kconfig.preempt)",
};

function builds(rt: Buildable): Readonly<Record<PreemptionModel, Buildable>> {
  return { none: PREEMPTIBLE, full: PREEMPTIBLE, rt };
}

export const x86Builds = builds({
  can: true,
  since: "v6.12",
  why: "PREEMPT_RT is mainline from v6.12; arch/x86/Kconfig selects ARCH_SUPPORTS_RT for X86_64",
});

export const arm64Builds = builds({
  can: true,
  since: "v6.12",
  why: "PREEMPT_RT is mainline from v6.12; arch/arm64/Kconfig selects ARCH_SUPPORTS_RT",
});

export const sparc64Builds = builds({
  can: false,
  why: "arch/sparc/Kconfig never selects ARCH_SUPPORTS_RT, which PREEMPT_RT depends on",
});

export const powerpcBuilds = builds({
  can: false,
  why: "arch/powerpc/Kconfig does not select ARCH_SUPPORTS_RT, which PREEMPT_RT depends on (read in trees up to v7.1-rc4; powerpc RT is the out-of-tree -rt patch 'POWERPC: Allow to enable RT')",
});

/**
 * The generic (empty) hooks are those of every architecture without lazy MMU support;
 * riscv and loongarch among them select ARCH_SUPPORTS_RT (from v6.12 in mainline).
 */
export const genericBuilds = builds({
  can: true,
  since: "v6.12",
  why: "PREEMPT_RT is mainline from v6.12; riscv and loongarch, which have no lazy MMU hooks, select ARCH_SUPPORTS_RT",
});
