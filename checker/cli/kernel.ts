// `--kernel DIR` at the edge: reading a kernel tree from disk, naming it (`git describe` when
// DIR is the top of a git tree, else the directory's name), loading the C parser (async, once,
// before deriving), and deriving the models the commands then run like built-in ones.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { ArchModel } from "../../model/arch/types";
import { ARCH_SOURCES, archSource, type Derived, deriveModel } from "../../model/source/derive";
import { type CParser, loadCParser } from "../../model/source/parser";
import type { KernelTree, SourceProblem } from "../../model/source/tree";
import type { ErrorCode, UserError } from "../errors";

let parser: CParser | undefined;

/**
 * Loads the C parser (once); a command that reads a tree awaits it first, as does a worker
 * thread given a job with a derived model (job.ts).
 */
export async function preloadParser(): Promise<void> {
  parser = await loadCParser();
}

function treeName(dir: string): string {
  const abs = realpathSync(dir);
  try {
    const top = execFileSync("git", ["-C", abs, "rev-parse", "--show-toplevel"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (realpathSync(top) === abs) {
      return execFileSync("git", ["-C", abs, "describe", "--always", "--dirty"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    }
  } catch {
    // not a git tree: the directory names it
  }
  return basename(abs);
}

export function readKernelTree(dir: string): { tree: KernelTree } | { error: UserError } {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    return {
      error: {
        code: "bad-kernel-tree",
        file: dir,
        message: "no such directory: --kernel expects the top of a kernel tree",
      },
    };
  }
  const cache = new Map<string, string | undefined>();
  return {
    tree: {
      name: treeName(abs),
      read(path: string): string | undefined {
        if (cache.has(path)) return cache.get(path);
        const full = join(abs, path);
        const text =
          existsSync(full) && statSync(full).isFile() ? readFileSync(full, "utf8") : undefined;
        cache.set(path, text);
        return text;
      },
    },
  };
}

const CODES: Record<SourceProblem["kind"], ErrorCode> = {
  unsupported: "unsupported-c",
  unbound: "unbound-call",
  "missing-file": "bad-kernel-tree",
  "bad-config": "bad-config",
};

export function problemError(p: SourceProblem): UserError {
  return {
    code: CODES[p.kind],
    where: p.at,
    message: p.fix === "" ? p.message : `${p.message}; to fix: ${p.fix}`,
  };
}

/** The architectures a tree has code for (its arch/<dir>/include/asm/pgtable.h). */
function supported(tree: KernelTree): string[] {
  return ARCH_SOURCES.filter(
    (s) => tree.read(`arch/${s.srcarch}/include/asm/pgtable.h`) !== undefined,
  ).map((s) => s.arch);
}

/** Derives a model per architecture named (default: every one the tree has). */
export function deriveFromTree(
  dir: string,
  archs: readonly string[] | undefined,
  config: readonly string[],
): { derived: Derived[] } | { error: UserError } {
  if (!parser) throw new Error("the C parser was not loaded before the command ran");
  const t = readKernelTree(dir);
  if ("error" in t) return t;
  const names = archs ?? supported(t.tree);
  if (names.length === 0) {
    return {
      error: {
        code: "bad-kernel-tree",
        file: dir,
        message: `no architecture this front end reads (${ARCH_SOURCES.map((s) => s.arch).join(", ")}) has its arch/ directory here`,
      },
    };
  }
  const derived: Derived[] = [];
  for (const a of names) {
    const src = archSource(a);
    if (!src) {
      return {
        error: {
          code: "unknown-arch",
          message: `--kernel reads ${ARCH_SOURCES.map((s) => s.arch).join(", ")}; got "${a}"`,
        },
      };
    }
    const d = deriveModel(t.tree, parser, src, config);
    if (!d.ok) return { error: { ...problemError(d.problem), file: dir } };
    derived.push(d.value);
  }
  return { derived };
}

export function derivedModels(derived: readonly Derived[]): ArchModel[] {
  return derived.map((d) => d.model);
}
