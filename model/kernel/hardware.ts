// What the MMU sees: PTE values in memory, translations a CPU may still hold after the
// PTE changed (stale TLB, TSB or hash entries that an architecture owes an invalidation
// for), and stores the hardware walker may not see until a barrier. The architecture
// models call these helpers; the rules ask `isEffective`.

import type { Draft } from "immer";
import type { StepEnv } from "./program";
import type { Addr, Kernel, PteVal } from "./state";

/** The store into the page table in memory. */
export function storePte(d: Draft<Kernel>, _env: StepEnv, addr: Addr, value: PteVal): void {
  (d.pte as Record<Addr, PteVal>)[addr] = value;
}

/** The old translation of `addr` may still be cached until the architecture flushes it. */
export function markStale(d: Draft<Kernel>, addr: Addr): void {
  if (!d.hw.stale.includes(addr)) {
    d.hw.stale.push(addr);
    d.hw.stale.sort();
  }
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

/** The hypervisor runs `cpu`'s queued updates, in order: each is now a store in memory. */
export function issueQueued(d: Draft<Kernel>, cpu: number): number {
  const c = d.cpus[cpu];
  if (!c) throw new Error(`model error: no CPU ${cpu}`);
  const n = c.queued.length;
  if (n === 0) return 0;
  for (const u of c.queued) (d.pte as Record<Addr, PteVal>)[u.addr] = u.value;
  c.queued = [];
  return n;
}
