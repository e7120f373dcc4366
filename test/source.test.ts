// The C front end on our own kernel-style fixture trees (test/fixtures/kernels/*, no kernel
// code): the steps `extract` prints are pinned as golden files, the model derived from each
// sparc64 era's tree agrees cell for cell with the built-in model of that era (or the
// disagreement is listed with the kernel line that decides it), and broken trees exit 2
// naming file:line and the fix.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Edge, IN_PROCESS } from "../checker/cli/main";
import { workerPool } from "../checker/cli/pool";
import { runCell } from "../checker/run";
import { findArch } from "../model/arch/index";
import type { ArchModel } from "../model/arch/types";
import type { PreemptionModel } from "../model/kernel/state";
import { findScenario } from "../model/scenarios/index";
import { arm64Source } from "../model/source/bindings/arm64";
import { sparc64Source } from "../model/source/bindings/sparc64";
import type { ArchSource } from "../model/source/bindings/types";
import { deriveModel } from "../model/source/derive";
import { describeDerived } from "../model/source/describe";
import { type CParser, loadCParser } from "../model/source/parser";
import { cliAsync, filesUnder, tempDir } from "./cli";
import { bundledSpec, ROOT } from "./helpers";

const FIXTURES = join(ROOT, "test/fixtures/kernels");

let parser: CParser;
beforeAll(async () => {
  parser = await loadCParser();
});

function derive(tree: string, source: ArchSource = sparc64Source) {
  const dir = join(FIXTURES, tree);
  const r = deriveModel(
    {
      name: tree,
      read: (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : undefined),
    },
    parser,
    source,
  );
  if (!r.ok) throw new Error(`${r.problem.at}: ${r.problem.message}`);
  return r.value;
}

const ERAS = ["v6.5", "v6.14", "v6.15"] as const;

describe("extract", () => {
  for (const era of ERAS) {
    it(`prints the steps of sparc64-${era} with file:line (golden)`, () => {
      const text = describeDerived(derive(`sparc64-${era}`));
      const file = join(ROOT, `test/golden/extract-sparc64-${era}.txt`);
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, text);
      expect(text).toBe(readFileSync(file, "utf8"));
    });
  }

  it("labels each step with the real source line", () => {
    const m = derive("sparc64-v6.14").model;
    const enter = m.procs.find((p) => p.name === "arch_enter_lazy_mmu_mode");
    const labels = enter?.ops.flatMap((o) => (o.op === "step" ? [o.label] : [])) ?? [];
    expect(labels).toEqual([
      "arch/sparc/mm/tlb.c:27  struct tlb_batch *b = this_cpu_ptr(&tlb_batch);",
      "arch/sparc/mm/tlb.c:29  b->active = 1;",
    ]);
    expect(m.id).toBe("sparc64@tree:sparc64-v6.14");
  });

  it("follows set_pte_at() through the generic macro into set_ptes() from v6.6 on, not before", () => {
    const callee = (era: string) => {
      const p = derive(`sparc64-${era}`).model.procs.find((x) => x.name === "set_pte_at");
      return p?.ops[0]?.op === "step" ? p.ops[0].label : "";
    };
    expect(callee("v6.14")).toContain("set_ptes(mm, addr, ptep, pte, 1)");
    expect(callee("v6.5")).toContain("__set_pte_at((mm), (addr), (ptep), (pte), 0)");
  });
});

/** Cheap scenarios that tell the eras apart (sparc64 never had PREEMPT_RT: none and full). */
const SCENARIOS = [
  "zap-pte-range",
  "remap-pte-range-set-ptes",
  "second-task-same-cpu",
  "kfence-irq-in-region",
];
const PREEMPTION: readonly PreemptionModel[] = ["none", "full"];

/** A run's verdict and the rules it violates. */
function verdictOf(arch: ArchModel, scenarioId: string, p: PreemptionModel) {
  const scenario = findScenario(scenarioId);
  if (!scenario) throw new Error(`no scenario ${scenarioId}`);
  const r = runCell(
    { spec: bundledSpec("lazy-mmu-v6.15"), arch, scenario, preemption: p },
    { maxStates: 400_000, timeoutMs: 300_000, now: () => performance.now() },
  );
  return { verdict: r.verdict, rules: [...new Set(r.violations.map((v) => v.rule))].sort() };
}

