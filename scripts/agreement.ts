// Derived-vs-built-in agreement on every cell an era can run: each fixture tree under
// test/fixtures/kernels/ is read into a model, and that model and the built-in model of
// the same era are run on every scenario and preemption model the built-in one can run
// (the cells a default matrix would not mark n/a, under the era's contract), comparing
// verdict and violated rules. A disagreement the kernel explains is listed in KNOWN with
// the line that decides it; any other fails the run (exit 1).
//
//   node -r ts-node/register/transpile-only scripts/agreement.ts [TREE...] [--max-states N]
//   ... scripts/agreement.ts --kernel DIR --arch sparc64 --builtin sparc64@v6.15 [--spec ID]
//
// The second form compares a tree of your own (a real kernel checkout) with a built-in era.
//
// test/source-agreement.test.ts runs a representative subset of the same cells.

import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { runCell } from "../checker/run";
import { parseSpec } from "../checker/spec/parse";
import type { Spec } from "../checker/spec/types";
import { cellExisted } from "../model/arch/existed";
import { findArch } from "../model/arch/index";
import type { ArchModel } from "../model/arch/types";
import type { PreemptionModel } from "../model/kernel/state";
import { incompatibility } from "../model/scenarios/api";
import { scenarios } from "../model/scenarios/index";
import type { Scenario } from "../model/scenarios/types";
import { arm64Source } from "../model/source/bindings/arm64";
import { sparc64Source } from "../model/source/bindings/sparc64";
import type { ArchSource } from "../model/source/bindings/types";
import { deriveModel } from "../model/source/derive";
import type { CParser } from "../model/source/parser";

const ROOT = join(__dirname, "..");

/** A fixture tree and the built-in era whose logic it reproduces. */
export interface Era {
  /** A fixture under test/fixtures/kernels/, or a directory (`--kernel`). */
  readonly tree: string;
  readonly source: ArchSource;
  readonly builtin: string;
  readonly spec: string;
}

export const ERAS: readonly Era[] = [
  { tree: "sparc64-v6.5", source: sparc64Source, builtin: "sparc64@v6.5", spec: "lazy-mmu-v6.15" },
  {
    tree: "sparc64-v6.14",
    source: sparc64Source,
    builtin: "sparc64@v6.14",
    spec: "lazy-mmu-v6.15",
  },
  {
    tree: "sparc64-v6.15",
    source: sparc64Source,
    builtin: "sparc64@v6.15",
    spec: "lazy-mmu-v6.15",
  },
  { tree: "sparc64-v7.0", source: sparc64Source, builtin: "sparc64@v7.0", spec: "lazy-mmu-v7.0" },
  {
    tree: "arm64-5fdd05efa1cd",
    source: arm64Source,
    builtin: "arm64@5fdd05efa1cd",
    spec: "lazy-mmu-v6.15",
  },
  {
    tree: "arm64-b81c688426a9",
    source: arm64Source,
    builtin: "arm64@b81c688426a9",
    spec: "lazy-mmu-v6.15",
  },
  {
    tree: "arm64-1ef3095b1405",
    source: arm64Source,
    builtin: "arm64@1ef3095b1405",
    spec: "lazy-mmu-v6.15",
  },
  { tree: "arm64-v7.0", source: arm64Source, builtin: "arm64@v7.0", spec: "lazy-mmu-v7.0" },
];

export interface Outcome {
  readonly verdict: string;
  readonly rules: readonly string[];
}

export interface CellAgreement {
  readonly tree: string;
  readonly scenario: string;
  readonly preemption: PreemptionModel;
  readonly builtin: Outcome;
  readonly derived: Outcome;
  /** The kernel's reason the two differ, when they do and it is known. */
  readonly known?: string;
}

/**
 * Known disagreements, by tree: the derived model reads what the kernel does where the
 * built-in one simplifies. Each names the kernel line that decides it.
 */
export const KNOWN: Readonly<Record<string, (scenario: Scenario, builtin: Outcome) => Outcome>> =
  {};

export function specOf(id: string): Spec {
  const file = join(ROOT, "specs", `${id}.json`);
  const r = parseSpec(readFileSync(file, "utf8"), file);
  if (!r.ok) throw new Error(`bad bundled spec ${id}`);
  return r.value;
}

