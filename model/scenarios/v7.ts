// Callers on the v7.0 API (lazy_mmu_mode_enable/disable/pause/resume), after Kevin
// Brodsky's series (58852f24f956..ee628d9cc8d5) converted core mm: each scenario links the
// v7.0 generic layer (model/kernel/lazy-mmu-mode.ts), which calls the architecture's hooks.
//
// Sources: mm/memory.c (zap_pte_range, apply_to_pte_range), mm/vmalloc.c (vmap_pte_range,
// vunmap_pte_range), mm/madvise.c (madvise_cold_or_pageout_pte_range: leave and unlock
// before cond_resched()), mm/kasan/shadow.c (kasan_populate_vmalloc_pte: pause/resume around
// init_mm's page_table_lock, ptep_get and set_pte_at), mm/page_alloc.c with
// DEBUG_PAGEALLOC (__kernel_map_pages through apply_to_page_range, from allocation and free
// paths, which may run inside a region or in softirq context), mm/tests/lazy_mmu_mode_kunit.c.
//
// Departures: loops are unrolled over one or two PTEs; a DEBUG_PAGEALLOC or KASAN call chain
// is reduced to the lazy MMU calls and PTE accesses it makes.

import { VM_WARN_ON } from "../kernel/context";
import {
  is_lazy_mmu_mode_active,
  LAZY_MMU_MODE_DISABLE,
  LAZY_MMU_MODE_ENABLE,
  LAZY_MMU_MODE_LINES_AT,
  LAZY_MMU_MODE_PAUSE,
  LAZY_MMU_MODE_RESUME,
  lazyMmuModeProcs,
} from "../kernel/lazy-mmu-mode";
import { might_sleep, ptlOf, spin_lock, spin_unlock } from "../kernel/primitives";
import { call, forwardArgs, type Op, type Proc, proc, type Step, step } from "../kernel/program";
import type { Addr, PteVal } from "../kernel/state";
import { CALLERS_AT_V6_19_RC1, KASAN_SHADOW_C, MADVISE_C } from "./caller-lines";
import { pteClear, setPte, underPtl, wpPageCopy } from "./callers";
import type { Scenario } from "./types";

const ALL = ["none", "full", "rt"] as const;

export const enable = (): Op => call(LAZY_MMU_MODE_ENABLE, {});
export const disable = (): Op => call(LAZY_MMU_MODE_DISABLE, {});
export const pause = (): Op => call(LAZY_MMU_MODE_PAUSE, {});
export const resume = (): Op => call(LAZY_MMU_MODE_RESUME, {});

/** `lazy_mmu_mode_enable(); body; lazy_mmu_mode_disable();` */
export function lazyMmuRegion(body: readonly Op[]): Op[] {
  return [enable(), ...body, disable()];
}

/** cond_resched(): a voluntary schedule point; might_sleep() complains in atomic context. */
function cond_resched(fn: string, at: string): Step {
  return might_sleep(fn, "cond_resched()", at);
}

/** __kernel_map_pages() under DEBUG_PAGEALLOC: apply_to_page_range(&init_mm) maps a page. */
function debugPagealloc(name: string, addr: Addr, value: PteVal): Proc {
  return proc(name, lazyMmuRegion([setPte(addr, value)]));
}

/** zap_pte_range() on v7.0: under the PTL, a region clearing PTEs; `middle` runs between. */
function zapPteRangeV7(name: string, addrs: readonly Addr[], middle: readonly Op[] = []): Proc {
  const [first, ...rest] = addrs.map(pteClear);
  return proc(
    name,
    underPtl(
      "zap_pte_range",
      ptlOf("user"),
      lazyMmuRegion([...(first ? [first] : []), ...middle, ...rest]),
    ),
  );
}

export const v7ZapNestedDebugPagealloc: Scenario = {
  id: "v7-zap-nested-debug-pagealloc",
  linesAt: LAZY_MMU_MODE_LINES_AT,
  summary:
    "task A's zap_pte_range() region clears user:0, then a DEBUG_PAGEALLOC-like __kernel_map_pages() nests an enable/disable over init_mm, then clears user:1; task B, queued on the same CPU, changes a PTE of another table",
  source:
    "mm/memory.c: zap_pte_range(); mm/page_alloc.c + DEBUG_PAGEALLOC: __kernel_map_pages(); 5ab246749569",
  api: "lazy-mmu-mode",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "zap_pte_range" },
    { id: "B", cpu: 0, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1, "user:1": 1, "user:8": 1 },
  genericProcs: lazyMmuModeProcs,
  procs: [
    zapPteRangeV7("zap_pte_range", ["user:0", "user:1"], [call("__kernel_map_pages", forwardArgs)]),
    debugPagealloc("__kernel_map_pages", "kernel:4", 1),
    wpPageCopy("wp_page_copy", "user:8", 2, `${ptlOf("user")}#2`),
  ],
  preemption: ALL,
};

