// Symmetry reduction changes no verdict: runs the default matrix (or the selection the
// arguments name: any `lazymmu matrix` flags) twice, with symmetry (the default) and with
// --no-symmetry, and compares every cell's verdict and violated rules (state counts differ
// by design). Prints the cells compared, how many were reduced, the states and wall time of
// each run, and each disagreement; exits 1 on any disagreement, 2 when a run fails to report.
//
//   node -r ts-node/register/transpile-only scripts/symmetry-agreement.ts [matrix flags...]
//   e.g. ... scripts/symmetry-agreement.ts --spec lazy-mmu-v7.0
//
// Counterexamples go to a temporary directory, not counterexamples/. test/symmetry.test.ts
// compares the two ways on a sample of cells.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MatrixReport } from "../checker/report/json";
import type { CellSummary } from "../checker/report/summary";

const ROOT = join(__dirname, "..");

interface Run {
  readonly report: MatrixReport;
  readonly seconds: number;
}

function matrix(args: readonly string[], out: string): Run | string {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [join(ROOT, "bin", "lazymmu"), "matrix", "--format", "json", "--quiet", "--out", out, ...args],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 30 },
  );
  const seconds = (performance.now() - t0) / 1000;
  // 0: every run completed; 3: a run was cut; 4: a model threw (verdicts compared all the same).
  if (r.status !== 0 && r.status !== 3 && r.status !== 4)
    return `lazymmu matrix ${args.join(" ")} exited ${String(r.status)}: ${r.stderr.trim()}`;
  return { report: JSON.parse(r.stdout) as MatrixReport, seconds };
}

const rulesOf = (c: CellSummary) => [...new Set(c.violations.map((v) => v.rule))].sort().join(", ");
const nameOf = (c: CellSummary) => `${c.arch} ${c.scenario} ${c.preemption}`;

function main(): number {
  const args = process.argv.slice(2);
  const out = mkdtempSync(join(tmpdir(), "lazymmu-symmetry-"));
  try {
    const on = matrix(args, join(out, "on"));
    if (typeof on === "string") return fail(on);
    const off = matrix([...args, "--no-symmetry"], join(out, "off"));
    if (typeof off === "string") return fail(off);
    const byCell = new Map(off.report.results.map((c) => [c.cell, c]));
    const disagree: string[] = [];
    let compared = 0;
    let reduced = 0;
    let statesOn = 0;
    let statesOff = 0;
    for (const a of on.report.results) {
      const b = byCell.get(a.cell);
      if (b === undefined) {
        disagree.push(`${nameOf(a)}: missing from the --no-symmetry run`);
        continue;
      }
      if (a.verdict === "n/a" && b.verdict === "n/a") continue;
      compared++;
      if ((a.reduced ?? []).length > 0) reduced++;
      statesOn += a.stats.states;
      statesOff += b.stats.states;
      if (a.verdict !== b.verdict || rulesOf(a) !== rulesOf(b))
        disagree.push(
          `${nameOf(a)}: ${a.verdict} [${rulesOf(a)}] reduced, ${b.verdict} [${rulesOf(b)}] not`,
        );
    }
    const lines = [
      `symmetry agreement: ${compared} cells compared (${reduced} reduced), ${disagree.length} disagreements`,
      `  with symmetry:    ${statesOn} states, ${on.seconds.toFixed(1)} s wall`,
      `  --no-symmetry:    ${statesOff} states, ${off.seconds.toFixed(1)} s wall`,
      ...disagree.map((d) => `  DISAGREE ${d}`),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    return disagree.length === 0 ? 0 : 1;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function fail(message: string): number {
  process.stderr.write(`symmetry-agreement: ${message}\n`);
  return 2;
}

process.exitCode = main();
