/* bench_reference.pml: a step-for-step Promela mirror of lazymmu's benchmark
 * configuration (scripts/bench.ts): model sparc64@v6.15, scenario bench-reference
 * (model/scenarios/bench.ts), preemption model `full`, spec lazy-mmu-v6.15. Started from
 * ../shared/bench/spin/bench_reference.pml (an earlier session's mirror of the graph before
 * set_pte_at() went through the era's macro chain) and brought to today's graph:
 * zap_pte_range()'s ptep_get_and_clear() is the generic ptep_get() step, then pte_clear() ->
 * set_pte_at() -> set_ptes() -> __set_pte_at() (the calls are no steps of their own).
 *
 *   A: apply_to_pte_range() on init_mm (kernel:0, kernel:1), running on CPU 0
 *   B: wp_page_copy() of user:8 under ptl:user#2, running on CPU 1
 *   C: zap_pte_range() of user:0, user:1 under ptl:user, queued (runnable) on CPU 0
 *   kfence<c>: an interrupt source bound to CPU c that fires at most once and runs
 *      kfence_unprotect(): set_pte_at(kernel:4, 1); flush_tlb_range(kernel:4)
 *
 * One Promela transition (a d_step) is one lazymmu transition: a task or interrupt
 * handler running its next atomic step (model/machine/transitions.ts runStep: the calls
 * in front of the step, the step, the returns after it), an interrupt arriving, a
 * switch-out (preempt, exit), a switch-in, a migration. sparc64 has no context-switch
 * hooks, and under `full` nothing sleeps (spin_lock sleeps only on RT, no might_sleep()
 * step here), so there are no sleep/wake transitions. Every variable below is either a
 * field of lazymmu's Kernel state or a process program counter that stands for a task's
 * or handler's stack (frames, pcs); frame locals (tb, orig) are reset when their frame
 * pops, as lazymmu drops them. So the reachable graphs are isomorphic: SPIN 6.5.2 stores
 * 118,320 states and explores 354,185 transitions (= stored + matched, which counts the
 * initial state once more) where lazymmu reports 118,320 states and 354,184 transitions,
 * and pan -DBFS reaches depth 50 as lazymmu's BFS does. Partial-order reduction (pan
 * built without -DNOREDUCE) removes nothing here: every step reads the shared scheduling
 * state (st_*, irq_on), so no statement is safe for SPIN's reduction.
 * Redundant fields (irqsEnabled = !irq_on here, the ghost, intended values) are kept
 * because lazymmu stores them too.
 *
 * The asserts are the checks of specs/lazy-mmu-v6.15.json that can fire in this
 * configuration (pairing, no-nesting, effective-at-leave, immediate-outside, and the
 * no-kernel-bug debug checks: smp_processor_id() in preemptible code, preempt count
 * underflow, bad unlock); no-read-hazard cannot fire (C's only reads are ptep_get() of a
 * PTE before C writes it, and the rule judges a read of a PTE the reader wrote in its
 * region), and no-interrupt-context holds by construction (no handler calls the hooks).
 *
 * -DV614 drops a1d416bf9faf's preempt_disable()/preempt_enable() from enter/leave. It is
 * no longer sparc64@v6.14's graph: in that era set_pte_at() goes through the set_ptes() of
 * 1a10a44dfc1d, which nests enter/leave around each PTE write, and this mirror does not
 * model that nesting. Kept as a variant of the scaling experiment only.
 *
 * Variants for scaling: -DNCPU=3 adds an idle CPU 2 with its own kfence source (3 CPUs x
 * 3 tasks: `npm run bench -- --config 3x3`; SPIN 6.5.2 stores 4,085,532 states, BFS
 * depth 54); -DNO_C drops task C (2 x 2: 8,160 states); both flags: 3 x 2 (127,062).
 *
 *   spin -a bench_reference.pml
 *   gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -m100000   (or without -DNOREDUCE: POR)
 *   npm run bench:spin -- [PAIRS] [PAN_RUNS]   (the side by side, from the project root)
 */
#ifndef NCPU
#define NCPU 2
#endif

#define RUNNABLE 0
#define RUNNING  1
#define ZOMBIE   2   /* finished, still current on its CPU until the exit switch */
#define DONE     3

/* user PTEs the sparc64 TLB batch and the stale set can hold (kernel PTEs never) */
#define U0 1
#define U1 2
#define U8 4
/* kernel PTEs written inside A's region (ghost bits) */
#define K0 1
#define K1 2

#define OWNER_A 1
#define OWNER_B 2
#define OWNER_C 3

/* ---- tasks: status, CPU (runqueue), preempt_count, ghost (lazy depth, region) ---- */
byte st_A = RUNNING;  byte cpu_A = 0; byte preempt_A = 0; byte depth_A = 0; byte region_A = 0;
byte st_B = RUNNING;  byte cpu_B = 1; byte preempt_B = 0; byte depth_B = 0;
#ifndef NO_C
byte st_C = RUNNABLE; byte cpu_C = 0; byte preempt_C = 0; byte depth_C = 0; byte region_C = 0;
#endif

