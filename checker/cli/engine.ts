// How V8 compiles the explorer, set once by each process that explores (the lazymmu command,
// before it starts the workers that explore; `npm run bench`, before it loads the checker),
// before any of it is compiled; worker threads share the process's flags.
//
// The explorer's hot loop calls the same few dozen functions for every transition, and the
// first states also run the model's steps and the monitor (the transition memo's misses,
// checker/explore/memo.ts). With V8's default inlining budget its optimizing compiler
// inlines much of that cold code into the hot functions: large graphs, compiled again
// after each deoptimization, on a background thread whose CPU time counts as the run's.
// A smaller cumulative budget keeps the hot functions' own inlining and drops the rest.
// Measured (Node 20, this project's 2-core machine, December 2026): the 2x3 reference's
// median over seven cold runs 1.68 CPU s -> 1.00, one 3x3 unreduced run 28.4 -> 24.7.
//
// A function is optimized once it has run through its interrupt budget of bytecode. The
// default budget optimizes 120-odd functions in a 2x3 run, most of them the model's steps
// and the monitor, which run only on memo misses: a few thousand calls each, then never
// again. Four times the budget leaves those to the baseline compiler and still optimizes
// the hot loop's functions, which run for every transition. Measured alike: the
// 2x3 run optimizes 56 functions instead of 125, V8's compile times sum to 250 ms instead
// of 644, the background threads' CPU falls from about 0.4 s to 0.18 s, and the median of
// ten cold runs goes 1.00 -> 0.84 CPU s; 3x3 runs (symmetric 4.7-5.8 s, unreduced 20-24 s)
// and the default matrix (9.8-10 s wall) show no difference beyond the machine's noise.

import { setFlagsFromString } from "node:v8";

// V8 doubles its young generation whenever as many bytes as it holds have survived
// scavenges since it last grew: the transition memo's entries survive, so in any run past
// a few thousand states the young generation grows to its maximum (v8.getHeapSpaceStatistics
// puts the new space at 32 MiB), about a quarter of the peak memory of a 3x3 symmetric run.
// The hot loop allocates little per state (a number for the clock), so a young generation
// that stays near its first size (1-2 MiB) only collects more often, and each collection
// is smaller. Measured alike: bytes per state (peak RSS growth) on the 2x3 reference
// 153-155 -> 122-126, 3x3 symmetric 107-108 -> 60-63, 3x3 unreduced 57 -> 50; CPU no worse
// (2x3 median of five 0.81-0.89 -> 0.66-0.75 s, 3x3 symmetric 3.8 -> 3.6-3.8 s, 3x3
// unreduced 18.0 -> 18.1 s, the default matrix 9.5-10.1 -> 8.8-10.1 s wall). This flag,
// unlike the young generation's size, takes effect after start-up (V8 reads it each time
// the young generation would grow).

/**
 * V8's defaults: 920 bytes inlined into one optimized function; a budget of 67,584 bytes;
 * a young generation twice as large each time it grows.
 */
export const ENGINE_FLAGS = [
  "--max-inlined-bytecode-size-cumulative=200",
  "--interrupt-budget=270336",
  "--semi-space-growth-factor=1",
] as const;

export function tuneEngine(): void {
  for (const flag of ENGINE_FLAGS) setFlagsFromString(flag);
}
