// A state seen as a flat list of named kernel facts ("CPU0 tlb_batch.active = 1",
// "A preempt_count = 1", "pte[user:0] = 2"), so that a trace step can show only what
// changed. Each fact keeps, as data, whose it is, which field of the state it shows and,
// for a list, its items: the renderers filter and word facts by these, never by their names.
// Which facts each state field gives is declared with the field, in model/kernel/state.ts.

import type { FactOut } from "../../model/kernel/fields";
import type { ProcTable } from "../../model/kernel/program";
import type { Kernel } from "../../model/kernel/state";
import {
  cpuFacts,
  type FactField,
  memoryFacts,
  taskFacts,
} from "../../model/machine/observed-state";

export type { FactField };

export type Facts = ReadonlyMap<string, string>;

/** Whose fact it is: a CPU's, a task's (shown with the CPU it is on), or memory and MMU. */
export type Owner =
  | { readonly kind: "cpu"; readonly cpu: number }
  | { readonly kind: "task"; readonly task: string }
  | { readonly kind: "memory" };

export interface Fact {
  /** The fact's full name, e.g. `CPU0 batch`, `A preempt_count`, `pte[user:0]`. */
  readonly name: string;
  /** Its name inside its owner's lane: `batch` (a CPU lane does not repeat `CPU0`). */
  readonly short: string;
  readonly value: string;
  readonly owner: Owner;
  readonly field: FactField;
  /** For a list-valued fact, its items as shown (`user:0`, `user:1=2`). */
  readonly items?: readonly string[];
}

export function factList(s: Kernel, procs?: ProcTable): Fact[] {
  const out: Fact[] = [];
  const add = (owner: Owner, prefix: string, facts: readonly FactOut<FactField>[]) => {
    for (const f of facts) {
      out.push({
        name: `${prefix}${f.name}`,
        short: owner.kind === "cpu" ? f.name : `${prefix}${f.name}`,
        value: f.value,
        owner,
        field: f.field,
        ...(f.items === undefined ? {} : { items: f.items }),
      });
    }
  };
  for (const c of s.cpus) add({ kind: "cpu", cpu: c.id }, `CPU${c.id} `, cpuFacts(c, procs));
  for (const t of s.tasks) add({ kind: "task", task: t.id }, `${t.id} `, taskFacts(t, procs));
  add({ kind: "memory" }, "", memoryFacts(s, procs));
  return out;
}

export function facts(s: Kernel, procs?: ProcTable): Facts {
  return factsOf(factList(s, procs));
}

export function factsOf(list: readonly Fact[]): Facts {
  return new Map(list.map((f) => [f.name, f.value]));
}

/** Facts that differ between two states: [name, before, after]. */
export function diff(before: Facts, after: Facts): [string, string, string][] {
  const out: [string, string, string][] = [];
  const names = new Set([...before.keys(), ...after.keys()]);
  for (const n of names) {
    const a = before.get(n) ?? "-";
    const b = after.get(n) ?? "-";
    if (a !== b) out.push([n, a, b]);
  }
  return out;
}
