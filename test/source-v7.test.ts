// The C front end on v7.0 trees and on the constructs added for them: the generic
// lazy_mmu_mode_*() helpers read from our own v7.0 fixture trees (include/linux/pgtable.h,
// per-task state through `current`), agreement with the built-in v7.0 eras on a
// representative subset of the cells they run (scripts/agreement.ts runs them all), calls
// of tree functions inside expressions, and a header #if the front end cannot evaluate.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { findArch } from "../model/arch/index";
import type { ArchModel } from "../model/arch/types";
import type { PreemptionModel } from "../model/kernel/state";
import { buildMachine } from "../model/machine/machine";
import { incompatibility } from "../model/scenarios/api";
import { findScenario } from "../model/scenarios/index";
import { arm64Source } from "../model/source/bindings/arm64";
import { sparc64Source } from "../model/source/bindings/sparc64";
import type { ArchSource } from "../model/source/bindings/types";
import { deriveModel } from "../model/source/derive";
import { describeDerived } from "../model/source/describe";
import { type CParser, loadCParser } from "../model/source/parser";
import { ERAS, outcome, specOf } from "../scripts/agreement";
import { reachable } from "./explore-helpers";
import { ROOT } from "./helpers";

const FIXTURES = join(ROOT, "test/fixtures/kernels");

let parser: CParser;
beforeAll(async () => {
  parser = await loadCParser();
});

/** A fixture tree, with some of its files replaced by the given texts. */
function treeOf(tree: string, replaced: Readonly<Record<string, string>> = {}) {
  const dir = join(FIXTURES, tree);
  return {
    name: tree,
    read: (f: string) =>
      replaced[f] ?? (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : undefined),
  };
}

function derive(
  tree: string,
  source: ArchSource,
  replaced: Readonly<Record<string, string>> = {},
  config: readonly string[] = [],
) {
  const r = deriveModel(treeOf(tree, replaced), parser, source, config);
  if (!r.ok) throw new Error(`${r.problem.at}: ${r.problem.message}`);
  return r.value;
}

function builtin(id: string): ArchModel {
  const a = findArch(id);
  if (!a) throw new Error(`no ${id}`);
  return a;
}

function scenario(id: string) {
  const s = findScenario(id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
}

function cell(arch: ArchModel, scenarioId: string, p: PreemptionModel, spec: string) {
  return outcome(specOf(spec), arch, scenario(scenarioId), p, 400_000);
}

describe("v7.0 trees: the generic layer read from include/linux/pgtable.h", () => {
  for (const [tree, source] of [
    ["sparc64-v7.0", sparc64Source],
    ["arm64-v7.0", arm64Source],
  ] as const) {
    it(`prints the steps of ${tree} (golden)`, () => {
      const text = describeDerived(derive(tree, source));
      const file = join(ROOT, `test/golden/extract-${tree}.txt`);
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, text);
      expect(text).toBe(readFileSync(file, "utf8"));
    });
  }

  it("reads lazy_mmu_mode_*() from the tree, so the model is a v7.0-API one", () => {
    const m = derive("sparc64-v7.0", sparc64Source).model;
    expect(m.api).toBe("lazy-mmu-mode");
    const enable = m.procs.find((p) => p.name === "lazy_mmu_mode_enable");
    const labels = enable?.ops.flatMap((o) => (o.op === "step" ? [o.label] : [])) ?? [];
    expect(labels[0]).toBe(
      "include/linux/pgtable.h:37  struct lazy_mmu_state *s = &current->lazy_mmu_state;",
    );
    expect(labels.at(-1)).toBe(
      "include/linux/pgtable.h:42  if (s->enable_count++ == 0) arch_enter_lazy_mmu_mode();",
    );
    // A scenario on the arch hooks is refused for it, as for the built-in v7.0 eras.
    expect(incompatibility(m, scenario("zap-pte-range"))).toBeDefined();
    // A v6.x tree defines no generic layer: its model takes the arch hooks.
    expect(derive("sparc64-v6.15", sparc64Source).model.api).toBeUndefined();
  });

  it("keeps the counts where the engine's v7.0 layer does (task flags), u8 wrapping below 0", () => {
    // v7-bh-straddle-enable: the enable is ignored under local_bh_disable(), the disable
    // then finds enable_count 0 and the u8 wraps to 255, as in C.
    const m = buildMachine(
      derive("arm64-v7.0", arm64Source).model,
      scenario("v7-bh-straddle-enable"),
      "none",
    );
    const counts = new Set<number>();
    for (const { state } of reachable(m))
      for (const t of state.tasks) counts.add(Number(t.flags["lazy_mmu_state.enable_count"] ?? 0));
    expect([...counts].sort((a, b) => a - b)).toEqual([0, 255]);
  });

  /** One cheap cell per kind of caller; scripts/agreement.ts runs every cell (48 of them). */
  const SUBSET: readonly [string, PreemptionModel][] = [
    ["v7-apply-to-pte-range-init-mm", "full"],
    ["v7-irq-api", "full"],
    ["v7-kasan-pause-resume", "full"],
    ["v7-bh-straddle-disable", "none"],
    ["v7-zap-nested-debug-pagealloc", "full"],
  ];
  for (const era of ERAS.filter((e) => e.tree.endsWith("v7.0"))) {
    for (const [id, p] of SUBSET) {
      it(`${era.tree} agrees with ${era.builtin}: ${id} ${p}`, () => {
        const derived = derive(era.tree, era.source).model;
        expect(cell(derived, id, p, era.spec)).toEqual(cell(builtin(era.builtin), id, p, era.spec));
      });
    }
  }
});

