// sparc64: what is bound rather than read when deriving a model from a tree. The TLB and TSB
// flushes (hypervisor calls or ASI stores) end the code path: each is an invalidation of the
// addresses named. The PTE store makes the old translation stale when it was present and
// changes. Everything else (tlb_batch, its fields, flush_tlb_pending(), the enter/leave
// hooks, set_ptes(), __set_pte_at(), maybe_tlb_batch_add(), and the PMD and hugetlb
// writers: tlb.c set_pmd_at()/__set_pmd_acct(), pgtable_64.h pmdp_huge_get_and_clear(),
// hugetlbpage.c __set_huge_pte_at()/huge_ptep_get_and_clear()) is read from the tree.
// Sources: arch/sparc/mm/tlb.c, arch/sparc/mm/hugetlbpage.c,
// arch/sparc/include/asm/tlbflush_64.h, arch/sparc/include/asm/pgtable_64.h
// (pte_accessible, pte_exec, pte_dirty, pmd_trans_huge).

import { invalidate, markStale, storePte } from "../../kernel/hardware";
import { mmOf, type Val } from "../../kernel/state";
import { element, load, type Run } from "../memory";
import { type ArchSource, type Binding, LAZY_MMU_HEADERS } from "./types";

function flushAddr(r: Run, v: Val): void {
  if (typeof v === "string" && v.includes(":")) invalidate(r.d, v);
}

const flushes: readonly Binding[] = [
  ...["global_flush_tlb_page", "smp_flush_tlb_page"].map(
    (name): Binding => ({
      name,
      does: "TLB invalidation of vaddr on every CPU (the old translation is gone)",
      use: (args) => {
        const v = args[1]?.value();
        return (r) => {
          if (v) flushAddr(r, v(r));
          return 0;
        };
      },
    }),
  ),
  // tlb_batch_add()'s dcache flush of a dirty file page: never reached, pte_dirty() is 0.
  ...[
    "pte_pfn",
    "pfn_valid",
    "pfn_to_page",
    "PageReserved",
    "page_mapping",
    "page_address",
    "flush_dcache_page_all",
    // The folio names of the same path (v6.x: page_folio(), folio_flush_mapping()).
    "page_folio",
    "folio_flush_mapping",
    "flush_dcache_folio_all",
  ].map(
    (name): Binding => ({
      name,
      does: "0: on tlb_batch_add()'s dcache-flush path, not reached (pte_dirty() is 0)",
      use: () => () => 0,
    }),
  ),
  ...["smp_flush_tlb_pending", "__flush_tlb_pending"].map(
    (name): Binding => ({
      name,
      does: "TLB invalidation of the nr addresses at vaddrs on every CPU",
      use: (args) => {
        const nr = args[1]?.value();
        const vaddrs = args[2]?.value();
        return (r) => {
          const n = Number(nr?.(r) ?? 0);
          const base = vaddrs?.(r);
          for (let i = 0; i < n && base !== undefined; i++) flushAddr(r, load(r, element(base, i)));
          return 0;
        };
      },
    }),
  ),
  {
    name: "flush_tsb_user",
    does: "nothing more: the TSB entries go with the TLB flush that follows",
    use: () => () => 0,
  },
  {
    name: "flush_tsb_user_page",
    does: "nothing more: the TSB entry goes with the TLB flush that follows",
    use: () => () => 0,
  },
  {
    name: "pte_accessible",
    does: "the old PTE was present (the model's PTE values are page numbers, 0 = none)",
    use: (args) => {
      const pte = args[1]?.value();
      return (r) => (pte && pte(r) !== 0 ? 1 : 0);
    },
  },
  { name: "pte_exec", does: "0: model pages are not executable", use: () => () => 0 },
  {
    name: "pte_dirty",
    does: "0: the dcache flush of dirty pages is not modelled",
    use: () => () => 0,
  },
  { name: "CTX_VALID", does: "1: the user mm has a context", use: () => () => 1 },
  // The PMD and hugetlb paths (tlb.c __set_pmd_acct(), hugetlbpage.c): model entry values
  // are page numbers with no size or type bits, and one model address stands for a PMD entry
  // and every translation under it.
  {
    name: "pmd_trans_huge",
    does: "1 for a present PMD: one model address stands for the entry and what it maps, so the old entry is batched as the huge page's (tlb_batch_pmd_scan() of a table is not reached)",
    use: (args) => {
      const pmd = args[0]?.value();
      return (r) => (pmd && pmd(r) !== 0 ? 1 : 0);
    },
  },
  {
    // The real pte_present() patches its test per CPU type (inline asm): the model's value.
    name: "pte_present",
    does: "the PTE is present (model values are page numbers, 0 = none)",
    use: (args) => {
      const pte = args[0]?.value();
      return (r) => (pte && pte(r) !== 0 ? 1 : 0);
    },
  },
  {
    name: "is_huge_zero_pmd",
    does: "0: the model has no huge zero page (include/linux/huge_mm.h, not read)",
    use: () => () => 0,
  },
  {
    name: "pte_offset_map",
    does: "the PTE table under the PMD: not reached (pmd_trans_huge() is 1 for a present entry)",
    use: (_args, at) => () => {
      throw new Error(`model error: ${at}: pte_offset_map() reached`);
    },
  },
  { name: "pte_unmap", does: "nothing (pte_offset_map() is not reached)", use: () => () => 0 },
  {
    name: "huge_tte_to_size",
    does: "HPAGE_SIZE (8 MiB): every model hugetlb entry is a PMD-sized page (model values carry no size bits)",
    use: () => () => 1 << 23,
  },
  {
    name: "huge_tte_to_shift",
    does: "REAL_HPAGE_SHIFT (22): an HPAGE_SIZE entry is two 4 MiB TTEs",
    use: () => () => 22,
  },
];

