// How V8 compiles the explorer, set once by each process that explores (the lazymmu command;
// `npm run bench`), before any of it is compiled; worker threads share the process's flags.
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
// the hot loop within the first few thousand states. Measured alike (December 2026): the
// 2x3 run optimizes 56 functions instead of 125, V8's compile times sum to 250 ms instead
// of 644, the background threads' CPU falls from about 0.4 s to 0.18 s, and the median of
// ten cold runs goes 1.00 -> 0.84 CPU s; 3x3 runs (symmetric 4.7-5.8 s, unreduced 20-24 s)
// and the default matrix (9.8-10 s wall) show no difference beyond the machine's noise.

import { setFlagsFromString } from "node:v8";

/** V8's defaults: 920 bytes inlined into one optimized function; a budget of 67,584 bytes. */
export const ENGINE_FLAGS = [
  "--max-inlined-bytecode-size-cumulative=200",
  "--interrupt-budget=270336",
] as const;

export function tuneEngine(): void {
  for (const flag of ENGINE_FLAGS) setFlagsFromString(flag);
}
