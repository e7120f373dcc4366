// Symmetry reduction: two states that differ only by a relabelling of the CPUs (with the
// interrupt sources bound to them renamed alike) and of the tasks that run the same program
// have the same futures up to that relabelling, so only one of them, the orbit's
// representative, is stored (symmetric-codec.ts picks it; relabel.ts applies a relabelling).
//
// Which relabellings are offered, and when:
//  - CPUs: the renumberings under which the machine is symmetric: each maps every bound
//    interrupt source to one with the same handler, kind, bound and image of its CPUs;
//  - tasks: the permutations of tasks with the same entry procedure (and so the same
//    arguments: a task's first frame has none), thread flags, pinning and start inside a
//    region. Where a task starts (its CPU, running or queued) is part of the initial state
//    only, not of the transition relation: the transitions of a state and of its relabelling
//    correspond whatever the initial state is, and the quotient's orbits are those of the
//    states reachable from it;
//  - the group is the product of the two.
// Neither is offered where the spec could tell the states apart: a rule that reads a
// context's name (`ctx.id`, the whole `ctx` or `event`, a call's whole `args`, a bug's
// `message`), the whole `state`, or a state field not declared free of CPUs (for CPUs:
// model/kernel/state.ts `cpuFree`) or of tasks (`taskFree`); nor for CPUs a rule reading a
// CPU number (`ctx.cpu`, any path naming a cpu); nor where the scenario has shared
// variables, which may hold a number or a name a relabelling would not follow.

import type { Machine } from "../../model/machine/machine";
import { CPU_FREE_STATE_FIELDS, TASK_FREE_STATE_FIELDS } from "../../model/machine/observed-state";
import type { TaskSpec } from "../../model/scenarios/types";
import { varsOf } from "../rules/paths";
import type { Spec } from "../spec/types";

/**
 * One relabelling: CPU c becomes cpu[c], bound interrupt sources are renamed by `source`;
 * the task at place t of the state's list goes to place task[t] and takes that place's id
 * (`taskId` renames every reference to a task). The state's list holds the scenario's tasks
 * in the scenario's order (machine.ts bootOf; no transition reorders it).
 */
export interface Relabelling {
  readonly cpu: readonly number[];
  readonly source: ReadonlyMap<string, string>;
  readonly task: readonly number[];
  readonly taskId: ReadonlyMap<string, string>;
}

/** What a reduction relabels. */
export type SymmetryOver = "cpus" | "tasks";

export type Symmetry =
  | {
      readonly ok: true;
      /** Every relabelling of the group, the identity first. */
      readonly group: readonly Relabelling[];
      readonly over: readonly SymmetryOver[];
    }
  | { readonly ok: false; readonly why: string };

/** Paths whose value names a context, whatever the machine: no symmetry where one is read. */
const NAMES_A_CONTEXT: ReadonlySet<string> = new Set([
  "ctx",
  "ctx.id",
  "event",
  "event.args",
  "event.message",
  "state",
]);

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) {
    for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  }
  return out;
}

const isIdentity = (p: readonly number[]) => p.every((x, i) => x === i);

/** The `state` field a path reads (`tlb` of `state.tlb.stale`), if it reads one. */
function stateField(path: string): string | undefined {
  return path.startsWith("state.") ? (path.split(".")[1] ?? "") : undefined;
}

type Part<T> =
  | { readonly ok: true; readonly perms: readonly T[] }
  | { readonly ok: false; readonly why: string };

interface CpuPerm {
  readonly cpu: readonly number[];
  readonly source: ReadonlyMap<string, string>;
}

/** The renumberings of CPUs under which this machine, judged by rules reading `vars`, is symmetric. */
function cpuPermutations(m: Machine, vars: readonly string[]): Part<CpuPerm> {
  const n = m.scenario.cpus;
  if (n < 2) return { ok: false, why: "one CPU" };
  const bound = vars.find((v) => {
    const f = stateField(v);
    return /cpu/i.test(v) || (f !== undefined && !CPU_FREE_STATE_FIELDS.has(f));
  });
  if (bound !== undefined) return { ok: false, why: `a rule reads ${bound}` };
  const out: CpuPerm[] = [];
  for (const p of permutations(n)) {
    const source = new Map<string, string>();
    // Each source's twin is another's at most (two identical sources stay two), itself first.
    const taken = new Set<string>();
    let fits = true;
    for (const src of m.scenario.irqs) {
      if (src.cpus === undefined) continue;
      const image = src.cpus.map((c) => p[c] ?? c).sort((a, b) => a - b);
      const twins = m.scenario.irqs.filter(
        (o) =>
          !taken.has(o.id) &&
          o.handler === src.handler &&
          o.bound === src.bound &&
          (o.kind ?? "hardirq") === (src.kind ?? "hardirq") &&
          o.cpus !== undefined &&
          [...o.cpus].sort((a, b) => a - b).join() === image.join(),
      );
      const twin = twins.find((o) => o.id === src.id) ?? twins[0];
      if (twin) taken.add(twin.id);
      if (!twin) {
        fits = false;
        break;
      }
      if (twin.id !== src.id) source.set(src.id, twin.id);
    }
    if (fits) out.push({ cpu: p, source });
  }
  if (out.length < 2) return { ok: false, why: "the interrupt sources tell the CPUs apart" };
  return { ok: true, perms: out };
}

