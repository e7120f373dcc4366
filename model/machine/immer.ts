// How a successor state is produced from a recipe over a draft. By default immer does it
// (tracing, replay, the model contract test): the base state is never written. Auto-freeze
// is off: deep-freezing every successor costs more than exploring it, and immer never
// writes to a base state anyway (the model contract test checks that on deep-frozen
// states). The explorer passes its own producer instead: the recipe runs on a private deep
// copy of the base, which gives the same state without immer's proxies (see
// checker/explore/kernel-system.ts).

import { type Draft, Immer } from "immer";
import type { Kernel } from "../kernel/state";

const immer = new Immer({ autoFreeze: false });

/** Runs `recipe` on a draft of `base` and returns the state it leaves; `base` is unchanged. */
export type Produce = (base: Kernel, recipe: (d: Draft<Kernel>) => void) => Kernel;

export const produce: Produce = (base, recipe) => immer.produce(base, recipe);
