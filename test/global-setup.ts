// Once for the whole test run: rebuilds dist/ when a source is newer than it (the tests of
// bin/lazymmu and of the worker pool run the compiled JavaScript, and must run what the
// sources say even under a bare `npx vitest`); then writes the counterexamples the trace
// tests read (replay, ITF, show, html, browser): not the whole matrix, but a few failing
// cells chosen to cover every architecture family, the three bundled contracts, the v7.0
// API, interrupt handlers, preemption and migration. Runs `lazymmu verify --out DIR` in
// process, as a user would run it, and hands DIR to the test files.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { staleSource } from "../checker/cli/build-state";
import { execute } from "../checker/cli/main";

declare module "vitest" {
  export interface ProvidedContext {
    matrixDir: string;
  }
}

/**
 * [spec, arch, scenario, preemption, flags...]: each fails, so each writes traces. They run
 * with symmetry reduction (the default), so the replay tests replay reduced runs' traces,
 * except the one the golden files and the browser test pin step by step: which of the
 * shortest traces a reduced run rebuilds depends on the orbit representatives, i.e. on
 * the numbering of the collapsed components (checker/explore/symmetric-codec.ts), and a
 * change there should not rewrite the goldens.
 */
export const TRACE_CELLS: readonly (readonly [string, string, string, string, ...string[]])[] = [
  // The trace most tests look at: B's set_pte_at() batched on A's CPU after a migration
  // (sparc64 v6.5: from v6.6 to v6.14 every set_pte_at() nests, and that is v6.14's finding).
  ["lazy-mmu-v6.15", "sparc64@v6.5", "apply-to-pte-range-init-mm", "full", "--no-symmetry"],
  ["lazy-mmu-v6.15", "sparc64@v6.14", "apply-to-pte-range-init-mm", "full"],
  ["lazy-mmu-v6.15", "sparc64@v6.14", "remap-pte-range-set-ptes", "full"],
  ["lazy-mmu-v6.15", "x86-xen-pv@49147beb0ccb", "remap-pte-range-set-ptes", "full"],
  ["lazy-mmu-v6.15", "x86-xen-pv@v6.15", "read-after-write-in-region", "none"],
  ["lazy-mmu-v6.15", "powerpc-hash@v6.0", "apply-to-pte-range-init-mm", "full"],
  // arm64: an interrupt handler in the region; a nested region. (Cells no kernel had, such
  // as arm64 on the x86 KFENCE path, are n/a and write no trace.)
  ["lazy-mmu-v6.15", "arm64@5fdd05efa1cd", "kfence-set-memory-valid-irq", "full"],
  ["lazy-mmu-v6.15", "arm64@b81c688426a9", "debug-pagealloc-nested", "full"],
  ["lazy-mmu-original", "generic", "apply-to-pte-range-init-mm", "full"],
  ["lazy-mmu-v7.0", "x86-xen-pv@v7.0", "v7-zap-nested-debug-pagealloc", "rt"],
  ["lazy-mmu-v7.0", "x86-xen-pv@v7.0", "v7-kasan-pause-resume", "full"],
  ["lazy-mmu-v7.0", "x86-xen-pv@v7.0", "v7-irq-api", "rt"],
];

const ROOT = join(__dirname, "..");
/** Rebuilds dist/ (scripts/build.js) when a source is newer than the last build. */
function ensureBuilt(): void {
  if (staleSource(ROOT) === undefined) return;
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "build.js")], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
}

export default async function setup(project: TestProject): Promise<() => void> {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), "lazymmu-traces-"));
  for (const [spec, arch, scenario, preemption, ...flags] of TRACE_CELLS) {
    const args = ["verify", "--spec", spec, "--arch", arch, "--scenario", scenario, ...flags];
    const r = await execute([...args, "--preemption", preemption, "--out", dir, "--quiet"]);
    if (r.exit !== 1) throw new Error(`lazymmu ${args.join(" ")} exited ${r.exit}: ${r.stderr}`);
  }
  project.provide("matrixDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
