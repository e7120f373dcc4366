// `npm run bench`: explores a fixed configuration (scripts/bench-setup.ts) and prints
// distinct states, transitions, depth, exploration time (wall and CPU), states per second,
// memory per stored state and peak memory.
//   --config 2x3 (default) | 3x3   --symmetry (symmetry reduction, off here: the SPIN mirror is unreduced)   --repeat N (best of N runs)
//   --derived: afterwards, the same 2x3 configuration on the sparc64 model derived from the
//     fixture tree (scripts/bench-derived.ts), in the same process.
// One configuration per process, so that the memory figures are its own: bytes per state
// is the growth of the peak RSS (getrusage's ru_maxrss) over the RSS just before
// exploring, divided by the states stored; it counts everything the run allocates (state
// store, component stores, the trace's parent pointers, garbage not yet collected, V8's
// heap, kept small by the engine flags: checker/cli/engine.ts); the typed arrays the run
// still holds at the end (the exploration's own tables) are given beside it.

import { tuneEngine } from "../checker/cli/engine";
import type { BenchConfig } from "./bench-setup";

// V8's flags before the checker's modules load, so that loading them does not grow the
// young generation first (the lazymmu command sets them before it starts the workers that
// explore: checker/cli/main.ts). The modules load below.
tuneEngine();
const { runCell } = require("../checker/run") as typeof import("../checker/run");
const { BENCH_CONFIGS, BENCH_SPEC, benchCell } =
  require("./bench-setup") as typeof import("./bench-setup");

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): number {
  const repeat = Number(flag("--repeat") ?? "1");
  const config = flag("--config") ?? "2x3";
  if (!BENCH_CONFIGS.some((c) => c === config)) {
    process.stderr.write(`bench: --config ${BENCH_CONFIGS.join(" or ")}, not ${config}\n`);
    return 2;
  }
  const symmetry = process.argv.includes("--symmetry");
  const cell = benchCell(config as BenchConfig);
  const { scenario } = cell;
  const before = process.memoryUsage();
  const rssBefore = before.rss;
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let last: ReturnType<typeof runCell> | undefined;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    last = runCell(
      cell,
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
  // The typed arrays still held (the store, its parents, the memo's and components'
  // tables), against V8's own heap and code, which the RSS growth counts as well.
  const arrays = process.memoryUsage().arrayBuffers - before.arrayBuffers;
  const lines = [
    `lazymmu bench: ${cell.arch.id} on ${scenario.id} (${scenario.cpus} CPUs, ${scenario.tasks.length} tasks, an interrupt source per CPU), preemption full, ${BENCH_SPEC}${symmetry ? ", symmetry reduction (CPUs and tasks)" : ""}`,
    `verdict:          ${last.verdict}${last.violations.length > 0 ? ` (${last.violations.map((v) => v.rule).join(", ")})` : ""}`,
    `distinct states:  ${s.states}`,
    `transitions:      ${s.transitions}`,
    `depth:            ${s.depth}`,
    `seconds:          ${best.toFixed(2)}${repeat > 1 ? ` (best of ${repeat})` : ""}`,
    `cpu seconds:      ${bestCpu.toFixed(2)}`,
    `states/second:    ${Math.round(s.states / best)} (wall), ${Math.round(s.states / bestCpu)} (CPU)`,
    `bytes/state:      ${Math.round((peak - rssBefore) / s.states)} (peak RSS growth / states); ${Math.round(arrays / s.states)} in typed arrays`,
    `peak memory:      ${(peak / 2 ** 20).toFixed(0)} MiB (max RSS of the process)`,
    `node:             ${process.version}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

process.exitCode = main();
// The derived sparc64 model (read from a fixture tree), after the figures above (so that
// their memory is the built-in model's alone); loaded only when asked for (its C parser
// is start-up time the side by side would otherwise count).
if (process.exitCode === 0 && process.argv.includes("--derived")) {
  const { benchDerived } = require("./bench-derived") as typeof import("./bench-derived");
  void benchDerived().then((lines) => process.stdout.write(`\n${lines.join("\n")}\n`));
}
