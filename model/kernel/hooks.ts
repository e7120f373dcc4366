// The names of the architecture's lazy MMU hooks, written once: every architecture model
// defines procedures by these names, the generic layer (lazy-mmu-mode.ts) and the callers
// call them, and the checker recognises a region's enter and leave by them.
// Source: include/linux/pgtable.h (the #ifndef __HAVE_ARCH_ENTER_LAZY_MMU_MODE fallbacks).

/** arch_enter_lazy_mmu_mode(): opens a region in which PTE updates may be deferred. */
export const ENTER = "arch_enter_lazy_mmu_mode";
/** arch_leave_lazy_mmu_mode(): closes it; every deferred update is then in effect. */
export const LEAVE = "arch_leave_lazy_mmu_mode";
/** arch_flush_lazy_mmu_mode(): makes the deferred updates take effect, staying in the mode. */
export const FLUSH = "arch_flush_lazy_mmu_mode";

export type Hook = typeof ENTER | typeof LEAVE | typeof FLUSH;

/** The hooks every model must define; arch_flush_lazy_mmu_mode() is optional (a no-op). */
export const REQUIRED_HOOKS = [ENTER, LEAVE] as const;
