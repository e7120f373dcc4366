// `npm run bench`: explores a fixed configuration and prints distinct states, transitions,
// depth, exploration time (wall and CPU), states per second, memory per stored state and
// peak memory. Configurations (sparc64 after a1d416bf9faf, preemption full, spec v6.15):
//   --config 2x3 (default): bench-reference, 2 CPUs, 3 tasks, an interrupt source per CPU;
//     mirrored for SPIN by ../shared/bench/spin/bench_reference.pml;
//   --config 3x3: the same with an idle third CPU and its own interrupt source (the mirror's
//     -DNCPU=3 variant: 3,694,572 states under SPIN).
// --symmetry stores one state per renumbering of the CPUs. --repeat N takes the best of N runs. One configuration per process, so that the memory
// figures are its own: bytes per state is the growth of the peak RSS over the RSS before
// exploring, divided by the states stored.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCell } from "../checker/run";
import { parseSpec } from "../checker/spec/parse";
import { findArch } from "../model/arch/index";
import { findScenario } from "../model/scenarios/index";
import type { Scenario } from "../model/scenarios/types";
import { benchDerived } from "./bench-derived";

const ARCH = "sparc64@v6.15";
const SCENARIO = "bench-reference";
const SPEC = "specs/lazy-mmu-v6.15.json";

/** The mirror's -DNCPU=3: CPU 2 starts idle and has a kfence source of its own. */
function withThirdCpu(s: Scenario): Scenario {
  return {
    ...s,
    id: `${s.id}-3cpu`,
    summary: `${s.summary}; a third, idle CPU with its own interrupt source`,
    cpus: 3,
    irqs: [...s.irqs, { id: "kfence2", handler: "kfence_unprotect", bound: 1, cpus: [2] }],
  };
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): number {
  const repeat = Number(flag("--repeat") ?? "1");
  const config = flag("--config") ?? "2x3";
  const symmetry = process.argv.includes("--symmetry");
  const arch = findArch(ARCH);
  const reference = findScenario(SCENARIO);
  const spec = parseSpec(readFileSync(join(__dirname, "..", SPEC), "utf8"), SPEC);
  if (!arch || !reference || !spec.ok) throw new Error("bench configuration missing");
  if (config !== "2x3" && config !== "3x3") throw new Error(`--config 2x3 or 3x3, not ${config}`);
  const scenario = config === "3x3" ? withThirdCpu(reference) : reference;
  const rssBefore = process.memoryUsage().rss;
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let last: ReturnType<typeof runCell> | undefined;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    last = runCell(
      { spec: spec.value, arch, scenario, preemption: "full" },
      { maxStates: 50_000_000, timeoutMs: 3_600_000, now: () => performance.now() },
      { symmetry },
    );
    const cpu = process.cpuUsage(c0);
    best = Math.min(best, (performance.now() - t0) / 1000);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e6);
  }
  if (!last) return 1;
  const s = last.stats;
  const peak = process.resourceUsage().maxRSS * 1024;
  const lines = [
    `lazymmu bench: ${ARCH} on ${scenario.id} (${scenario.cpus} CPUs, ${scenario.tasks.length} tasks, an interrupt source per CPU), preemption full, ${SPEC}${symmetry ? ", CPU symmetry reduction" : ""}`,
    `verdict:          ${last.verdict}${last.violations.length > 0 ? ` (${last.violations.map((v) => v.rule).join(", ")})` : ""}`,
    `distinct states:  ${s.states}`,
    `transitions:      ${s.transitions}`,
    `depth:            ${s.depth}`,
    `seconds:          ${best.toFixed(2)}${repeat > 1 ? ` (best of ${repeat})` : ""}`,
    `cpu seconds:      ${bestCpu.toFixed(2)}`,
    `states/second:    ${Math.round(s.states / best)} (wall), ${Math.round(s.states / bestCpu)} (CPU)`,
    `bytes/state:      ${Math.round((peak - rssBefore) / s.states)} (peak RSS growth / states)`,
    `peak memory:      ${(peak / 2 ** 20).toFixed(0)} MiB (max RSS of the process)`,
    `node:             ${process.version}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

process.exitCode = main();
// The derived sparc64 model (read from a fixture tree) on the default configuration, after
// the figures above (so that their memory is the built-in model's alone).
if (
  process.exitCode === 0 &&
  (flag("--config") ?? "2x3") === "2x3" &&
  !process.argv.includes("--symmetry")
)
  void benchDerived().then((lines) => process.stdout.write(`\n${lines.join("\n")}\n`));
