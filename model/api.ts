// The public authoring API (`lazymmu/api`): everything a model or scenario file needs, the
// built-in ones included. An architecture design or a core-mm caller written against this
// module can be checked from a file outside the repository with `lazymmu verify --load FILE`.
// See docs/authoring.md. This module only re-exports and checks shapes: the vocabulary lives
// in model/kernel (program, primitives, context, hardware, the v7.0 layer) and the caller
// patterns in model/scenarios.

import type { ArchModel } from "./arch/types";
import type { Scenario } from "./scenarios/types";

// arm64's thread-flag and barrier helpers (TIF_LAZY_MMU, TIF_LAZY_MMU_PENDING, dsb; isb).
export { emit_pte_barriers, set_thread_flag, test_thread_flag } from "./arch/arm64";
export { architectures, findArch } from "./arch/index";
export type { Api, ArchModel, SwitchEnv, SwitchStep } from "./arch/types";
export * from "./kernel/context";
export * from "./kernel/hardware";
export * from "./kernel/lazy-mmu-mode";
export * from "./kernel/primitives";
export * from "./kernel/program";
export type * from "./kernel/state";
export { emptyGhost, mmOf } from "./kernel/state";
export * from "./scenarios/callers";
export {
  accessThroughKmap,
  KMAP_SLOT,
  kmap,
  kmapLocalCall,
  kmapProcs,
  kunmap,
  kunmapLocalCall,
  migrate_disable,
  migrate_enable,
  PKMAP_SLOT,
} from "./scenarios/kmap";
export type { IrqSpec, Scenario, TaskSpec } from "./scenarios/types";
export { disable, enable, lazyMmuRegion, pause, resume } from "./scenarios/v7";

/** A value a model file made with defineArch() or defineScenario(). */
export type Definition =
  | { readonly kind: "arch"; readonly model: ArchModel }
  | { readonly kind: "scenario"; readonly scenario: Scenario };

const defined = new WeakMap<object, Definition>();

/** An architecture model (or a design not merged): its hooks and state, with its source. */
export function defineArch<T extends ArchModel>(model: T): T {
  defined.set(model, { kind: "arch", model });
  return model;
}

/** A scenario: core-mm callers on a small machine, with its initial state. */
export function defineScenario<T extends Scenario>(scenario: T): T {
  defined.set(scenario, { kind: "scenario", scenario });
  return scenario;
}

/** What a loaded file's export is: made by defineArch, by defineScenario, or neither. */
export function definedAs(x: unknown): Definition | undefined {
  return typeof x === "object" && x !== null ? defined.get(x) : undefined;
}

import { REQUIRED_HOOKS } from "./kernel/hooks";

export { REQUIRED_HOOKS };

const PREEMPTION = ["none", "full", "rt"];

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function fieldProblems(
  o: Record<string, unknown>,
  strings: readonly string[],
  lists: readonly string[],
  records: readonly string[],
): string[] {
  const out: string[] = [];
  for (const k of strings)
    if (typeof o[k] !== "string" || o[k] === "") out.push(`${k} must be a non-empty string`);
  for (const k of lists) if (!Array.isArray(o[k])) out.push(`${k} must be a list`);
  for (const k of records) if (!isRecord(o[k])) out.push(`${k} must be an object`);
  return out;
}

/** What is wrong with a value offered as an architecture model (empty when nothing is). */
export function archProblems(x: unknown): string[] {
  if (!isRecord(x)) return ["an architecture model must be an object"];
  const out = fieldProblems(
    x,
    ["id", "arch", "era", "summary"],
    ["commits", "sources", "departures", "procs", "contextSwitch"],
    ["perCpu", "perTask"],
  );
  if (Array.isArray(x.procs)) {
    const names = new Set(x.procs.map((p: unknown) => (isRecord(p) ? p.name : undefined)));
    for (const hook of REQUIRED_HOOKS) {
      if (!names.has(hook)) out.push(`it defines no ${hook}() (a required hook)`);
    }
  }
  return out;
}

/** What is wrong with a value offered as a scenario (empty when nothing is). */
export function scenarioProblems(x: unknown): string[] {
  if (!isRecord(x)) return ["a scenario must be an object"];
  const out = fieldProblems(
    x,
    ["id", "summary", "source"],
    ["tasks", "irqs", "procs", "preemption"],
    ["ptes"],
  );
  const cpus = x.cpus;
  if (typeof cpus !== "number" || !Number.isInteger(cpus) || cpus < 1) {
    out.push("cpus must be a whole number of at least 1");
  }
  if (Array.isArray(x.preemption)) {
    for (const p of x.preemption) {
      if (!PREEMPTION.includes(String(p)))
        out.push(`preemption "${String(p)}" is not none, full or rt`);
    }
  }
  if (Array.isArray(x.tasks)) {
    for (const t of x.tasks) {
      if (!isRecord(t) || typeof t.id !== "string" || typeof t.entry !== "string") {
        out.push("each task needs an id and an entry procedure");
      } else if (
        typeof cpus === "number" &&
        (typeof t.cpu !== "number" || t.cpu < 0 || t.cpu >= cpus)
      ) {
        out.push(`task ${t.id} starts on CPU ${String(t.cpu)}, which the scenario does not have`);
      }
    }
  }
  return out;
}
