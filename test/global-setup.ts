// Runs `lazymmu matrix --out DIR` once for the whole test run, as a user would, and hands
// DIR to the test files that read its traces (replay, ITF, show, html, browser).

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    matrixDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "lazymmu-matrix-"));
  const r = spawnSync("node", [join(__dirname, "..", "bin", "lazymmu"), "matrix", "--out", dir], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`lazymmu matrix exited ${r.status}: ${r.stderr}`);
  project.provide("matrixDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
