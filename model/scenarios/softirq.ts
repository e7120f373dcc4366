// Bottom halves and softirqs against lazy MMU mode. in_interrupt() is true in a hardirq, in
// a softirq (on interrupt exit, from local_bh_enable(), in ksoftirqd) and in a task that has
// bottom halves disabled; v7.0's generic layer (9273dfaeaca8), arm64 from b81c688426a9 and
// Xen PV's xen_get_lazy_mode() all read it. So a v7.0 lazy_mmu_mode_enable() or disable()
// made under local_bh_disable()/spin_lock_bh() is ignored: the question is whether the
// counts stay balanced when only one of the pair is ignored.
//
// Sources: include/linux/pgtable.h (v7.0 lazy_mmu_mode_*(): `if (in_interrupt()) return;`,
// 9273dfaeaca8, checked against the posted series); include/linux/preempt.h (in_interrupt()
// = irq_count(), softirq_count()); kernel/softirq.c (invoke_softirq(), handle_softirqs(),
// run_ksoftirqd(), __local_bh_disable_ip()/__local_bh_enable_ip() for RT and !RT);
// mm/page_alloc.c with DEBUG_PAGEALLOC (__kernel_map_pages() on free, which a softirq or a
// BH-disabled section may reach: network receive frees pages from NET_RX softirq);
// mm/kfence/core.c (kfence_unprotect() from a hardirq allocation).
//
// Departures: the page free is reduced to DEBUG_PAGEALLOC's lazy MMU calls and its one PTE
// write; `sk_lock` stands for any spinlock taken with spin_lock_bh() (the socket's
// bh_lock_sock() is one). The two straddling scenarios are caller patterns no mainline
// caller is known to have: they answer the maintainer's question, not a bug report, and
// say so in their summaries. On PREEMPT_RT softirqs run only in ksoftirqd here (the
// local_bh_enable() that runs them in the caller's own context is not modelled).

import type { Existed } from "../arch/types";
import {
  local_bh_disable,
  local_bh_enable,
  servingSoftirq,
  spin_lock_bh,
  spin_unlock_bh,
} from "../kernel/bottom-half";
import { LAZY_MMU_MODE_LINES_AT, lazyMmuModeProcs } from "../kernel/lazy-mmu-mode";
import { ptlOf } from "../kernel/primitives";
import { call, forwardArgs, type Proc, proc } from "../kernel/program";
import type { Addr, PteVal } from "../kernel/state";
import {
  ENTER,
  kfenceSetMemoryValid,
  kfenceUnprotect,
  LEAVE,
  pteClear,
  setPte,
  underPtl,
  zapPteRange,
} from "./callers";
import type { Scenario } from "./types";
import { disable, enable, lazyMmuRegion } from "./v7";

const V7: Existed = {
  since: "v7.0",
  why: "the lazy_mmu_mode_*() API and its in_interrupt() bail-out exist from v7.0 (9273dfaeaca8)",
};

/** __kernel_map_pages() under DEBUG_PAGEALLOC on a page free: a region over one kernel PTE. */
function debugPageallocFree(name: string, addr: Addr, value: PteVal): Proc {
  return proc(name, lazyMmuRegion([setPte(addr, value)]));
}

/** zap_pte_range() on v7.0: under the PTL, a region clearing user PTEs. */
function zapV7(name: string, addrs: readonly Addr[]): Proc {
  return proc(name, underPtl("zap_pte_range", ptlOf("user"), lazyMmuRegion(addrs.map(pteClear))));
}

/** ksoftirqd/N: run_ksoftirqd() serving the pending softirq, which frees a page. */
function ksoftirqd(name: string, handler: string): Proc {
  return proc(name, servingSoftirq([call(handler, forwardArgs)]));
}

const BH_LOCK = "sk_lock";

