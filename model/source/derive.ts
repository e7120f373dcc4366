// Deriving an architecture model from a kernel tree: preprocess the architecture's files
// under a configuration, compile the lazy MMU hooks and the PTE write path down to their
// bindings, and package the procedures as an ArchModel whose id says where it came from
// (`sparc64@tree:<name>`). A tree that defines v7.0's lazy_mmu_mode_*() helpers gives a
// model of that API (its hooks are reached only through them, as for the built-in v7.0
// eras). Errors are values: an unsupported construct, an unbound call, a missing file or a
// bad --config entry, each with file:line and what would fix it.

import { arm64Builds, genericBuilds, sparc64Builds } from "../arch/preemption";
import type { ArchModel } from "../arch/types";
import { ENTER, FLUSH, LEAVE, REQUIRED_HOOKS } from "../kernel/hooks";
import {
  LAZY_MMU_MODE_DISABLE,
  LAZY_MMU_MODE_ENABLE,
  LAZY_MMU_MODE_PAUSE,
  LAZY_MMU_MODE_RESUME,
} from "../kernel/lazy-mmu-mode";
import { type Proc, proc } from "../kernel/program";
import { arm64Source } from "./bindings/arm64";
import { kernelBindings, kernelConstants } from "./bindings/kernel";
import { sparc64Source } from "./bindings/sparc64";
import type { ArchSource } from "./bindings/types";
import { type Compiled, Compiler } from "./compile";
import type { CParser } from "./parser";
import { type Config, preprocess, type Unit } from "./preprocess";
import { switchHook } from "./switch";
import { type KernelTree, SourceFailure, type SourceProblem } from "./tree";

export const ARCH_SOURCES: readonly ArchSource[] = [sparc64Source, arm64Source];

/** What the model's callers call: the hooks and the PTE writers. */
export const ENTRY_POINTS = [ENTER, LEAVE, FLUSH, "set_ptes", "set_pte_at", "pte_clear"] as const;

/**
 * The PMD, PUD and hugetlb writers the callers use that an architecture may define (sparc64's
 * set_pmd_at() and hugetlbpage.c, arm64's set_pmd()/set_pud()): read when the tree defines
 * them, the engine's generic procedure otherwise (model/kernel/primitives.ts genericPmdProcs).
 * pmdp_collapse_flush(), pmdp_invalidate() and pmd_populate() stay the generic ones, which
 * call these by name.
 */
export const PMD_ENTRY_POINTS = [
  "set_pmd_at",
  "pmdp_huge_get_and_clear",
  "set_pmd",
  "set_pud",
  "set_huge_pte_at",
  "huge_ptep_get_and_clear",
] as const;

/**
 * v7.0's generic layer (include/linux/pgtable.h, 0a096ab7a3a6 and 5ab246749569): a tree that
 * defines these is read as a `lazy-mmu-mode` model, its callers the v7.0 API's.
 */
export const V7_ENTRY_POINTS = [
  LAZY_MMU_MODE_ENABLE,
  LAZY_MMU_MODE_DISABLE,
  LAZY_MMU_MODE_PAUSE,
  LAZY_MMU_MODE_RESUME,
] as const;

/** Read besides the architecture's own files: the generic headers of the lazy MMU path. */
function follows(source: ArchSource): (path: string) => boolean {
  return (path) =>
    path.startsWith(`arch/${source.srcarch}/`) ||
    path.startsWith("include/asm-generic/") ||
    source.headers.includes(path);
}

export interface Derived {
  readonly model: ArchModel;
  readonly unit: Unit;
  readonly compiled: Compiled;
  /** Entry points the tree does not define: the engine's generic procedures stand in. */
  readonly generic: readonly string[];
  readonly config: Config;
}

export type Derivation =
  | { readonly ok: true; readonly value: Derived }
  | { readonly ok: false; readonly problem: SourceProblem };

/** Parses `CONFIG_X=y` entries (and .config lines) over the architecture's defaults. */
export function configOf(
  base: Config,
  entries: readonly string[],
): { readonly config: Config } | { readonly problem: SourceProblem } {
  const out: Record<string, string> = { ...base };
  for (const raw of entries) {
    const e = raw.trim();
    if (e === "" || e.startsWith("#")) {
      // `# CONFIG_X is not set` in a .config
      const words = e.split(" ");
      if (words[1]?.startsWith("CONFIG_") && e.endsWith("is not set")) out[words[1]] = "n";
      continue;
    }
    const eq = e.indexOf("=");
    const key = eq < 0 ? "" : e.slice(0, eq);
    if (!key.startsWith("CONFIG_") || eq === e.length - 1) {
      return {
        problem: {
          kind: "bad-config",
          at: "--config",
          message: `"${raw}" is not CONFIG_NAME=value`,
          fix: "write --config CONFIG_SMP=y (values: y, m, n, a number or a string)",
        },
      };
    }
    let value = e.slice(eq + 1);
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out[key] = value;
  }
  return { config: out };
}