/* ---- CPUs ---- */
bool irq_on[NCPU];        /* an interrupt handler is running on the CPU (cpu.irq != null) */
bool irqs_en[NCPU] = 1;   /* cpu.irqsEnabled */
bool tb_active[NCPU];        /* sparc64 tlb_batch.active */
byte batch[NCPU];         /* sparc64 tlb_batch: the user PTEs whose flush it holds (bits) */
bool fired[NCPU];         /* irqFired[kfence<c>] (bound 1) */

/* ---- memory, locks, what the MMU sees ---- */
byte lock_user = 0;       /* ptl:user owner (0: free) */
byte lock_user2 = 0;      /* ptl:user#2 owner */
byte pte_k0 = 0, pte_k1 = 0, pte_k4 = 0, pte_u0 = 1, pte_u1 = 1, pte_u8 = 1;
byte int_k0 = 0, int_k1 = 0, int_k4 = 0, int_u0 = 1, int_u1 = 1, int_u8 = 1; /* intended */
byte stale = 0;           /* hw.stale: user PTEs some CPU may still hold the old translation of */

/* A task's step can run when it is current on its CPU and no handler runs there. */
#define RUN(t) (st_##t == RUNNING && !irq_on[cpu_##t])
/* this_cpu_ptr() under DEBUG_PREEMPT: the caller must not be able to migrate */
#define PINNED(t) (preempt_##t > 0 || !irqs_en[cpu_##t])
#define EFF_K(a) (pte_##a == int_##a)
#define EFF_U(a, bit) (pte_##a == int_##a && (stale & bit) == 0)

/* __set_pte_at() step 1 on a user PTE: orig = *ptep; *ptep = pte; maybe mark stale */
#define SET_USER(a, bit, v) orig = pte_##a; pte_##a = v; \
	if :: (orig != 0 && orig != v) -> stale = stale | bit :: else -> skip fi
/* tlb_batch_add_one() on a user PTE, on the CPU the task runs on now */
#define BATCH_ADD_USER(c, bit, v) \
	if :: (orig != 0 && orig != v) -> \
		if :: !tb_active[c] -> stale = stale & (~bit) :: else -> batch[c] = batch[c] | bit fi \
	   :: else -> skip fi; orig = 0
/* flush_tlb_pending() on the CPU the task runs on now */
#define FLUSH_PENDING(c) stale = stale & (~batch[c]); batch[c] = 0

/* arch_leave_lazy_mmu_mode(): this_cpu_ptr, if (tb->tlb_nr) flush, active = 0, then (v6.15)
 * preempt_enable; `tail` is what the step that pops the frame also does (the return's
 * checks and ghost update, and whatever returns follow). */
