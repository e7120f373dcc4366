// An architecture design that is not mainline: enter() returns a state and leave() takes it,
// from Kevin Brodsky's series "Nesting support for lazy MMU mode" (v2, 8 Sep 2025; patches
// 1/7 "mm: remove arch_flush_lazy_mmu_mode()", 2/7 "mm: introduce local state for lazy_mmu
// sections", 5/7 "powerpc/mm: support nested lazy_mmu sections"). It was superseded by the
// v7.0 generic layer (lazy_mmu_mode_enable() & co.), so it ran in no released kernel.
//
// powerpc book3s64 hash under that design (patch 5/7, read as posted):
//   lazy_mmu_state_t arch_enter_lazy_mmu_mode(void) {
//     if (radix_enabled()) return LAZY_MMU_DEFAULT;
//     preempt_disable(); batch = this_cpu_ptr(&ppc64_tlb_batch);
//     if (!batch->active) { batch->active = 1; return LAZY_MMU_DEFAULT; }
//     return LAZY_MMU_NESTED; }
//   void arch_leave_lazy_mmu_mode(lazy_mmu_state_t state) {
//     if (radix_enabled()) return; batch = this_cpu_ptr(&ppc64_tlb_batch);
//     if (batch->index) __flush_tlb_pending(batch);
//     if (state != LAZY_MMU_NESTED) batch->active = 0;
//     preempt_enable(); }
// Patch 1/7 removes arch_flush_lazy_mmu_mode(), so the model defines none (the checker
// links the empty one). The PTE path and the __switch_to hooks are those of the built-in
// powerpc-hash@47b8def9358c (v6.6..v6.18), which the series was written against.
//
// Callers must keep the state: `state = arch_enter_lazy_mmu_mode(); ...;
// arch_leave_lazy_mmu_mode(state);`. That is a caller API of its own, `lazy-mmu-state`: the
// model runs only under it, and a scenario calling leave() without a state is refused.
//
// Run: lazymmu verify --load examples/lazy-mmu-state-powerpc.ts \
//        --arch powerpc-hash@lazy-mmu-state-v2 --scenario lazy-mmu-state-nested
// (`fail` on no-nesting only: the v6.15 contract forbids nesting, which this design permits;
// every implementation rule holds, the inner leave flushing and keeping the batch active).
//
// Departures: radix is not modelled (as in the built-in model); one page per set_ptes().

import {
  type ArchModel,
  call,
  cpuOf,
  defineArch,
  defineScenario,
  ENTER,
  findArch,
  invalidate,
  LEAVE,
  type Proc,
  preempt_disable,
  preempt_enable,
  proc,
  ptlOf,
  setPte,
  spin_lock,
  spin_unlock,
  step,
  this_cpu_ptr,
  wpPageCopy,
} from "lazymmu/api";

const TLBFLUSH_HASH_H = "arch/powerpc/include/asm/book3s/64/tlbflush-hash.h (patch 5/7)";
const LAZY_MMU_DEFAULT = 0;
const LAZY_MMU_NESTED = 1;
const API = "lazy-mmu-state";

const base = findArch("powerpc-hash@47b8def9358c");
if (base === undefined) throw new Error("the built-in powerpc-hash@47b8def9358c model is missing");

const enter: Proc = proc(ENTER, [
  preempt_disable(ENTER, TLBFLUSH_HASH_H),
  this_cpu_ptr(ENTER, "batch", "ppc64_tlb_batch", TLBFLUSH_HASH_H),
  step(
    ENTER,
    "if (!batch->active) { batch->active = 1; return LAZY_MMU_DEFAULT; } return LAZY_MMU_NESTED",
    TLBFLUSH_HASH_H,
    (d, env) => {
      const c = d.cpus[Number(env.locals.batch)];
      if (c === undefined) throw new Error("model error: no such CPU");
      if (c.arch.active === 1) return { return: LAZY_MMU_NESTED };
      c.arch.active = 1;
      return { return: LAZY_MMU_DEFAULT };
    },
  ),
]);

