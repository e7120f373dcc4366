// A machine: one architecture model, one scenario and one preemption model, linked into a
// single procedure table, with its initial state.

import type { ArchModel } from "../arch/types";
import { genericLazyProcs, genericPteProcs } from "../kernel/primitives";
import type { Proc, ProcTable } from "../kernel/program";
import { type Boot, initialKernel, type Kernel, type PreemptionModel } from "../kernel/state";
import type { Scenario } from "../scenarios/types";

export interface Machine {
  readonly arch: ArchModel;
  readonly scenario: Scenario;
  readonly preemption: PreemptionModel;
  readonly procs: ProcTable;
  readonly pinned: ReadonlySet<string>;
}

/**
 * Links the procedures: generic kernel code first, then the scenario's generic mm code,
 * then the architecture's overrides, then the scenario's callers. Throws on a model that
 * calls a procedure nobody defines: that is a bug in a model file, not user input.
 */
export function buildMachine(
  arch: ArchModel,
  scenario: Scenario,
  preemption: PreemptionModel,
): Machine {
  // No prototype: a procedure name read from a trace (`toString`) must find nothing here.
  const table: Record<string, Proc> = Object.create(null) as Record<string, Proc>;
  const layers = [genericLazyProcs, genericPteProcs, scenario.genericProcs ?? [], arch.procs];
  for (const layer of [...layers, scenario.procs]) {
    for (const p of layer) table[p.name] = p;
  }
  for (const p of Object.values(table)) checkProc(p, table);
  for (const name of [
    ...scenario.tasks.map((t) => t.entry),
    ...scenario.irqs.map((i) => i.handler),
  ]) {
    if (table[name] === undefined) {
      throw new Error(`model error: scenario ${scenario.id} runs ${name}, which no model defines`);
    }
  }
  const pinned = new Set(scenario.tasks.filter((t) => t.pinned === true).map((t) => t.id));
  return { arch, scenario, preemption, procs: table, pinned };
}

/** A procedure's ops name procedures that exist and labels that exist once in it. */
function checkProc(p: Proc, table: ProcTable): void {
  if (!p.ops.some((op) => op.op === "step" || op.op === "call")) {
    throw new Error(`model error: procedure ${p.name} has no steps`);
  }
  const labels = new Set<string>();
  for (const op of p.ops) {
    if (op.op !== "label") continue;
    if (labels.has(op.name)) throw new Error(`model error: ${p.name} has two labels ${op.name}`);
    labels.add(op.name);
  }
  for (const op of p.ops) {
    if (op.op === "call" && table[op.proc] === undefined) {
      throw new Error(`model error: ${p.name} calls ${op.proc}, which no model defines`);
    }
    if (op.op === "goto" && !labels.has(op.label)) {
      throw new Error(`model error: ${p.name} jumps to ${op.label}, which it does not define`);
    }
  }
}

/** What the machine boots with, from its scenario and architecture model. */
export function bootOf(m: Machine): Boot {
  const { scenario, arch } = m;
  const running = new Map<number, string>();
  for (const t of scenario.tasks) if (!running.has(t.cpu)) running.set(t.cpu, t.id);
  return {
    cpus: Array.from({ length: scenario.cpus }, (_, id) => ({
      id,
      current: running.get(id) ?? null,
      arch: { ...arch.perCpu, ...scenario.perCpu },
    })),
    tasks: scenario.tasks.map((t) => ({
      id: t.id,
      entry: t.entry,
      cpu: t.cpu,
      running: running.get(t.cpu) === t.id,
      flags: { ...arch.perTask, ...t.flags },
      inRegion: t.inRegion === true,
    })),
    irqs: scenario.irqs.map((i) => i.id),
    ptes: scenario.ptes,
    shared: scenario.shared ?? {},
  };
}

/** The machine's initial state: each field's declared first value (model/kernel/state.ts). */
export function initialState(m: Machine): Kernel {
  return initialKernel(bootOf(m));
}