#ifdef V614
#define LEAVE_END(t, tail) d_step { RUN(t) -> tb_active[tb] = 0; tail }
#else
#define LEAVE_END(t, tail) d_step { RUN(t) -> tb_active[tb] = 0 }; \
	d_step { RUN(t) -> assert(preempt_##t > 0); preempt_##t--; tail }
#endif
#define LEAVE(t, tail) \
	d_step { RUN(t) -> assert(depth_##t >= 1); assert(PINNED(t)); tb = cpu_##t }; \
	if \
	:: d_step { RUN(t) && batch[tb] != 0 -> skip }; \
	   d_step { RUN(t) -> FLUSH_PENDING(cpu_##t) } \
	:: d_step { RUN(t) && batch[tb] == 0 -> skip } \
	fi; \
	LEAVE_END(t, tail)

/* arch_enter_lazy_mmu_mode(): (v6.15) preempt_disable, then this_cpu_ptr, active = 1.
 * The call itself (the ghost's depth) is part of the first step. */
#ifdef V614
#define ENTER(t) \
	d_step { RUN(t) -> assert(depth_##t == 0); depth_##t = 1; assert(PINNED(t)); tb = cpu_##t }; \
	d_step { RUN(t) -> tb_active[tb] = 1; tb = 0 }
#else
#define ENTER(t) \
	d_step { RUN(t) -> assert(depth_##t == 0); preempt_##t++; depth_##t = 1 }; \
	d_step { RUN(t) -> assert(PINNED(t)); tb = cpu_##t }; \
	d_step { RUN(t) -> tb_active[tb] = 1; tb = 0 }
#endif

active proctype A() {   /* apply_to_pte_range(&init_mm, ...) */
	byte tb = 0, orig = 0;
	ENTER(A);
	d_step { RUN(A) -> orig = pte_k0; pte_k0 = 1; int_k0 = 1; region_A = region_A | K0 };
	d_step { RUN(A) -> orig = 0 };                       /* tlb_batch_add_one: init_mm */
	d_step { RUN(A) -> orig = pte_k1; pte_k1 = 1; int_k1 = 1; region_A = region_A | K1 };
	d_step { RUN(A) -> orig = 0 };
	/* leave returns (effective-at-leave, ghost), then apply_to_pte_range returns and A
	 * finishes (pairing) */
	LEAVE(A, assert(EFF_K(k0) && EFF_K(k1)); depth_A = 0; region_A = 0; tb = 0;
		assert(depth_A == 0); st_A = ZOMBIE)
}

active proctype B() {   /* wp_page_copy(): set_pte_at() under the PTL, outside any region */
	byte orig = 0;
	d_step { RUN(B) && lock_user2 == 0 -> preempt_B++; lock_user2 = OWNER_B };
	d_step { RUN(B) -> int_u8 = 2; SET_USER(u8, U8, 2) };
	d_step { RUN(B) -> BATCH_ADD_USER(cpu_B, U8, 2);
		assert(depth_B != 0 || EFF_U(u8, U8)) };            /* immediate-outside */
	d_step { RUN(B) -> assert(lock_user2 == OWNER_B); lock_user2 = 0;
		assert(preempt_B > 0); preempt_B--;
		assert(depth_B == 0); st_B = ZOMBIE }
}

#ifndef NO_C
active proctype C() {   /* zap_pte_range(): a region of pte_clear() under the PTL */
	byte tb = 0, orig = 0;
	d_step { RUN(C) && lock_user == 0 -> preempt_C++; lock_user = OWNER_C };
	ENTER(C);
	d_step { RUN(C) -> skip };                           /* ptep_get(user:0) */
	d_step { RUN(C) -> int_u0 = 0; region_C = region_C | U0; SET_USER(u0, U0, 0) };
	d_step { RUN(C) -> BATCH_ADD_USER(cpu_C, U0, 0) };
	d_step { RUN(C) -> skip };                           /* ptep_get(user:1) */
	d_step { RUN(C) -> int_u1 = 0; region_C = region_C | U1; SET_USER(u1, U1, 0) };
	d_step { RUN(C) -> BATCH_ADD_USER(cpu_C, U1, 0) };
	LEAVE(C, assert(EFF_U(u0, U0) && EFF_U(u1, U1)); depth_C = 0; region_C = 0; tb = 0);
	d_step { RUN(C) -> assert(lock_user == OWNER_C); lock_user = 0;
		assert(preempt_C > 0); preempt_C--;
		assert(depth_C == 0); st_C = ZOMBIE }
}
#endif

/* kfence_unprotect() on CPU c: arrives (interrupts on, bound 1), set_pte_at(kernel:4, 1)
 * in two steps, flush_tlb_range() (a no-op step) and the return from the interrupt. */
#define IRQ(c) \
active proctype kfence##c() { \
	byte orig = 0; \
	d_step { irqs_en[c] && !irq_on[c] && !fired[c] -> fired[c] = 1; irqs_en[c] = 0; irq_on[c] = 1 }; \
	d_step { int_k4 = 1; orig = pte_k4; pte_k4 = 1 }; \
	d_step { orig = 0; assert(EFF_K(k4)) }; \
	d_step { irq_on[c] = 0; irqs_en[c] = 1 } \
}
IRQ(0)
IRQ(1)
#if NCPU > 2
IRQ(2)
#endif

#ifdef NO_C
#define BUSY_C(c) 0
#else
#define BUSY_C(c) ((st_C == RUNNING || st_C == ZOMBIE) && cpu_C == c)
#endif
#define BUSY(t, c) ((st_##t == RUNNING || st_##t == ZOMBIE) && cpu_##t == c)
#define IDLE(c) (!BUSY(A, c) && !BUSY(B, c) && !BUSY_C(c) && !irq_on[c])

/* preemption: preempt_count zero, interrupts on, no handler on the CPU */
#define PREEMPT(t) :: d_step { st_##t == RUNNING && preempt_##t == 0 && irqs_en[cpu_##t] && !irq_on[cpu_##t] -> st_##t = RUNNABLE }
/* do_task_dead(): a finished task leaves its CPU */
#define EXIT(t)    :: d_step { st_##t == ZOMBIE && !irq_on[cpu_##t] -> st_##t = DONE }
/* an idle CPU switches in a runnable task of its runqueue */
#define SWITCHIN(t) :: d_step { st_##t == RUNNABLE && IDLE(cpu_##t) -> st_##t = RUNNING }
/* a runnable task moves to another CPU's runqueue */
#define MIGRATE(t, c) :: d_step { st_##t == RUNNABLE && cpu_##t != c -> cpu_##t = c }

#if NCPU > 2
#define MIGRATIONS(t) MIGRATE(t, 0) MIGRATE(t, 1) MIGRATE(t, 2)
#else
#define MIGRATIONS(t) MIGRATE(t, 0) MIGRATE(t, 1)
#endif

/* Declared last and never ending, so that no other process is ever removed (a removal
 * would be a transition lazymmu does not have). */
active proctype sched() {
end:	do
	PREEMPT(A) PREEMPT(B)
	EXIT(A) EXIT(B)
	SWITCHIN(A) SWITCHIN(B)
	MIGRATIONS(A) MIGRATIONS(B)
#ifndef NO_C
	PREEMPT(C) EXIT(C) SWITCHIN(C) MIGRATIONS(C)
#endif
	od
}