/** sparc64-v6.15's tlb.c with its hooks written through helper functions. */
function tlbWithHelpers(leaveCondition: string): string {
  const tlb = readFileSync(join(FIXTURES, "sparc64-v6.15/arch/sparc/mm/tlb.c"), "utf8");
  const start = tlb.indexOf("/* The region now runs");
  const end = tlb.indexOf("static void tlb_batch_add_one");
  return `${tlb.slice(0, start)}/* Helpers whose values the hooks use inside expressions. */
static unsigned long one_more(unsigned long n)
{
	unsigned long m = n;

	return m + 1;
}

static int pending(struct tlb_batch *b)
{
	unsigned long n = b->tlb_nr;

	return n != 0;
}

void arch_enter_lazy_mmu_mode(void)
{
	struct tlb_batch *b;

	preempt_disable();
	b = this_cpu_ptr(&tlb_batch);
	b->active = one_more(0) * 1;
}

void arch_leave_lazy_mmu_mode(void)
{
	struct tlb_batch *b = this_cpu_ptr(&tlb_batch);

	if (${leaveCondition})
		flush_tlb_pending();
	b->active = 0;
	preempt_enable();
}

${tlb.slice(end)}`;
}

describe("calls of tree functions inside expressions", () => {
  const TLB = "arch/sparc/mm/tlb.c";

  it("are engine calls made before the statement, whose return value the expression reads", () => {
    const d = derive("sparc64-v6.15", sparc64Source, { [TLB]: tlbWithHelpers("pending(b)") });
    const enter = d.model.procs.find((p) => p.name === "arch_enter_lazy_mmu_mode");
    const labels = enter?.ops.flatMap((o) => (o.op === "step" ? [o.label] : [])) ?? [];
    expect(labels.slice(-2)).toEqual([
      "arch/sparc/mm/tlb.c:46  one_more(0)",
      "arch/sparc/mm/tlb.c:46  b->active = one_more(0) * 1;",
    ]);
    expect(d.model.procs.map((p) => p.name)).toContain("pending");
    // The value flows: tb->active is 1 in some reachable state (one_more(0) returned 1).
    const m = buildMachine(d.model, scenario("zap-pte-range"), "none");
    let active = false;
    for (const { state } of reachable(m))
      if (state.cpus.some((c) => c.arch["tlb_batch.active"] === 1)) active = true;
    expect(active).toBe(true);
  });

  it("give the built-in era's verdicts: leave flushes exactly when pending() says so", () => {
    const d = derive("sparc64-v6.15", sparc64Source, { [TLB]: tlbWithHelpers("pending(b)") });
    for (const p of ["none", "full"] as const) {
      expect(cell(d.model, "zap-pte-range", p, "lazy-mmu-v6.15")).toEqual(
        cell(builtin("sparc64@v6.15"), "zap-pte-range", p, "lazy-mmu-v6.15"),
      );
    }
  });

  it("read a GNU statement expression's declarations, then its last value", () => {
    const tlb = readFileSync(join(FIXTURES, "sparc64-v6.15", TLB), "utf8");
    const replaced = tlb.replace(
      "\tb->active = 1;",
      "\tb->active = ({ unsigned long on = 2; on - 1; });",
    );
    expect(replaced).not.toBe(tlb);
    const d = derive("sparc64-v6.15", sparc64Source, { [TLB]: replaced });
    const m = buildMachine(d.model, scenario("zap-pte-range"), "none");
    let active = false;
    for (const { state } of reachable(m))
      if (state.cpus.some((c) => c.arch["tlb_batch.active"] === 1)) active = true;
    expect(active).toBe(true);
  });

  it("read `(u64)(x)` as a cast and IS_ENABLED() in C code against the configuration", () => {
    const tlb = readFileSync(join(FIXTURES, "sparc64-v6.15", TLB), "utf8");
    const replaced = tlb.replace(
      "\tb->active = 1;",
      "\tb->active = (u64)(IS_ENABLED(CONFIG_SMP) + IS_ENABLED(CONFIG_LAZYMMU_UNSET));",
    );
    expect(replaced).not.toBe(tlb);
    const d = derive("sparc64-v6.15", sparc64Source, { [TLB]: replaced });
    const m = buildMachine(d.model, scenario("zap-pte-range"), "none");
    const seen = new Set<unknown>();
    for (const { state } of reachable(m))
      for (const c of state.cpus) seen.add(c.arch["tlb_batch.active"]);
    // CONFIG_SMP=y counts 1, an unset symbol 0: never 2.
    expect(seen.has(1)).toBe(true);
    expect(seen.has(2)).toBe(false);
  });

  it("reach the TIF_* flags as a kernel does: sched.h -> linux/thread_info.h -> asm/", () => {
    const PGTABLE = "arch/arm64/include/asm/pgtable.h";
    const SCHED = "include/linux/sched.h";
    const pgtable = readFileSync(join(FIXTURES, "arm64-v7.0", PGTABLE), "utf8");
    const sched = readFileSync(join(FIXTURES, "arm64-v7.0", SCHED), "utf8");
    const direct = "#include <asm/thread_info.h>\n";
    expect(pgtable).toContain(direct);
    const d = derive("arm64-v7.0", arm64Source, {
      [PGTABLE]: pgtable.replace(direct, ""),
      [SCHED]: sched.replace(
        "#define _LINUX_SCHED_H\n",
        "#define _LINUX_SCHED_H\n#include <linux/thread_info.h>\n",
      ),
      "include/linux/thread_info.h": "/* our own */\n#include <asm/thread_info.h>\n",
    });
    expect(d.unit.files).toContain("include/linux/thread_info.h");
    expect(d.unit.files).toContain("arch/arm64/include/asm/thread_info.h");
  });

  it("read xchg_relaxed(&pte_val(*ptep), 0) as one step: the old entry, and the store of 0", () => {
    const PGTABLE = "arch/arm64/include/asm/pgtable.h";
    const pgtable = readFileSync(join(FIXTURES, "arm64-v7.0", PGTABLE), "utf8");
    const own = `#define __HAVE_ARCH_PTEP_GET_AND_CLEAR
static inline pte_t ptep_get_and_clear(struct mm_struct *mm, unsigned long addr,
				       pte_t *ptep)
{
	pte_t old = __pte(xchg_relaxed(&pte_val(*ptep), 0));

	BUG_ON(!pte_val(old));
	return old;
}

#endif
`;
    const i = pgtable.lastIndexOf("#endif");
    const d = derive("arm64-v7.0", arm64Source, { [PGTABLE]: `${pgtable.slice(0, i)}${own}` });
    expect(d.generic).not.toContain("ptep_get_and_clear");
    const m = buildMachine(d.model, scenario("v7-zap-pte-range-tlb-finish-mmu"), "none");
    let cleared = false;
    for (const { state } of reachable(m)) if (state.pte["user:0"] === 0) cleared = true;
    expect(cleared).toBe(true);
    // Had the old value not been returned, the BUG_ON would oops: the verdicts would differ.
    expect(cell(d.model, "v7-zap-pte-range-tlb-finish-mmu", "full", "lazy-mmu-v7.0")).toEqual(
      cell(builtin("arm64@v7.0"), "v7-zap-pte-range-tlb-finish-mmu", "full", "lazy-mmu-v7.0"),
    );
  });

  it("are refused where C may not evaluate them (the right of &&), naming file:line", () => {
    const r = deriveModel(
      treeOf("sparc64-v6.15", { [TLB]: tlbWithHelpers("b->tlb_nr && pending(b)") }),
      parser,
      sparc64Source,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.kind).toBe("unsupported");
    expect(r.problem.at).toBe("arch/sparc/mm/tlb.c:53");
    expect(r.problem.message).toContain("pending() (arch/sparc/mm/tlb.c:33) is called where C");
  });
});

