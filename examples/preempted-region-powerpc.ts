// A scenario that starts with a task flag set: powerpc book3s64 hash before b9ef323ea168
// (v6.0), where a lazy MMU region could be preempted. __switch_to() (arch/powerpc/kernel/
// process.c) hands an active batch over to the task: on the way out it sets the task's
// _TLF_LAZY_MMU, flushes the batch and deactivates it; on the way in, a task with
// _TLF_LAZY_MMU set has it cleared and batch->active set again on its new CPU.
//
// Task B starts as such a task: switched out inside its apply_to_pte_range() region on
// init_mm (no lock, so preemptible), with _TLF_LAZY_MMU set and its program resuming inside
// the region: one more kernel PTE change, then arch_leave_lazy_mmu_mode(). It waits on CPU0's
// runqueue behind task A, and may migrate to the idle CPU1 first. The question the scenario
// asks: is B's change, made after it is switched back in, batched again and in effect when
// its leave returns (effective-at-leave), wherever B resumes?
//
// What the checker finds (powerpc-hash@v6.0, preemption full): the hand-over works (the
// region pairs and B's change is in effect when leave returns), but the resumed leave runs
// this_cpu_ptr() with preemption enabled, so CONFIG_DEBUG_PREEMPT complains: the
// preemptible hooks that b9ef323ea168 (Nicholas Piggin, v6.1-rc3) fixed by adding
// preempt_disable() to enter and preempt_enable() to leave. From b9ef323ea168 on, a task
// cannot be switched out inside a region (outside PREEMPT_RT), so this starting state does
// not arise there.
//
// The initial state is the point: `flags: { _TLF_LAZY_MMU: 1 }` (over the model's perTask)
// and `inRegion: true`, so that the checker counts B's region open and its leave pairs.
//
// Run: lazymmu verify --load examples/preempted-region-powerpc.ts \
//        --arch powerpc-hash@v6.0 --scenario powerpc-preempted-region-resumes
// (`fail`: no-kernel-bug, the DEBUG_PREEMPT splat in arch_leave_lazy_mmu_mode)

import { call, defineScenario, LEAVE, proc, setPte, wpPageCopy } from "lazymmu/api";

export const preemptedRegion = defineScenario({
  id: "powerpc-preempted-region-resumes",
  summary:
    "task B was switched out inside its init_mm region (_TLF_LAZY_MMU set); it resumes, changes a kernel PTE and leaves; task A changes a user PTE first on the same CPU",
  source:
    "arch/powerpc/kernel/process.c: __switch_to() (_TLF_LAZY_MMU hand-over); mm/memory.c: apply_to_pte_range() on init_mm",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "wp_page_copy" },
    { id: "B", cpu: 0, entry: "apply_to_pte_range", flags: { _TLF_LAZY_MMU: 1 }, inRegion: true },
  ],
  irqs: [],
  ptes: { "user:0": 1, "kernel:0": 2, "kernel:1": 1 },
  procs: [
    wpPageCopy("wp_page_copy", "user:0", 2),
    // The rest of B's region: the callback's set_pte_at() for the next page, then leave.
    proc("apply_to_pte_range", [setPte("kernel:1", 2), call(LEAVE, {})]),
  ],
  preemption: ["full"],
});
