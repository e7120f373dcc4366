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

import { setFlagsFromString } from "node:v8";

/** V8's default is 920 bytes of bytecode inlined into one optimized function. */
export const ENGINE_FLAGS = ["--max-inlined-bytecode-size-cumulative=200"] as const;

export function tuneEngine(): void {
  for (const flag of ENGINE_FLAGS) setFlagsFromString(flag);
}
