// What the MMU sees: PTE values in memory, translations a CPU may still hold after the
// PTE changed, and stores the hardware walker may not see until a barrier. The
// architecture models call these helpers; the rules ask `isEffective` and read the TLB
// state.
//
// A stale translation is owed by one of two parties, and the state says which:
//  - `hw.stale`: the architecture's own PTE path owes it (sparc64's tlb_batch of TSB/TLB
//    flushes, powerpc hash's ppc64_tlb_batch of hash-table invalidations): batched while
//    lazy, done by leave. `isEffective` counts it: lazy MMU mode is what may delay it.
//  - `hw.tlb`: the caller owes it, on architectures whose PTE store invalidates nothing
//    (x86 native and Xen PV, arm64, the generic model): flush_tlb_range() and friends, or
//    the mmu_gather flush (tlb_finish_mmu() -> tlb_flush()), after the region. Lazy MMU
//    mode does not owe it, so `isEffective` does not count it; what the implementation
//    must not do is let such a flush take effect before an update made before it that it
//    is still holding back (Xen PV's multicall buffer, where the flush ops are queued in
//    order with the updates; arm64's unpublished kernel stores). `hw.overtaken` records
//    each address where that happened.

import type { Draft } from "immer";
import type { StepEnv } from "./program";
import type { Addr, Kernel, PteVal } from "./state";

/** The store into the page table in memory. */
export function storePte(d: Draft<Kernel>, _env: StepEnv, addr: Addr, value: PteVal): void {
  (d.pte as Record<Addr, PteVal>)[addr] = value;
}

function addToSet(xs: Addr[], addr: Addr): void {
  if (!xs.includes(addr)) {
    xs.push(addr);
    xs.sort();
  }
}

/**
 * A PTE in memory changed from `old` to `value` on an architecture whose store invalidates
 * nothing: a CPU may still hold the old translation until a TLB flush of the address
 * (none was cached for a pte_none entry).
 */
export function tlbKeepsOld(d: Draft<Kernel>, addr: Addr, old: PteVal, value: PteVal): void {
  if (old !== 0 && old !== value) addToSet(d.hw.tlb, addr);
}

/**
 * The store into memory on such an architecture: `storePte`, and the old translation stays
 * in the TLBs until the caller's flush (x86 native and Xen PV, arm64, generic).
 */
export function storePteTlbOwed(d: Draft<Kernel>, env: StepEnv, addr: Addr, value: PteVal): void {
  const old = d.pte[addr] ?? 0;
  storePte(d, env, addr, value);
  tlbKeepsOld(d, addr, old, value);
}

/**
 * A TLB invalidation of `addr` takes effect on every CPU (INVLPG and its IPIs, TLBI ...IS,
 * MMUEXT_INVLPG_MULTI; the model does not tell CPUs' TLBs apart). An update of `addr` still
 * held back at that moment is overtaken: one still queued on a CPU's multicall buffer
 * (except the entries of `queuedAfter`, a buffer being issued in order, whose remaining
 * entries come after the flush), or a store the walker does not see yet (`hw.unsynced`),
 * after which the walker may load the old entry again, so the translation stays stale.
 */
export function flushTlbAddr(d: Draft<Kernel>, addr: Addr, queuedAfter?: number): void {
  const queuedBefore = d.cpus.some(
    (c) => c.id !== queuedAfter && c.queued.some((u) => u.op === undefined && u.addr === addr),
  );
  const suffix = `|${addr}`;
  const unpublished = d.hw.unsynced.some((k) => k.endsWith(suffix));
  if (queuedBefore || unpublished) addToSet(d.hw.overtaken, addr);
  if (unpublished) return;
  const i = d.hw.tlb.indexOf(addr);
  if (i >= 0) d.hw.tlb.splice(i, 1);
}

/** No CPU may hold a translation of `addr` older than its PTE, as far as a TLB flush goes. */
export function tlbFlushed(s: Kernel, addr: Addr): boolean {
  return !s.hw.tlb.includes(addr);
}