describe("headers of a full kernel tree", () => {
  const PGTABLE = "include/linux/pgtable.h";
  const pgtable = readFileSync(join(FIXTURES, "sparc64-v6.15", PGTABLE), "utf8");

  it("an #if the front end cannot evaluate takes no branch; a name under it is an error only when used", () => {
    const odd = `#if __has_builtin(__builtin_foo)\nstatic inline void unused_helper(void) { }\n#endif\n`;
    const ok = derive("sparc64-v6.15", sparc64Source, { [PGTABLE]: `${odd}${pgtable}` });
    expect(ok.model.procs.map((p) => p.name)).not.toContain("unused_helper");
    // The same #if around the generic set_pte_at(): the run stops at the #if.
    const i = pgtable.indexOf("#define set_pte_at");
    const guarded = `${pgtable.slice(0, i)}#if __has_builtin(__builtin_foo)\n${pgtable.slice(i).replace("\n#endif /* _LINUX_PGTABLE_H */", "\n#endif\n#endif")}`;
    const r = deriveModel(treeOf("sparc64-v6.15", { [PGTABLE]: guarded }), parser, sparc64Source);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.message).toContain(
      "set_pte_at is defined only under an #if the front end cannot evaluate (include/linux/pgtable.h:",
    );
  });

  it("an unbound name inside a macro is reported at the macro's line", () => {
    const H = "arch/sparc/include/asm/pgtable_64.h";
    const text = readFileSync(join(FIXTURES, "sparc64-v6.15", H), "utf8");
    const line = text.split("\n").findIndex((l) => l.startsWith("#define pte_none(pte)")) + 1;
    expect(line).toBeGreaterThan(2);
    const r = deriveModel(
      treeOf("sparc64-v6.15", {
        [H]: text.replace("(!pte_val(pte))", "(!pte_val_of(pte))"),
      }),
      parser,
      sparc64Source,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.kind).toBe("unbound");
    expect(r.problem.at).toBe(`${H}:${line}`);
    expect(r.problem.message).toContain("pte_val_of()");
  });

  it("includes off the lazy MMU path are listed, not read", () => {
    const extra = `#include <linux/mm_types.h>\n${pgtable}`;
    const d = derive("sparc64-v6.15", sparc64Source, {
      [PGTABLE]: extra,
      "include/linux/mm_types.h": "#error never read\n",
    });
    expect(d.unit.unfollowed).toEqual(["include/linux/mm_types.h"]);
    expect(d.unit.files).not.toContain("include/linux/mm_types.h");
  });
});

