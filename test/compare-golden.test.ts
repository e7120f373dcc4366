// Golden output of the compare report: the markdown a maintainer reads, pinned as a file
// (no times or paths in it). Regenerate with UPDATE_GOLDEN=1 after a deliberate change.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { compareResults } from "../checker/compare-contracts";
import { compareMarkdown } from "../checker/report/contract-comparison";
import type { CellResult } from "../checker/run";
import { ROOT, run, summary } from "./helpers";

function specOf(rs: readonly CellResult[]) {
  const r = rs[0];
  if (!r) throw new Error("no runs");
  return r.spec;
}

it("compare lazy-mmu-v6.15 lazy-mmu-v7.0 on sparc64@v6.15 and @v7.0 (v7-zap-nested-debug-pagealloc, full)", () => {
  const cells = [
    ["sparc64@v6.15", "v7-zap-nested-debug-pagealloc"],
    ["sparc64@v7.0", "v7-zap-nested-debug-pagealloc"],
  ] as const;
  const a = cells.map(([arch, sc]) => run(arch, sc, "full", "lazy-mmu-v6.15"));
  const b = cells.map(([arch, sc]) => run(arch, sc, "full", "lazy-mmu-v7.0"));
  const text = compareMarkdown(
    compareResults(specOf(a), specOf(b), a.map(summary), b.map(summary)),
  );
  const file = join(ROOT, "test", "golden", "compare-v6.15-v7.0.txt");
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, "utf8"));
});