export const sparc64Source: ArchSource = {
  arch: "sparc64",
  srcarch: "sparc",
  roots: ["include/linux/pgtable.h", "arch/sparc/mm/tlb.c"],
  optionalRoots: ["arch/sparc/mm/hugetlbpage.c"],
  headers: LAZY_MMU_HEADERS,
  predefined: ["__KERNEL__", "__sparc__", "__arch64__", "__sparc_v9__"],
  config: {
    CONFIG_SPARC64: "y",
    CONFIG_SMP: "y",
    CONFIG_ARCH_HAS_LAZY_MMU_MODE: "y",
    CONFIG_MMU: "y",
    CONFIG_64BIT: "y",
    CONFIG_PGTABLE_LEVELS: "4",
    CONFIG_TRANSPARENT_HUGEPAGE: "y",
    CONFIG_HUGETLB_PAGE: "y",
  },
  bindings: flushes,
  constants: {
    PAGE_SHIFT: { value: () => 13, does: "13" },
    PAGE_SIZE: { value: () => 8192, does: "8192" },
    PAGE_MASK: { value: () => -8192, does: "~(PAGE_SIZE - 1): leaves a model address as is" },
    tlb_type: { value: () => 2, does: "hypervisor (sun4v)" },
    hypervisor: { value: () => 2, does: "the sun4v tlb_type" },
  },
  pteStore: (r, addr, old, value) => {
    storePte(r.d, r.env, addr, value);
    if (mmOf(addr) === "user" && old !== 0 && old !== value) markStale(r.d, addr);
  },
  pteStoreDoes:
    "*ptep = pte: the store; a user PTE that was present and changes leaves its old translation in TLBs and TSBs until flushed",
  switchHooks: [],
  departures: [
    "Model addresses are page-aligned and pages not executable: `vaddr & PAGE_MASK` is vaddr, pte_exec() is 0.",
    "One model address stands for a PMD entry and every translation under it: `addr + REAL_HPAGE_SIZE` is addr (both halves of a huge page are one batch entry, batched twice), pmd_trans_huge() is 1 for a present entry, a hugetlb entry is one HPAGE_SIZE page; the mm's THP and hugetlb counts (mm->context) are not modelled: a store to them is dropped, a load reads 0.",
    "The TSB flushes are folded into the TLB flush that follows them (one invalidation of the address on every CPU).",
    "pte_dirty() is 0: tlb_batch_add()'s dcache flush is not modelled.",
  ],
};