export function deriveModel(
  tree: KernelTree,
  parser: CParser,
  source: ArchSource,
  configEntries: readonly string[] = [],
): Derivation {
  const resolved = configOf(source.config, configEntries);
  if ("problem" in resolved) return { ok: false, problem: resolved.problem };
  const config = resolved.config;
  try {
    const roots = [
      ...source.roots,
      ...(source.optionalRoots ?? []).filter((f) => tree.read(f) !== undefined),
    ];
    const unit = preprocess(
      tree,
      parser,
      roots,
      { srcarch: source.srcarch, follow: follows(source) },
      config,
      source.predefined,
    );
    const compiler = new Compiler(unit, source, parser, kernelBindings, kernelConstants);
    const generic: string[] = [];
    for (const e of [...ENTRY_POINTS, ...PMD_ENTRY_POINTS]) if (!compiler.root(e)) generic.push(e);
    for (const hook of REQUIRED_HOOKS) {
      if (generic.includes(hook)) {
        return {
          ok: false,
          problem: {
            kind: "unbound",
            at: source.roots.join(", "),
            message: `the tree defines no ${hook}() for ${source.arch}, neither as a function nor as a macro`,
            fix: "point --kernel at a kernel tree (the top directory, with include/linux/pgtable.h)",
          },
        };
      }
    }
    const v7 = V7_ENTRY_POINTS.filter((e) => compiler.root(e));
    if (v7.length > 0 && v7.length < V7_ENTRY_POINTS.length) {
      return {
        ok: false,
        problem: {
          kind: "unbound",
          at: "include/linux/pgtable.h",
          message: `the tree defines ${v7.join(", ")}() but not ${V7_ENTRY_POINTS.filter((e) => !v7.includes(e)).join(", ")}()`,
          fix: "point --kernel at a whole kernel tree (v7.0 defines all four in include/linux/pgtable.h)",
        },
      };
    }
    for (const h of source.switchHooks) compiler.root(h);
    const compiled = compiler.out;
    compiled.bound.set("*ptep = pte", source.pteStoreDoes);
    const builtIn = (source.builtInProcs ?? []).filter((p) => !compiled.procs.has(p.name));
    const procs: Proc[] = [
      ...[...compiled.procs].map(([name, ops]) => proc(name, ops)),
      ...builtIn,
    ];
    const model: ArchModel = {
      id: `${source.arch}@tree:${tree.name}`,
      arch: source.arch,
      era: `tree ${tree.name}`,
      commits: [],
      summary: `${source.arch} read from the kernel tree ${tree.name}`,
      sources: unit.files,
      departures: [
        ...source.departures,
        `Bound, not read: ${[...compiled.bound.keys()].sort().join(", ")}.`,
        ...(builtIn.length > 0
          ? [
              `Not on the tree's lazy MMU path, the built-in ${source.arch} model's: ${builtIn.map((p) => `${p.name}()`).join(", ")}.`,
            ]
          : []),
        ...(generic.length > 0
          ? [`Not in the tree, the engine's generic procedure: ${generic.join(", ")}.`]
          : []),
      ],
      procs,
      // The tree is the user's: whatever version it is, it is a kernel that was built, so
      // every scenario's era applies; the preemption models are the architecture's.
      ran: [{ why: `the kernel tree ${tree.name}` }],
      builds:
        source.arch === "sparc64"
          ? sparc64Builds
          : source.arch === "arm64"
            ? arm64Builds
            : genericBuilds,
      perCpu: {},
      perTask: {},
      // A tree with v7.0's generic layer: its hooks are reached only through it.
      ...(v7.length > 0 ? { api: "lazy-mmu-mode" as const } : {}),
      contextSwitch: source.switchHooks.flatMap((h) => {
        if (!compiler.root(h)) return [];
        const def = unit.functions.get(h);
        return [switchHook(h, compiled.procs, def ? `${def.file}:${def.line}` : h)];
      }),
    };
    return { ok: true, value: { model, unit, compiled, generic, config } };
  } catch (e) {
    if (e instanceof SourceFailure) return { ok: false, problem: e.problem };
    throw e;
  }
}

export function archSource(arch: string): ArchSource | undefined {
  return ARCH_SOURCES.find((a) => a.arch === arch);
}