/*
 * v6.6..v6.14 agree too: the kernel routes every set_pte_at() through set_ptes()
 * (include/linux/pgtable.h `#define set_pte_at(mm, addr, ptep, pte) set_ptes(mm, addr, ptep,
 * pte, 1)`, our fixture's line 30), and sparc64's set_ptes() of 1a10a44dfc1d wraps its loop
 * in arch_enter/leave_lazy_mmu_mode(); the built-in sparc64@v6.14 does the same since the
 * fidelity corrections (reference section 11). scripts/agreement.ts compares every cell.
 */

describe("derived sparc64 models agree with the built-in eras", () => {
  for (const era of ERAS) {
    for (const id of SCENARIOS) {
      for (const p of PREEMPTION) {
        it(`${era} ${id} ${p}`, () => {
          const builtin = findArch(`sparc64@${era}`);
          if (!builtin) throw new Error(`no sparc64@${era}`);
          const derived = derive(`sparc64-${era}`).model;
          expect(verdictOf(derived, id, p)).toEqual(verdictOf(builtin, id, p));
        });
      }
    }
  }
});

/*
 * sparc64's PMD and hugetlb writers batch into the same tlb_batch as its PTEs (tlb.c
 * set_pmd_at() -> __set_pmd_acct() -> tlb_batch_add_one(); hugetlbpage.c
 * __set_huge_pte_at()/huge_ptep_get_and_clear() -> maybe_tlb_batch_add()): read from the
 * fixtures, they flush at once outside a region, so a THP collapse on the other CPU while
 * task A's enter has set `tb->active` on it (before a1d416bf9faf) batches instead.
 */
describe("derived sparc64 PMD and hugetlb paths", () => {
  it("are read from tlb.c, pgtable_64.h and hugetlbpage.c, not the engine's generic ones", () => {
    const d = derive("sparc64-v6.14");
    expect(d.generic).toEqual(["set_pmd", "set_pud"]);
    const first = (name: string) => {
      const p = d.model.procs.find((x) => x.name === name);
      return p?.ops.find((o) => o.op === "step")?.at;
    };
    expect(first("set_pmd_at")).toMatch(/^arch\/sparc\/mm\/tlb\.c:\d+$/);
    expect(first("pmdp_huge_get_and_clear")).toMatch(/^arch\/sparc\/include\/asm\/pgtable_64\.h:/);
    expect(first("huge_ptep_get_and_clear")).toMatch(/^arch\/sparc\/mm\/hugetlbpage\.c:/);
    expect(d.unit.files).toContain("arch/sparc/mm/hugetlbpage.c");
  });

  // One cell per writer family: THP (set_pmd_at) and hugetlb (huge_ptep_*).
  for (const [era, id] of [
    ["v6.5", "collapse-huge-page"],
    ["v6.14", "hugetlb-change-protection"],
  ] as const) {
    it(`${era} ${id} full: the built-in era's verdict`, () => {
      const builtin = findArch(`sparc64@${era}`);
      if (!builtin) throw new Error(`no sparc64@${era}`);
      const derived = verdictOf(derive(`sparc64-${era}`).model, id, "full");
      expect(derived).toEqual(verdictOf(builtin, id, "full"));
      expect(derived.verdict).toBe("fail");
      expect(derived.rules).toContain("immediate-outside");
    });
  }
});

const ARM64_ERAS = ["5fdd05efa1cd", "b81c688426a9", "1ef3095b1405"] as const;
const ARM64_SCENARIOS = [
  "kfence-irq-in-region",
  "kfence-irq-apply-to-page-range",
  "debug-pagealloc-nested",
  "second-task-same-cpu",
];

describe("derived arm64 models agree with the built-in eras", () => {
  for (const era of ARM64_ERAS) {
    it(`prints the steps of arm64-${era}, __switch_to included (golden)`, () => {
      const d = derive(`arm64-${era}`, arm64Source);
      const file = join(ROOT, `test/golden/extract-arm64-${era}.txt`);
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, describeDerived(d));
      expect(describeDerived(d)).toBe(readFileSync(file, "utf8"));
      expect(d.model.contextSwitch.map((h) => h.fn)).toEqual(["__switch_to"]);
    });
    for (const id of ARM64_SCENARIOS) {
      it(`${era} ${id} full`, () => {
        const builtin = findArch(`arm64@${era}`);
        if (!builtin) throw new Error(`no arm64@${era}`);
        const derived = derive(`arm64-${era}`, arm64Source).model;
        expect(verdictOf(derived, id, "full")).toEqual(verdictOf(builtin, id, "full"));
      });
    }
  }
});