export const v7KasanPauseResume: Scenario = {
  id: "v7-kasan-pause-resume",
  linesAt: `${CALLERS_AT_V6_19_RC1}; ${LAZY_MMU_MODE_LINES_AT}`,
  summary:
    "task A populates KASAN vmalloc shadow with apply_to_page_range() on init_mm; its callback pauses the mode, takes init_mm's lock, reads and sets the PTE, resumes; task B changes a user PTE under the PTL on the other CPU",
  source: "mm/kasan/shadow.c: kasan_populate_vmalloc_pte(); mm/memory.c: apply_to_pte_range()",
  api: "lazy-mmu-mode",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "apply_to_pte_range" },
    { id: "B", cpu: 1, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1 },
  genericProcs: lazyMmuModeProcs,
  procs: [
    proc(
      "apply_to_pte_range",
      lazyMmuRegion([
        call("kasan_populate_vmalloc_pte", { addr: "kernel:0", value: 1 }),
        call("kasan_populate_vmalloc_pte", { addr: "kernel:1", value: 1 }),
      ]),
    ),
    proc("kasan_populate_vmalloc_pte", kasanCallbackOps()),
    wpPageCopy("wp_page_copy", "user:0", 2),
  ],
  preemption: ALL,
};

/** kasan_populate_vmalloc_pte(): pause, lock init_mm, read the PTE, set it, unlock, resume. */
function kasanCallbackOps(): Op[] {
  const lock = "init_mm.page_table_lock";
  const at = "mm/kasan/shadow.c (kasan_populate_vmalloc_pte)";
  return [
    pause(),
    spin_lock("kasan_populate_vmalloc_pte", lock, at),
    call("ptep_get", forwardArgs),
    step(
      "kasan_populate_vmalloc_pte",
      "if (likely(pte_none(ptep_get(ptep)))) set_pte_at(&init_mm, addr, ptep, pte)",
      at,
      (d, env) =>
        (d.pte[String(env.args.addr)] ?? 0) === 0
          ? { call: "set_pte_at", args: env.args }
          : undefined,
    ),
    spin_unlock("kasan_populate_vmalloc_pte", lock, KASAN_SHADOW_C.unlock),
    resume(),
  ];
}

export const v7Vmalloc: Scenario = {
  id: "v7-vmalloc",
  linesAt: `${CALLERS_AT_V6_19_RC1}; ${LAZY_MMU_MODE_LINES_AT}`,
  summary:
    "task A maps two kernel PTEs with vmap_pte_range() and unmaps one with vunmap_pte_range() (no lock); task B on the other CPU zaps user PTEs madvise-style, leaving the region and unlocking before cond_resched()",
  source:
    "mm/vmalloc.c: vmap_pte_range(), vunmap_pte_range(); mm/madvise.c: madvise_cold_or_pageout_pte_range()",
  api: "lazy-mmu-mode",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "vmalloc" },
    { id: "B", cpu: 1, entry: "madvise_cold_or_pageout_pte_range" },
  ],
  irqs: [],
  ptes: { "kernel:2": 1, "user:0": 1, "user:1": 1 },
  genericProcs: lazyMmuModeProcs,
  procs: [
    proc("vmalloc", [
      call("vmap_pte_range", forwardArgs),
      ...lazyMmuRegion([pteClear("kernel:2")]), // vunmap_pte_range()
    ]),
    proc("vmap_pte_range", lazyMmuRegion([setPte("kernel:0", 1), setPte("kernel:1", 1)])),
    proc("madvise_cold_or_pageout_pte_range", [
      ...underPtl(
        "madvise_cold_or_pageout_pte_range",
        ptlOf("user"),
        lazyMmuRegion([pteClear("user:0")]),
        { unlock: MADVISE_C.reschedUnlock },
      ),
      cond_resched("madvise_cold_or_pageout_pte_range", MADVISE_C.reschedCondResched),
      ...underPtl(
        "madvise_cold_or_pageout_pte_range",
        ptlOf("user"),
        lazyMmuRegion([pteClear("user:1")]),
        { unlock: MADVISE_C.endUnlock },
      ),
    ]),
  ],
  preemption: ALL,
};

export const v7IrqApi: Scenario = {
  id: "v7-irq-api",
  linesAt: LAZY_MMU_MODE_LINES_AT,
  summary:
    "an interrupt on either CPU maps a kernel page through lazy_mmu_mode_enable()/disable() (DEBUG_PAGEALLOC from softirq), inside or outside task A's zap_pte_range() region",
  source: "9273dfaeaca8 (the API has no effect in interrupt context); mm/memory.c: zap_pte_range()",
  api: "lazy-mmu-mode",
  cpus: 2,
  tasks: [{ id: "A", cpu: 0, entry: "zap_pte_range" }],
  irqs: [{ id: "pagealloc", handler: "__kernel_map_pages", bound: 1 }],
  ptes: { "user:0": 1, "user:1": 1 },
  genericProcs: lazyMmuModeProcs,
  procs: [
    zapPteRangeV7("zap_pte_range", ["user:0", "user:1"]),
    debugPagealloc("__kernel_map_pages", "kernel:4", 1),
  ],
  preemption: ALL,
};