const leave: Proc = proc(LEAVE, [
  this_cpu_ptr(LEAVE, "batch", "ppc64_tlb_batch", TLBFLUSH_HASH_H),
  step(LEAVE, "if (batch->index) __flush_tlb_pending(batch)", TLBFLUSH_HASH_H, (d, env) => {
    const c = d.cpus[Number(env.locals.batch)];
    if (c === undefined) throw new Error("model error: no such CPU");
    for (const addr of c.batch) invalidate(d, addr);
    c.batch = [];
  }),
  step(LEAVE, "if (state != LAZY_MMU_NESTED) batch->active = 0", TLBFLUSH_HASH_H, (d, env) => {
    if (env.args.state === undefined)
      throw new Error("model error: leave() called without a state");
    if (env.args.state !== LAZY_MMU_NESTED) cpuOf(d, env).arch.active = 0;
  }),
  preempt_enable(LEAVE, TLBFLUSH_HASH_H),
]);

const hooks = new Set<string>([ENTER, LEAVE, "arch_flush_lazy_mmu_mode"]);

export const powerpcLazyState: ArchModel = defineArch({
  ...base,
  id: "powerpc-hash@lazy-mmu-state-v2",
  era: "posted 2025-09-08, not merged",
  commits: [],
  // No released kernel ran it: a design is checked as if applied (without this, every cell
  // would be n/a, inheriting the spans of the released model it starts from).
  ran: [{ why: "a posted design (2025-09-08, not merged), checked as if applied" }],
  summary:
    "book3s64 hash under the posted 'local state for lazy_mmu sections' design: enter() returns LAZY_MMU_DEFAULT or LAZY_MMU_NESTED, leave(state) flushes and ends the batch only when not nested; no flush hook",
  sources: [TLBFLUSH_HASH_H, ...base.sources],
  departures: [...base.departures, "The hooks are the posted patch's, not a released kernel's."],
  api: API,
  runsUnder: {
    apis: [API],
    why: "leave() needs the state its enter() returned, which only callers of this design keep",
  },
  procs: [...base.procs.filter((p) => !hooks.has(p.name)), enter, leave],
});

/** `state = arch_enter_lazy_mmu_mode(); body; arch_leave_lazy_mmu_mode(state);` */
function lazyStateRegion(local: string, body: ReturnType<typeof setPte>[]) {
  return [
    call(ENTER, {}, { result: local }),
    ...body,
    call(LEAVE, ({ locals }) => ({ state: locals[local] ?? LAZY_MMU_DEFAULT })),
  ];
}

/**
 * A region with a nested one inside (set_ptes() of 9fee28baa601 entered its own): under
 * this design the inner leave flushes but keeps the batch active for the outer region.
 */
export const nestedUnderPtl = defineScenario({
  id: "lazy-mmu-state-nested",
  summary:
    "task A, under the user PTL, opens a region and a nested one (state = enter() each), changes two user PTEs, leaves both with their states; task B changes another user PTE on the other CPU",
  source: "mm/memory.c: zap_pte_range() pattern, with the nested set_ptes() region of 9fee28baa601",
  api: API,
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "zap_pte_range" },
    { id: "B", cpu: 1, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1, "user:2": 1 },
  procs: [
    proc("zap_pte_range", [
      spin_lock("zap_pte_range", ptlOf("user"), "mm/memory.c (pte_offset_map_lock)"),
      ...lazyStateRegion("outer", [
        setPte("user:0", 2),
        ...lazyStateRegion("inner", [setPte("user:1", 2)]),
      ]),
      spin_unlock("zap_pte_range", ptlOf("user"), "mm/memory.c (pte_unmap_unlock)"),
    ]),
    wpPageCopy("wp_page_copy", "user:2", 2, `${ptlOf("user")}#2`),
  ],
  preemption: ["none", "full"],
});