describe("a tree the front end cannot read exits 2 with file:line and the fix", () => {
  it("an unbound call", async () => {
    const r = await cliAsync([
      "extract",
      "--kernel",
      join(FIXTURES, "bad-unbound"),
      "--arch",
      "sparc64",
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.replace(FIXTURES, "<fixtures>")).toBe(
      "lazymmu: error [unbound-call]: <fixtures>/bad-unbound: at arch/sparc/mm/tlb.c:41: flush_tlb_pending_fast() is neither defined in the files read nor bound; to fix: add the file that defines it to the tree, or bind it in model/source/bindings/sparc64.ts\n",
    );
  });

  it("an unsupported construct", async () => {
    const r = await cliAsync([
      "verify",
      "--kernel",
      join(FIXTURES, "bad-unsupported"),
      "--arch",
      "sparc64",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.replace(FIXTURES, "<fixtures>")).toContain(
      "lazymmu: error [unsupported-c]: <fixtures>/bad-unsupported: at arch/sparc/mm/tlb.c:33: unsupported expression (gnu_asm_expression)",
    );
  });

  it("a bad --config entry and a missing tree", async () => {
    const bad = await cliAsync([
      "extract",
      "--kernel",
      join(FIXTURES, "sparc64-v6.15"),
      "--config",
      "SMP",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("[bad-config]");
    const none = await cliAsync(["extract", "--kernel", join(FIXTURES, "no-such-tree")]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("[bad-kernel-tree]");
  });

  it("verify --kernel runs the derived model like a built-in one", async () => {
    const r = await cliAsync([
      "verify",
      "--kernel",
      join(FIXTURES, "sparc64-v6.15"),
      "--arch",
      "sparc64",
      "--scenario",
      "zap-pte-range",
      "--preemption",
      "full",
      "--out",
      join(ROOT, "counterexamples"),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("sparc64@tree:sparc64-v6.15");
  });
});

describe("--kernel on the worker pool", () => {
  it("a worker derives the model from the tree itself: the same report and traces as one thread", async () => {
    const tmp = tempDir("source-pool");
    const pooled: Edge = { ...IN_PROCESS, runner: (w) => workerPool(w ?? 2) };
    const args = (out: string) => [
      "matrix",
      "--kernel",
      join(FIXTURES, "arm64-5fdd05efa1cd"),
      "--config",
      "CONFIG_SMP=y",
      "--scenario",
      "kfence-set-memory-valid-irq",
      "zap-pte-range",
      "--format",
      "json",
      "--out",
      join(tmp, out),
    ];
    const untimed = (s: string) => s.replace(/"seconds": [\d.e-]+/g, '"seconds": 0');
    const pool = await cliAsync([...args("pool"), "--workers", "2"], pooled);
    const inline = await cliAsync(args("inline"));
    expect(pool.stderr).toBe("");
    expect(inline.code).toBe(pool.code);
    expect(pool.stdout).toContain("arm64@tree:arm64-5fdd05efa1cd");
    expect(untimed(pool.stdout)).toBe(untimed(inline.stdout).replaceAll("/inline", "/pool"));
    const rel = (d: string) => filesUnder(join(tmp, d)).map((f) => f.slice(join(tmp, d).length));
    expect(rel("pool").length).toBeGreaterThan(0);
    expect(rel("pool")).toEqual(rel("inline"));
  });

  it("replay, show and html take --kernel for a derived model's trace", async () => {
    const tmp = tempDir("source-replay");
    const tree = join(FIXTURES, "arm64-5fdd05efa1cd");
    const made = await cliAsync([
      "verify",
      "--kernel",
      tree,
      "--scenario",
      "kfence-set-memory-valid-irq",
      "--preemption",
      "full",
      "--out",
      tmp,
    ]);
    expect(made.code).toBe(1);
    const trace = filesUnder(tmp).find((f) => f.endsWith(".itf.json"));
    if (trace === undefined) throw new Error("no trace written");
    const without = await cliAsync(["replay", trace]);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain("give the tree with --kernel DIR");
    const replayed = await cliAsync(["replay", trace, "--kernel", tree]);
    expect(replayed.stderr).toBe("");
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain("reproduced");
    const other = await cliAsync([
      "replay",
      trace,
      "--kernel",
      join(FIXTURES, "arm64-b81c688426a9"),
    ]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("--kernel derived arm64@tree:arm64-b81c688426a9 instead");
    const shown = await cliAsync(["show", trace, "--kernel", tree, "--width", "100"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("arm64@tree:arm64-5fdd05efa1cd");
    const page = await cliAsync(["html", trace, "--kernel", tree, "-o", join(tmp, "t.html")]);
    expect(page.code).toBe(0);
  });
});