export function deriveEra(era: Era, parser: CParser): ArchModel {
  const dir = isAbsolute(era.tree) ? era.tree : join(ROOT, "test/fixtures/kernels", era.tree);
  const r = deriveModel(
    {
      name: era.tree,
      read: (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : undefined),
    },
    parser,
    era.source,
  );
  if (!r.ok) throw new Error(`${era.tree}: ${r.problem.at}: ${r.problem.message}`);
  return r.value.model;
}

/** The cells the built-in era can run: a default matrix's (or `among`), less its n/a ones. */
export function cellsOf(
  builtin: ArchModel,
  among: readonly Scenario[] = scenarios,
): [Scenario, PreemptionModel][] {
  const out: [Scenario, PreemptionModel][] = [];
  for (const s of among) {
    if (incompatibility(builtin, s) !== undefined) continue;
    for (const p of s.preemption) {
      if (cellExisted(builtin, s, p).existed) out.push([s, p]);
    }
  }
  return out;
}

export function outcome(
  spec: Spec,
  arch: ArchModel,
  scenario: Scenario,
  p: PreemptionModel,
  maxStates: number,
): Outcome {
  const r = runCell(
    { spec, arch, scenario, preemption: p },
    { maxStates, timeoutMs: 600_000, now: () => performance.now() },
  );
  return { verdict: r.verdict, rules: [...new Set(r.violations.map((v) => v.rule))].sort() };
}

export function agree(
  era: Era,
  derived: ArchModel,
  scenario: Scenario,
  p: PreemptionModel,
  maxStates: number,
): CellAgreement {
  const builtinModel = findArch(era.builtin);
  if (!builtinModel) throw new Error(`no built-in ${era.builtin}`);
  const spec = specOf(era.spec);
  const builtin = outcome(spec, builtinModel, scenario, p, maxStates);
  const derivedOutcome = outcome(spec, derived, scenario, p, maxStates);
  const adjust = KNOWN[era.tree];
  return {
    tree: era.tree,
    scenario: scenario.id,
    preemption: p,
    builtin: adjust ? adjust(scenario, builtin) : builtin,
    derived: derivedOutcome,
  };
}

export function same(a: Outcome, b: Outcome): boolean {
  return a.verdict === b.verdict && a.rules.join(",") === b.rules.join(",");
}

async function main(): Promise<void> {
  const { loadCParser } = await import("../model/source/parser");
  const parser = await loadCParser();
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const valued = new Set(["--max-states", "--kernel", "--arch", "--builtin", "--spec"]);
  const maxStates = Number(opt("--max-states") ?? 400_000);
  const trees = args.filter((a, i) => !a.startsWith("--") && !valued.has(args[i - 1] ?? ""));
  const kernel = opt("--kernel");
  const own: Era[] = [];
  if (kernel !== undefined) {
    const arch = opt("--arch") ?? "sparc64";
    own.push({
      tree: resolve(kernel),
      source: arch === "arm64" ? arm64Source : sparc64Source,
      builtin: opt("--builtin") ?? `${arch}@v6.15`,
      spec: opt("--spec") ?? "lazy-mmu-v6.15",
    });
  }
  let bad = 0;
  let total = 0;
  const t0 = performance.now();
  for (const era of kernel !== undefined ? own : ERAS) {
    if (kernel === undefined && trees.length > 0 && !trees.includes(era.tree)) continue;
    const builtin = findArch(era.builtin);
    if (!builtin) throw new Error(`no built-in ${era.builtin}`);
    const derived = deriveEra(era, parser);
    const cells = cellsOf(builtin);
    let agreed = 0;
    for (const [s, p] of cells) {
      const a = agree(era, derived, s, p, maxStates);
      total += 1;
      if (same(a.builtin, a.derived) && a.builtin.verdict !== "incomplete") agreed += 1;
      else {
        bad += 1;
        console.log(
          `DIFFER ${era.tree} ${s.id} ${p}: built-in ${a.builtin.verdict} [${a.builtin.rules.join(", ")}], derived ${a.derived.verdict} [${a.derived.rules.join(", ")}]`,
        );
      }
    }
    console.log(`${era.tree} vs ${era.builtin}: ${agreed}/${cells.length} cells agree`);
  }
  const secs = ((performance.now() - t0) / 1000).toFixed(0);
  console.log(`${total - bad}/${total} cells agree (${secs}s)`);
  process.exitCode = bad === 0 ? 0 : 1;
}

if (require.main === module) void main();