/** The old translation of `addr` may still be cached until the architecture flushes it. */
export function markStale(d: Draft<Kernel>, addr: Addr): void {
  addToSet(d.hw.stale, addr);
}

/** The architecture invalidated the old translation of `addr` (TLB/TSB/hash flush). */
export function invalidate(d: Draft<Kernel>, addr: Addr): void {
  const i = d.hw.stale.indexOf(addr);
  if (i >= 0) d.hw.stale.splice(i, 1);
}

/** An entry of `hw.unsynced`: `<cpu>|<addr>`, so that the list sorts by CPU. */
export function unsyncedKey(cpu: number, addr: Addr): string {
  return `${cpu}|${addr}`;
}

/** The CPU and address of an `hw.unsynced` entry: the one reader of what unsyncedKey writes. */
export function unsyncedEntry(key: string): { readonly cpu: number; readonly addr: Addr } {
  const bar = key.indexOf("|");
  return { cpu: Number(key.slice(0, bar)), addr: key.slice(bar + 1) };
}

/** A store on `cpu` that the table walker sees only after that CPU's `dsb`. */
export function markUnsynced(d: Draft<Kernel>, cpu: number, addr: Addr): void {
  const key = unsyncedKey(cpu, addr);
  if (!d.hw.unsynced.includes(key)) {
    d.hw.unsynced.push(key);
    d.hw.unsynced.sort();
  }
}

/** `dsb(ishst)` on `cpu`: its earlier page-table stores are visible to the walker. */
export function dsb(d: Draft<Kernel>, cpu: number): void {
  const prefix = `${cpu}|`;
  const keep = d.hw.unsynced.filter((k) => !k.startsWith(prefix));
  if (keep.length !== d.hw.unsynced.length) d.hw.unsynced = keep;
}

/**
 * Is the latest PTE change at `addr` in effect: in memory, seen by the walker, and no CPU
 * holding a stale translation of it?
 */
export function isEffective(s: Kernel, addr: Addr): boolean {
  if ((s.pte[addr] ?? 0) !== (s.intended[addr] ?? 0)) return false;
  if (s.hw.stale.includes(addr)) return false;
  const suffix = `|${addr}`;
  return !s.hw.unsynced.some((k) => k.endsWith(suffix));
}

/**
 * A PTE update queued on `cpu` for the hypervisor (Xen PV multicall buffer): memory keeps
 * its old value until the buffer is issued.
 */
export function queueUpdate(d: Draft<Kernel>, cpu: number, addr: Addr, value: PteVal): void {
  const c = d.cpus[cpu];
  if (!c) throw new Error(`model error: no CPU ${cpu}`);
  c.queued.push({ addr, value });
}

/**
 * A TLB-flush op for `addr` queued on `cpu` behind the updates already there (Xen PV:
 * xen_mc_entry(); MULTI_mmuext_op(MMUEXT_INVLPG_*)): it takes effect when issued, in order.
 */
export function queueTlbFlush(d: Draft<Kernel>, cpu: number, addr: Addr): void {
  const c = d.cpus[cpu];
  if (!c) throw new Error(`model error: no CPU ${cpu}`);
  c.queued.push({ addr, value: 0, op: "tlb-flush" });
}

/**
 * The hypervisor runs `cpu`'s queued entries, in order: an update is now a store in memory
 * (Xen's mmu_update invalidates none of the guest's TLB entries: the old translation stays
 * until a flush op), a flush op invalidates its address. Returns how many ran.
 */
export function issueQueued(d: Draft<Kernel>, cpu: number): number {
  const c = d.cpus[cpu];
  if (!c) throw new Error(`model error: no CPU ${cpu}`);
  const n = c.queued.length;
  if (n === 0) return 0;
  for (const u of c.queued) {
    if (u.op === "tlb-flush") {
      flushTlbAddr(d, u.addr, cpu);
      continue;
    }
    const old = d.pte[u.addr] ?? 0;
    (d.pte as Record<Addr, PteVal>)[u.addr] = u.value;
    tlbKeepsOld(d, u.addr, old, u.value);
  }
  c.queued = [];
  return n;
}