/** What makes two tasks interchangeable: the same program, flags, pinning and region. */
function programOf(t: TaskSpec): string {
  const flags = Object.entries(t.flags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([t.entry, flags, t.pinned === true, t.inRegion === true]);
}

/**
 * The permutations of the state's task list (place t to place p[t]) that only exchange
 * tasks running the same program, for rules reading `vars`.
 */
function taskPermutations(m: Machine, vars: readonly string[]): Part<readonly number[]> {
  const tasks = m.scenario.tasks;
  const bound = vars.find((v) => {
    const f = stateField(v);
    return f !== undefined && !TASK_FREE_STATE_FIELDS.has(f);
  });
  if (bound !== undefined) return { ok: false, why: `a rule reads ${bound}` };
  const classes = new Map<string, number[]>();
  tasks.forEach((t, i) => {
    const k = programOf(t);
    classes.set(k, [...(classes.get(k) ?? []), i]);
  });
  let perms: number[][] = [tasks.map((_, i) => i)];
  for (const places of classes.values()) {
    if (places.length < 2) continue;
    const next: number[][] = [];
    for (const base of perms) {
      for (const q of permutations(places.length)) {
        const p = [...base];
        places.forEach((at, j) => {
          p[at] = places[q[j] ?? j] ?? at;
        });
        next.push(p);
      }
    }
    perms = next;
  }
  if (perms.length < 2) return { ok: false, why: "no two tasks run the same program" };
  return { ok: true, perms };
}

/**
 * The relabellings under which this machine, judged by this spec, is symmetric: of CPUs and
 * of tasks, or of the kinds `over` names.
 */
export function symmetryOf(
  m: Machine,
  spec: Spec,
  over: readonly SymmetryOver[] = ["cpus", "tasks"],
): Symmetry {
  const vars: string[] = [];
  for (const r of spec.rules) for (const c of r.checks) varsOf(c.require, vars);
  const named = vars.find((v) => NAMES_A_CONTEXT.has(v));
  if (named !== undefined) return { ok: false, why: `a rule reads ${named}` };
  if (Object.keys(m.scenario.shared ?? {}).length > 0)
    return { ok: false, why: "the scenario has shared variables" };
  const off = (kind: string) => ({ ok: false as const, why: `${kind} not asked for` });
  const cpus = over.includes("cpus") ? cpuPermutations(m, vars) : off("CPUs");
  const tasks = over.includes("tasks") ? taskPermutations(m, vars) : off("tasks");
  if (!cpus.ok && !tasks.ok) return { ok: false, why: `CPUs: ${cpus.why}; tasks: ${tasks.why}` };
  const cpuPerms: readonly CpuPerm[] = cpus.ok
    ? cpus.perms
    : [{ cpu: Array.from({ length: m.scenario.cpus }, (_, i) => i), source: new Map() }];
  const taskPerms: readonly (readonly number[])[] = tasks.ok
    ? tasks.perms
    : [m.scenario.tasks.map((_, i) => i)];
  const ids = m.scenario.tasks.map((t) => t.id);
  const group: Relabelling[] = [];
  for (const c of cpuPerms) {
    for (const task of taskPerms) {
      const taskId = new Map<string, string>();
      task.forEach((to, from) => {
        const a = ids[from];
        const b = ids[to];
        if (a !== undefined && b !== undefined && a !== b) taskId.set(a, b);
      });
      group.push({ cpu: c.cpu, source: c.source, task, taskId });
    }
  }
  // The identity first: a state that is its own representative needs no other work.
  group.sort((a, b) => Number(isIdentityRelabelling(b)) - Number(isIdentityRelabelling(a)));
  const reduces: SymmetryOver[] = [
    ...(cpus.ok ? ["cpus" as const] : []),
    ...(tasks.ok ? ["tasks" as const] : []),
  ];
  return { ok: true, group, over: reduces };
}

export function isIdentityRelabelling(r: Relabelling): boolean {
  return isIdentity(r.cpu) && isIdentity(r.task);
}