export const v7BhRegion: Scenario = {
  id: "v7-bh-region",
  linesAt: LAZY_MMU_MODE_LINES_AT,
  summary:
    "task A zaps user PTEs in a v7.0 region, then frees a page under spin_lock_bh(): DEBUG_PAGEALLOC's enable/disable both run with bottom halves off, so both are ignored; a NET_RX-like softirq frees a page too (ksoftirqd under PREEMPT_RT)",
  source:
    "9273dfaeaca8 (in_interrupt() bail-out); include/linux/preempt.h in_interrupt(); mm/page_alloc.c DEBUG_PAGEALLOC __kernel_map_pages(); kernel/softirq.c",
  api: "lazy-mmu-mode",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "task_A" },
    { id: "ksoftirqd/1", cpu: 1, entry: "run_ksoftirqd", pinned: true },
  ],
  irqs: [{ id: "net_rx", kind: "softirq", handler: "net_rx_free", bound: 1, cpus: [0] }],
  ptes: { "user:0": 1, "user:1": 1 },
  genericProcs: lazyMmuModeProcs,
  procs: [
    proc("task_A", [
      call("zap_pte_range", forwardArgs),
      ...spin_lock_bh("skb_free_under_bh", BH_LOCK),
      call("__kernel_map_pages", forwardArgs),
      ...spin_unlock_bh("skb_free_under_bh", BH_LOCK),
    ]),
    zapV7("zap_pte_range", ["user:0", "user:1"]),
    debugPageallocFree("__kernel_map_pages", "kernel:4", 1),
    debugPageallocFree("net_rx_free", "kernel:5", 1),
    ksoftirqd("run_ksoftirqd", "ksoftirqd_free"),
    debugPageallocFree("ksoftirqd_free", "kernel:6", 1),
  ],
  preemption: ["none", "full", "rt"],
  existed: V7,
};

export const v7BhStraddleDisable: Scenario = {
  id: "v7-bh-straddle-disable",
  linesAt: LAZY_MMU_MODE_LINES_AT,
  summary:
    "caller pattern (no mainline caller known): task A enables the mode, writes a kernel PTE, disables bottom halves, writes another and calls lazy_mmu_mode_disable() there, then re-enables bottom halves: the disable is ignored and enable_count stays 1",
  source: "9273dfaeaca8 (the API has no effect where in_interrupt(): under local_bh_disable() too)",
  api: "lazy-mmu-mode",
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "task_A" }],
  irqs: [],
  ptes: {},
  genericProcs: lazyMmuModeProcs,
  procs: [
    proc("task_A", [
      enable(),
      setPte("kernel:0", 1),
      local_bh_disable("task_A"),
      setPte("kernel:1", 1),
      disable(),
      local_bh_enable("task_A"),
    ]),
  ],
  preemption: ["none", "full", "rt"],
  existed: V7,
};

export const v7BhStraddleEnable: Scenario = {
  id: "v7-bh-straddle-enable",
  linesAt: LAZY_MMU_MODE_LINES_AT,
  summary:
    "caller pattern (no mainline caller known): task A calls lazy_mmu_mode_enable() with bottom halves disabled (ignored), re-enables them, writes a kernel PTE and calls lazy_mmu_mode_disable(): the disable finds enable_count 0",
  source:
    "9273dfaeaca8; 5ab246749569 (VM_WARN_ON_ONCE(enable_count == 0) in lazy_mmu_mode_disable())",
  api: "lazy-mmu-mode",
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "task_A" }],
  irqs: [],
  ptes: {},
  genericProcs: lazyMmuModeProcs,
  procs: [
    proc("task_A", [
      local_bh_disable("task_A"),
      enable(),
      local_bh_enable("task_A"),
      setPte("kernel:0", 1),
      disable(),
    ]),
  ],
  preemption: ["none", "full", "rt"],
  existed: V7,
};

