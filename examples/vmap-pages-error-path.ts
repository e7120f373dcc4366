// A core-mm caller with an error path inside its lazy MMU region: vmap_pages_pte_range()
// (mm/vmalloc.c), before and after fea18c686320 ("mm/vmalloc: leave lazy MMU mode on PTE
// mapping error", Alexander Gordeev, v6.16-rc).
//
// 44562c71e2cf ("mm/vmalloc: Enter lazy mmu mode while manipulating vmalloc ptes", v6.16)
// wrapped the loop in arch_enter/leave_lazy_mmu_mode(), but the loop's three checks still
// `return -EBUSY / -ENOMEM / -EINVAL` from inside it, leaving the mode entered. fea18c686320
// turns each into `err = ...; break;`, so that the leave after the loop always runs
// (its commit message: "Function vmap_pages_pte_range() enters the lazy MMU mode, but fails
// to leave it in case an error is encountered"; Fixes: 44562c71e2cf). Read from the patch
// as posted (linux-mm, 23 Jun 2025) and the stored mm/vmalloc.c.
//
// The model: two pages; each iteration may find its page missing (`WARN_ON(!page)`, the
// check a caller's bad page array trips), chosen nondeterministically with choose(). The
// error travels back as a return value into vmap_pages_pmd_range()'s `err`.
// Departures: the pte_none and pfn_valid checks are the same shape and are left out; the
// page-table allocation before the region (pte_alloc_kernel_track) cannot fail here.
//
// Run: lazymmu verify --load examples/vmap-pages-error-path.ts --arch generic \
//        --scenario vmap-pages-pte-range-44562c71e2cf vmap-pages-pte-range-fea18c686320

import {
  breakLoop,
  call,
  defineScenario,
  ENTER,
  LEAVE,
  loop,
  type Op,
  proc,
  step,
  WARN_ON,
  wpPageCopy,
} from "lazymmu/api";

const VMALLOC_C = "mm/vmalloc.c";
const ENOMEM = -12;
const PAGES = ["kernel:0", "kernel:1"] as const;

/** `struct page *page = pages[*nr]; if (WARN_ON(!page)) <error>`: the page may be missing. */
function checkPage(onError: "return" | "break"): Op {
  const label =
    onError === "return"
      ? "page = pages[*nr]; if (WARN_ON(!page)) return -ENOMEM"
      : "page = pages[*nr]; if (WARN_ON(!page)) { err = -ENOMEM; break; }";
  return step(
    "vmap_pages_pte_range",
    label,
    VMALLOC_C,
    (_d, env) => {
      const missing = env.choice === "NULL";
      WARN_ON(env, missing, "WARN_ON(!page) in vmap_pages_pte_range()");
      if (!missing) return undefined;
      if (onError === "return") return { return: ENOMEM };
      env.locals.err = ENOMEM;
      return breakLoop("ptes");
    },
    { choose: () => ["page", "NULL"] },
  );
}

/** vmap_pages_pte_range() with the loop's error handling of `onError`. */
function vmapPagesPteRange(onError: "return" | "break"): Op[] {
  return [
    call(ENTER, {}),
    ...loop(
      { name: "ptes", fn: "vmap_pages_pte_range", at: VMALLOC_C, bound: PAGES.length, index: "nr" },
      [
        checkPage(onError),
        // set_pte_at(&init_mm, addr, pte, mk_pte(page, prot)); (*nr)++;
        call("set_pte_at", ({ locals }) => ({
          addr: PAGES[Number(locals.nr)] ?? "kernel:0",
          value: 1,
        })),
      ],
    ),
    call(LEAVE, {}),
    step(
      "vmap_pages_pte_range",
      "*mask |= PGTBL_PTE_MODIFIED; return err",
      VMALLOC_C,
      (_d, env) => ({
        return: env.locals.err ?? 0,
      }),
    ),
  ];
}

/** vmap_pages_pmd_range(): `if (vmap_pages_pte_range(...)) return -ENOMEM;`. */
const pmdRange = proc("vmap_pages_pmd_range", [
  call("vmap_pages_pte_range", {}, { result: "err" }),
  step("vmap_pages_pmd_range", "if (err) return -ENOMEM", VMALLOC_C, (_d, env) =>
    env.locals.err !== 0 ? { return: ENOMEM } : undefined,
  ),
]);

function scenario(commit: string, onError: "return" | "break") {
  return defineScenario({
    id: `vmap-pages-pte-range-${commit}`,
    summary: `task A maps two vmalloc pages with vmap_pages_pte_range() (${onError === "return" ? "44562c71e2cf: an error returns from inside the region" : "fea18c686320: an error breaks out and the region is left"}), either page may be missing; task B changes a user PTE on the other CPU`,
    source: "mm/vmalloc.c: vmap_pages_pte_range(), vmap_pages_pmd_range()",
    cpus: 2,
    tasks: [
      { id: "A", cpu: 0, entry: "vmap_pages_pmd_range" },
      { id: "B", cpu: 1, entry: "wp_page_copy" },
    ],
    irqs: [],
    ptes: { "user:0": 1 },
    procs: [
      pmdRange,
      proc("vmap_pages_pte_range", vmapPagesPteRange(onError)),
      wpPageCopy("wp_page_copy", "user:0", 2),
    ],
    preemption: ["none", "full"],
  });
}

export const before = scenario("44562c71e2cf", "return");
export const after = scenario("fea18c686320", "break");
