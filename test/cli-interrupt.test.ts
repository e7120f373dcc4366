// Ctrl-C ends a matrix with what was done, as the compiled command line runs it (dist/,
// built by pretest): the finished cells printed, the rest incomplete, exit 3, the finished
// cells' traces kept, no half-written file.

import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { filesUnder, tempDir } from "./cli";
import { ROOT } from "./helpers";

const files = filesUnder;

it("SIGINT during a matrix: finished cells reported and kept, the rest incomplete, exit 3", async () => {
  const out = join(tempDir("sigint"), "cx");
  // A quick failing cell first, then the benchmark's large one, on one worker.
  const child = spawn(
    "node",
    [
      join(ROOT, "bin", "lazymmu"),
      "matrix",
      "--arch",
      "sparc64@v6.5",
      "--scenario",
      "apply-to-pte-range-init-mm",
      "bench-reference",
      "--preemption",
      "full",
      "--workers",
      "1",
      "--out",
      out,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  child.stdout.on("data", (b) => {
    stdout += String(b);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  // The first cell is done when its traces are there.
  const deadline = Date.now() + 60_000;
  while (!files(out).some((f) => f.endsWith(".itf.json")) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  child.kill("SIGINT");
  const code = await exited;
  expect(code).toBe(3);
  expect(stdout).toContain("| sparc64@v6.5 | **fail**: immediate-outside, no-kernel-bug |");
  expect(stdout).toMatch(/### bench-reference[\s\S]*\| sparc64@v6\.5 \| incomplete \|/);
  expect(stdout).toMatch(/^spec: lazy-mmu-v6\.15; 2 cells: 0 pass, 1 fail, 1 incomplete, 0 n\/a$/m);
  const written = files(out);
  expect(written.some((f) => f.endsWith("full-immediate-outside.itf.json"))).toBe(true);
  expect(written.filter((f) => f.includes(".tmp-"))).toEqual([]);
  expect(written.filter((f) => f.includes("bench-reference"))).toEqual([]);
});
