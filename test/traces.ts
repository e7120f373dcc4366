// The counterexamples the verdict matrix writes, generated once per test file into a
// temporary directory by running `lazymmu matrix --out DIR`, as a user would.

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { cli, tempDir } from "./cli";

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

export function matrixTraces(): { dir: string; files: string[] } {
  const dir = tempDir("matrix");
  const r = cli(["matrix", "--out", dir]);
  if (r.code !== 0) throw new Error(`lazymmu matrix exited ${r.code}: ${r.stderr}`);
  return { dir, files: walk(dir).filter((f) => f.endsWith(".itf.json")) };
}

/** The trace most tests look at: sparc64 v6.14, B's set_pte_at batched on A's CPU. */
export const MIGRATION_TRACE =
  "lazy-mmu-v6.15/sparc64@v6.14/apply-to-pte-range-init-mm/full-immediate-outside.itf.json";