describe("constructs of the real arm64 header", () => {
  const PGTABLE = "arch/arm64/include/asm/pgtable.h";
  const original = readFileSync(join(FIXTURES, "arm64-v7.0", PGTABLE), "utf8");
  /** arm64-v7.0 with a switch on the page size in __set_ptes(), a case under #ifndef. */
  const switched = original.replace(
    "static inline void __set_ptes(struct mm_struct *mm, unsigned long addr,\n\t\t\t      pte_t *ptep, pte_t pte, unsigned int nr)\n{",
    "static inline void __set_ptes(struct mm_struct *mm, unsigned long addr,\n\t\t\t      pte_t *ptep, pte_t pte, unsigned int nr)\n{\n\tswitch (PAGE_SIZE) {\n#ifndef __PAGETABLE_PMD_FOLDED\n\tcase 4096:\n\t\tbreak;\n#endif\n\tdefault:\n\t\tVM_WARN_ON(1);\n\t}",
  );
  const label = (d: ReturnType<typeof derive>, name: string) => {
    const p = d.model.procs.find((x) => x.name === name);
    return p?.ops[0]?.op === "step" ? p.ops[0].label : "";
  };

  it("without CONFIG_ARM64_CONTPTE reads set_ptes and pte_clear through `#define set_ptes __set_ptes`, and a case under #ifndef", () => {
    expect(switched).not.toBe(original);
    const d = derive("arm64-v7.0", arm64Source, { [PGTABLE]: switched }, [
      "CONFIG_ARM64_CONTPTE=n",
    ]);
    expect(d.generic).toEqual([
      "pmdp_huge_get_and_clear",
      "set_huge_pte_at",
      "huge_ptep_get_and_clear",
    ]);
    expect(label(d, "set_ptes")).toMatch(
      /^arch\/arm64\/include\/asm\/pgtable\.h:\d+ {2}#define set_ptes __set_ptes$/,
    );
    expect(label(d, "pte_clear")).toMatch(/#define pte_clear __pte_clear$/);
    expect(d.model.procs.some((p) => p.name.includes("contpte"))).toBe(false);
    // The case the #ifndef keeps is taken: no VM_WARN_ON(1) fires, as the fixture's verdicts show.
    expect(cell(d.model, "v7-zap-nested-debug-pagealloc", "full", "lazy-mmu-v7.0")).toEqual(
      cell(builtin("arm64@v7.0"), "v7-zap-nested-debug-pagealloc", "full", "lazy-mmu-v7.0"),
    );
  });

  it("with CONFIG_ARM64_CONTPTE (the default) routes set_ptes and pte_clear through the contpte wrappers", () => {
    const d = derive("arm64-v7.0", arm64Source);
    expect(d.config.CONFIG_ARM64_CONTPTE).toBe("y");
    expect(d.unit.files).toContain("arch/arm64/mm/contpte.c");
    const calls = (name: string) =>
      d.model.procs
        .find((p) => p.name === name)
        ?.ops.flatMap((o) => (o.op === "step" ? [o.label.slice(o.label.indexOf("  ") + 2)] : []));
    expect(calls("set_ptes")).toEqual([
      "pte_mknoncont(pte)",
      "pte = pte_mknoncont(pte);",
      "if (likely(nr == 1))",
      "contpte_try_unfold(mm, addr, ptep, __ptep_get(ptep));",
      "__set_ptes(mm, addr, ptep, pte, 1);",
      "contpte_try_fold(mm, addr, ptep, pte);",
      "contpte_set_ptes(mm, addr, ptep, pte, nr);",
    ]);
    expect(calls("pte_clear")).toEqual([
      "contpte_try_unfold(mm, addr, ptep, __ptep_get(ptep));",
      "__pte_clear(mm, addr, ptep);",
    ]);
    // contpte.c is read down to its end operations: only the TLB flush is bound.
    expect(d.compiled.procs.has("contpte_convert")).toBe(true);
    expect([...d.compiled.bound.keys()]).toContain("__flush_tlb_range");
    // No model PTE carries PTE_CONT and every write is of one page: the wrappers add steps,
    // not behaviour. The verdicts are the built-in era's.
    for (const [id, p] of [
      ["v7-zap-nested-debug-pagealloc", "full"],
      ["v7-apply-to-pte-range-init-mm", "full"],
    ] as const) {
      expect(cell(d.model, id, p, "lazy-mmu-v7.0")).toEqual(
        cell(builtin("arm64@v7.0"), id, p, "lazy-mmu-v7.0"),
      );
    }
  });

  it("keeps WRITE_ONCE() a plain store when the tree's asm-generic header defines it", () => {
    const rwonce =
      "#define WRITE_ONCE(x, val) do { unbound_type_check(x); __store(x, val); } while (0)\n";
    const d = derive("arm64-v7.0", arm64Source, {
      [PGTABLE]: original.replace(
        "#include <asm/thread_info.h>",
        "#include <asm/thread_info.h>\n#include <asm/rwonce.h>",
      ),
      "include/asm-generic/rwonce.h": rwonce,
    });
    expect(d.unit.files).toContain("include/asm-generic/rwonce.h");
    const nosync = d.model.procs.find((p) => p.name === "__set_pte_nosync");
    expect(nosync?.ops.flatMap((o) => (o.op === "step" ? [o.label] : []))).toEqual([
      "arch/arm64/include/asm/pgtable.h:46  WRITE_ONCE(*ptep, pte);",
    ]);
  });
});