export const v7SoftirqInRegion: Scenario = {
  id: "v7-softirq-in-region",
  linesAt: LAZY_MMU_MODE_LINES_AT,
  summary:
    "a softirq frees a page (DEBUG_PAGEALLOC enable/set_pte/disable, all ignored) on interrupt exit inside or outside task A's zap_pte_range() region on CPU 0, and a KFENCE hardirq may land on top of that softirq; under PREEMPT_RT ksoftirqd/0 does the free, preemptible, beside A",
  source:
    "kernel/softirq.c (invoke_softirq(), handle_softirqs() runs with interrupts on; RT: ksoftirqd); 9273dfaeaca8; mm/kfence/core.c kfence_unprotect()",
  api: "lazy-mmu-mode",
  cpus: 1,
  tasks: [
    { id: "A", cpu: 0, entry: "zap_pte_range" },
    { id: "ksoftirqd/0", cpu: 0, entry: "run_ksoftirqd", pinned: true },
  ],
  irqs: [
    { id: "net_rx", kind: "softirq", handler: "net_rx_free", bound: 1 },
    { id: "kfence", handler: "kfence_unprotect", bound: 1 },
  ],
  ptes: { "user:0": 1, "user:1": 1 },
  genericProcs: lazyMmuModeProcs,
  procs: [
    zapV7("zap_pte_range", ["user:0", "user:1"]),
    debugPageallocFree("net_rx_free", "kernel:5", 1),
    ksoftirqd("run_ksoftirqd", "ksoftirqd_free"),
    debugPageallocFree("ksoftirqd_free", "kernel:6", 1),
    kfenceUnprotect("kfence_unprotect", "kernel:4", 1),
  ],
  preemption: ["none", "full", "rt"],
  existed: V7,
};

export const bhStraddleLeave: Scenario = {
  id: "bh-straddle-leave",
  summary:
    "caller pattern (no mainline caller known), arch hooks: task A enters lazy MMU mode, maps a kernel PTE, disables bottom halves and leaves the mode there, re-enables them and maps another kernel PTE; on arm64 from b81c688426a9 that leave returns at once (in_interrupt()), so the mode stays on",
  source:
    "arch/arm64/include/asm/pgtable.h (b81c688426a9: arch_*_lazy_mmu_mode() return when in_interrupt()); include/linux/preempt.h",
  cpus: 1,
  tasks: [{ id: "A", cpu: 0, entry: "task_A" }],
  irqs: [],
  ptes: {},
  procs: [
    proc("task_A", [
      call(ENTER, {}),
      setPte("kernel:0", 1),
      local_bh_disable("task_A"),
      call(LEAVE, {}),
      local_bh_enable("task_A"),
      setPte("kernel:1", 1),
    ]),
  ],
  preemption: ["none", "full", "rt"],
  existed: {
    until: "v7.0",
    why: "callers call the arch hooks directly up to v6.19; in_interrupt() in arm64's hooks from b81c688426a9 (v6.16)",
  },
};

export const softirqInRegion: Scenario = {
  id: "softirq-in-region",
  summary:
    "arch hooks: a softirq makes a kernel page valid through apply_to_page_range() (its own enter/leave) on interrupt exit inside or outside task A's zap_pte_range() region, and a KFENCE hardirq may land on top of that softirq; under PREEMPT_RT ksoftirqd/0 does it, preemptible",
  source:
    "kernel/softirq.c (invoke_softirq(), handle_softirqs(); RT: ksoftirqd); arch/arm64/mm/pageattr.c __change_memory_common(); mm/kfence/core.c",
  cpus: 1,
  tasks: [
    { id: "A", cpu: 0, entry: "zap_pte_range" },
    { id: "ksoftirqd/0", cpu: 0, entry: "run_ksoftirqd", pinned: true },
  ],
  irqs: [
    { id: "net_rx", kind: "softirq", handler: "set_memory_valid", bound: 1 },
    { id: "kfence", handler: "kfence_unprotect", bound: 1 },
  ],
  ptes: { "user:0": 1, "user:1": 1 },
  procs: [
    zapPteRange("zap_pte_range", ["user:0", "user:1"]),
    kfenceSetMemoryValid("set_memory_valid", "kernel:5", 1),
    ksoftirqd("run_ksoftirqd", "ksoftirqd_set_memory_valid"),
    kfenceSetMemoryValid("ksoftirqd_set_memory_valid", "kernel:6", 1),
    kfenceUnprotect("kfence_unprotect", "kernel:4", 1),
  ],
  preemption: ["none", "full", "rt"],
  existed: {
    since: "v6.16",
    until: "v7.0",
    archs: ["arm64"],
    why: "arm64's set_memory_valid() -> apply_to_page_range() path with lazy MMU hooks, v6.16 to v6.19 (arch-hooks callers)",
  },
};

export const softirqScenarios: readonly Scenario[] = [
  bhStraddleLeave,
  softirqInRegion,
  v7BhRegion,
  v7BhStraddleDisable,
  v7BhStraddleEnable,
  v7SoftirqInRegion,
];
