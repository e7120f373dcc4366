// `npm run bench`: explores the fixed reference configuration (2 CPUs, 3 tasks, an
// interrupt source per CPU, sparc64 after a1d416bf9faf, preemption full, spec v6.15) and
// prints distinct states, transitions, seconds, states per second and peak memory.
// Run with --repeat N to take the best of N runs.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findArch } from "../model/arch/index";
import { findScenario } from "../model/scenarios/index";
import { benchDerived } from "./bench-derived";
import { runCell } from "./run";
import { parseSpec } from "./spec/parse";

const ARCH = "sparc64@v6.15";
const SCENARIO = "bench-reference";
const SPEC = "specs/lazy-mmu-v6.15.json";

function main(): number {
  const repeatArg = process.argv.indexOf("--repeat");
  const repeat = repeatArg >= 0 ? Number(process.argv[repeatArg + 1] ?? "1") : 1;
  const arch = findArch(ARCH);
  const scenario = findScenario(SCENARIO);
  const spec = parseSpec(readFileSync(join(__dirname, "..", SPEC), "utf8"), SPEC);
  if (!arch || !scenario || !spec.ok) throw new Error("bench configuration missing");
  let best = Number.POSITIVE_INFINITY;
  let last: ReturnType<typeof runCell> | undefined;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    last = runCell(
      { spec: spec.value, arch, scenario, preemption: "full" },
      { maxStates: 50_000_000, timeoutMs: 3_600_000, now: () => performance.now() },
    );
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  if (!last) return 1;
  const s = last.stats;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  const lines = [
    `lazymmu bench: ${ARCH} on ${SCENARIO} (2 CPUs, 3 tasks, an interrupt source per CPU), preemption full, ${SPEC}`,
    `verdict:          ${last.verdict}${last.violations.length > 0 ? ` (${last.violations.map((v) => v.rule).join(", ")})` : ""}`,
    `distinct states:  ${s.states}`,
    `transitions:      ${s.transitions}`,
    `depth:            ${s.depth}`,
    `seconds:          ${best.toFixed(2)}${repeat > 1 ? ` (best of ${repeat})` : ""}`,
    `states/second:    ${Math.round(s.states / best)}`,
    `peak memory:      ${peakMiB.toFixed(0)} MiB (max RSS of the process)`,
    `node:             ${process.version}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

process.exitCode = main();
void benchDerived().then((lines) => process.stdout.write(`\n${lines.join("\n")}\n`));
