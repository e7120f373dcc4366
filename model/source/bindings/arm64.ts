// arm64: what is bound rather than read when deriving a model from a tree. The barriers end
// the code path: dsb() makes this CPU's page-table stores visible to the table walker; isb()
// is not modelled (see model/arch/arm64.ts). A store of a valid kernel PTE is not seen by the
// walker until this CPU's next dsb. Everything else (queue_pte_barriers(), emit_pte_barriers(),
// the lazy hooks, __set_pte(), set_ptes()) is read from the tree.
// Sources: arch/arm64/include/asm/barrier.h (dsb, isb), arch/arm64/include/asm/pgtable.h.

import { flush_tlb_range } from "../../arch/arm64";
import { dsb, flushTlbAddr, markUnsynced, storePteTlbOwed } from "../../kernel/hardware";
import { mmOf } from "../../kernel/state";
import { type ArchSource, type Binding, LAZY_MMU_HEADERS } from "./types";

export const arm64Source: ArchSource = {
  arch: "arm64",
  srcarch: "arm64",
  roots: ["include/linux/pgtable.h", "arch/arm64/kernel/process.c"],
  // Built with CONFIG_ARM64_CONTPTE: the helpers behind the contpte wrappers of pgtable.h.
  optionalRoots: ["arch/arm64/mm/contpte.c"],
  headers: LAZY_MMU_HEADERS,
  predefined: ["__KERNEL__", "__aarch64__"],
  config: {
    CONFIG_ARM64: "y",
    CONFIG_SMP: "y",
    CONFIG_ARCH_HAS_LAZY_MMU_MODE: "y",
    CONFIG_MMU: "y",
    CONFIG_64BIT: "y",
    CONFIG_PGTABLE_LEVELS: "4",
    // arch/arm64/Kconfig: ARM64_CONTPTE is `default y` (depends on TRANSPARENT_HUGEPAGE)
    // from its introduction (v6.9): a real arm64 kernel's set_ptes() and pte_clear() are the
    // contpte wrappers.
    CONFIG_TRANSPARENT_HUGEPAGE: "y",
    CONFIG_ARM64_CONTPTE: "y",
  },
  bindings: [
    {
      name: "dsb",
      does: "this CPU's earlier page-table stores are visible to the table walker",
      use: () => (r) => {
        dsb(r.d, r.env.cpu);
        return 0;
      },
    },
    { name: "isb", does: "nothing (the isb is not modelled)", use: () => () => 0 },
    {
      name: "__flush_tlb_range",
      does: "dsb(ishst), then the broadcast TLBI of the range from start: its old translations are gone on every CPU",
      use: (args) => {
        const start = args[1]?.value();
        return (r) => {
          dsb(r.d, r.env.cpu);
          const a = start?.(r);
          if (typeof a === "string") flushTlbAddr(r.d, a);
          return 0;
        };
      },
    },
    // contpte.c's folding checks (reached only for a block whose last entry is written,
    // which no model address is): include/linux/mm.h and efi.h, not read.
    {
      name: "mm_is_efi",
      does: "0: the model has no EFI runtime mm",
      use: () => () => 0,
    },
    {
      name: "page_folio",
      does: "0: folios are not modelled (contpte.c's folding check, not reached)",
      use: () => () => 0,
    },
    {
      // arch/arm64/mm/mmu.c (not read): set_pmd()/set_pud() call it for an entry of
      // swapper_pg_dir's own page, which only a folded level has (not with 4 levels).
      name: "set_swapper_pgd",
      does: "not modelled: a write of swapper_pg_dir (arch/arm64/mm/mmu.c); reaching it stops the run",
      use: (_args, at) => () => {
        throw new Error(`${at}: set_swapper_pgd() reached: swapper_pg_dir writes are not modelled`);
      },
    },
    // arch/arm64/include/asm/alternative-macros.h: CPU capability tests, which
    // pgtable_l4_enabled() asks only with CONFIG_ARM64_LPA2 (off by default).
    ...["alternative_has_cap_likely", "alternative_has_cap_unlikely"].map(
      (name): Binding => ({
        name,
        does: "not modelled: a CPU capability test (CONFIG_ARM64_LPA2 only); reaching it stops the run",
        use: (_args, at) => () => {
          throw new Error(`${at}: ${name}() reached: CPU capabilities are not modelled`);
        },
      }),
    ),
    {
      name: "pfn_to_page",
      does: "0: struct page is not modelled (pte_page() in contpte.c's folding check, not reached)",
      use: () => () => 0,
    },
    {
      name: "folio_nr_pages",
      does: "1: the model maps single pages (contpte.c's folding check, not reached)",
      use: () => () => 1,
    },
    {
      name: "ALIGN_DOWN",
      does: "x: a model address is the first page of every naturally aligned block",
      transparent: true,
      use: (args) => args[0]?.value() ?? (() => 0),
    },
    {
      name: "PTR_ALIGN_DOWN",
      does: "the pointer: a model PTE is the first of every naturally aligned block",
      transparent: true,
      use: (args) => args[0]?.value() ?? (() => 0),
    },
    {
      name: "fpsimd_thread_switch",
      does: "nothing: FP/SIMD state is not modelled",
      use: () => () => 0,
    },
    {
      name: "cpu_switch_to",
      does: "nothing more: the engine switches the task",
      use: () => () => 0,
    },
    ...[
      "__sync_cache_and_tags",
      "__check_safe_pte_update",
      "tls_thread_switch",
      "hw_breakpoint_thread_switch",
      "contextidr_thread_switch",
      "entry_task_switch",
      "uao_thread_switch",
      "ssbs_thread_switch",
      "erratum_1418040_thread_switch",
      "ptrauth_thread_switch_user",
      "gcs_thread_switch",
      "mte_thread_switch",
      "update_sctlr_el1",
      // v7.0's __switch_to() also calls these (arch/arm64/kernel/process.c): a DAIF/PMR
      // sanity check, the counter-timer, POR_EL0 and MPAM registers of the next task.
      "debug_switch_state",
      "cntkctl_thread_switch",
      "permission_overlay_switch",
      "mpam_thread_switch",
    ].map(
      (name): Binding => ({
        name,
        does: "nothing: caches, MTE tags, CONFIG_DEBUG_VM's update check and per-thread CPU registers are not modelled",
        use: () => () => 0,
      }),
    ),
    {
      name: "pte_valid",
      does: "the entry is valid: present (model values are page numbers, 0 = none)",
      use: (args) => {
        const pte = args[0]?.value();
        return (r) => (pte && pte(r) !== 0 ? 1 : 0);
      },
    },
    {
      name: "pte_valid_not_user",
      does: "the PTE being written is a valid kernel (init_mm) entry",
      use: (args) => {
        const pte = args[0]?.value();
        return (r) => {
          const addr = r.env.args.addr;
          return pte && pte(r) !== 0 && typeof addr === "string" && mmOf(addr) === "kernel" ? 1 : 0;
        };
      },
    },
  ],
  constants: {
    PAGE_SHIFT: { value: () => 12, does: "12" },
    PAGE_SIZE: { value: () => 4096, does: "4096" },
    // arch/arm64/include/asm/pgtable.h's extern pgd_t swapper_pg_dir[]: in_swapper_pgdir()
    // compares a table pointer's page with it; set_pud() asks only when
    // !pgtable_l4_enabled() (not with 4 levels), and no model table is in its page.
    swapper_pg_dir: {
      value: () => -1,
      does: "the kernel's top-level table: no model page-table entry lies in its page",
    },
    // arch/arm64/include/asm/memory.h: VA_BITS is CONFIG_ARM64_VA_BITS (48 by default),
    // vabits_actual the size the CPU booted with.
    VA_BITS: { value: () => 48, does: "48 (CONFIG_ARM64_VA_BITS)" },
    vabits_actual: { value: () => 48, does: "48: the CPU runs with VA_BITS" },
    // arch/arm64/include/asm/page-def.h: (~(PAGE_SIZE-1)).
    PAGE_MASK: { value: () => ~4095, does: "~(PAGE_SIZE-1)" },
    PMD_SIZE: { value: () => 2 * 1024 * 1024, does: "2 MiB (4K pages)" },
    PUD_SIZE: { value: () => 1024 * 1024 * 1024, does: "1 GiB (4K pages)" },
  },
  pteStore: (r, addr, _old, value) => {
    // As on the built-in arm64 models: the old translation stays cached until the
    // caller's flush_tlb_*() (the store invalidates no TLB entry).
    storePteTlbOwed(r.d, r.env, addr, value);
    if (mmOf(addr) === "kernel" && value !== 0) markUnsynced(r.d, r.env.cpu, addr);
  },
  pteStoreDoes:
    "WRITE_ONCE(*ptep, pte): the store; a valid kernel PTE is not seen by the walker until this CPU's next dsb",
  switchHooks: ["__switch_to"],
  builtInProcs: [flush_tlb_range],
  departures: [
    "The isb is not modelled: only walker visibility (the dsb) is.",
    "pte_valid_not_user(pte) asks whether the PTE being written (the call's addr) is init_mm's: model PTE values carry no PTE_USER bit.",
  ],
};