export const v7ApplyToPteRangeInitMm: Scenario = {
  id: "v7-apply-to-pte-range-init-mm",
  linesAt: LAZY_MMU_MODE_LINES_AT,
  summary:
    "apply-to-pte-range-init-mm with lazy_mmu_mode_enable()/disable(): task A maps kernel PTEs (no lock) while task B changes a user PTE under the PTL on the other CPU",
  source: "mm/memory.c: apply_to_pte_range() (38e0edb15bd0, converted by the v7.0 series)",
  api: "lazy-mmu-mode",
  cpus: 2,
  tasks: [
    { id: "A", cpu: 0, entry: "apply_to_pte_range" },
    { id: "B", cpu: 1, entry: "wp_page_copy" },
  ],
  irqs: [],
  ptes: { "user:0": 1 },
  genericProcs: lazyMmuModeProcs,
  procs: [
    proc("apply_to_pte_range", lazyMmuRegion([setPte("kernel:0", 1), setPte("kernel:1", 1)])),
    wpPageCopy("wp_page_copy", "user:0", 2),
  ],
  preemption: ALL,
};

/**
 * The lines of lazy_mmu_mode_active()'s expect_active(test) / expect_not_active(test) calls,
 * probe 0 first, in mm/tests/lazy_mmu_mode_kunit.c at torvalds/linux 42d3b66d4cdb (the
 * stored copy, counted; it has `MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");` at line 5,
 * which the file as posted in the series' v6 14/14 did not).
 */
const KUNIT_PROBE_LINES = [19, 22, 27, 30, 36, 41, 44, 47, 50, 54, 58] as const;
const KUNIT_LINES_AT = "mm/tests/lazy_mmu_mode_kunit.c at torvalds/linux 42d3b66d4cdb";

/** KUNIT_EXPECT_TRUE/FALSE(test, is_lazy_mmu_mode_active()), recorded in the task's flags. */
function expectActive(n: number, want: boolean): Step {
  const line = KUNIT_PROBE_LINES[n];
  if (line === undefined) throw new Error(`model error: no line for KUnit probe ${n}`);
  return step(
    "lazy_mmu_mode_active",
    `KUNIT_EXPECT_${want ? "TRUE" : "FALSE"}(test, is_lazy_mmu_mode_active())`,
    `mm/tests/lazy_mmu_mode_kunit.c:${line}`,
    (d, env) => {
      const got = is_lazy_mmu_mode_active(d, env);
      if (env.self.kind === "task") {
        const id = env.self.id;
        const t = d.tasks.find((x) => x.id === id);
        if (t) (t.flags as Record<string, boolean>)[`kunit.${n}`] = got;
      }
      VM_WARN_ON(
        env,
        got !== want,
        `KUNIT expectation ${n} failed: is_lazy_mmu_mode_active() is ${got}, expected ${want}`,
      );
    },
  );
}

/** The KUnit test's call sequence and the value each probe expects (ee628d9cc8d5). */
export const KUNIT_SEQUENCE: readonly (readonly [string, boolean])[] = [
  [LAZY_MMU_MODE_ENABLE, true],
  [LAZY_MMU_MODE_ENABLE, true],
  [LAZY_MMU_MODE_DISABLE, true],
  [LAZY_MMU_MODE_PAUSE, false],
  [LAZY_MMU_MODE_ENABLE, false],
  [LAZY_MMU_MODE_DISABLE, false],
  [LAZY_MMU_MODE_PAUSE, false],
  [LAZY_MMU_MODE_RESUME, false],
  [LAZY_MMU_MODE_RESUME, true],
  [LAZY_MMU_MODE_DISABLE, false],
];

export const v7Kunit: Scenario = {
  id: "v7-kunit-lazy-mmu-mode",
  linesAt: `${KUNIT_LINES_AT}; ${LAZY_MMU_MODE_LINES_AT}`,
  summary:
    "The KUnit test of ee628d9cc8d5: enable, enable, disable, pause, [enable, disable, pause, resume], resume, disable, with is_lazy_mmu_mode_active() checked after each call",
  source: "mm/tests/lazy_mmu_mode_kunit.c (ee628d9cc8d5)",
  api: "lazy-mmu-mode",
  cpus: 2,
  tasks: [{ id: "kunit", cpu: 0, entry: "lazy_mmu_mode_active" }],
  irqs: [],
  ptes: {},
  genericProcs: lazyMmuModeProcs,
  procs: [
    proc("lazy_mmu_mode_active", [
      expectActive(0, false),
      ...KUNIT_SEQUENCE.flatMap(([fn, want], i): Op[] => [call(fn, {}), expectActive(i + 1, want)]),
    ]),
  ],
  preemption: ["none"],
};

export const v7Scenarios: readonly Scenario[] = [
  v7ZapNestedDebugPagealloc,
  v7KasanPauseResume,
  v7Vmalloc,
  v7IrqApi,
  v7ApplyToPteRangeInitMm,
];

export const v7ExtraScenarios: readonly Scenario[] = [v7Kunit];
