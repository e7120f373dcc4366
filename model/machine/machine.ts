// A machine: one architecture model, one scenario and one preemption model, linked into a
// single procedure table, with its initial state.

import type { ArchModel } from "../arch/types";
import { genericLazyProcs, genericPteProcs } from "../kernel/primitives";
import type { Proc, ProcTable } from "../kernel/program";
import {
  type Cpu,
  emptyGhost,
  type Kernel,
  type PreemptionModel,
  type Task,
} from "../kernel/state";
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

export function initialState(m: Machine): Kernel {
  const { scenario, arch } = m;
  const running = new Map<number, string>();
  for (const t of scenario.tasks) if (!running.has(t.cpu)) running.set(t.cpu, t.id);
  const cpus: Cpu[] = [];
  for (let id = 0; id < scenario.cpus; id++) {
    cpus.push({
      id,
      current: running.get(id) ?? null,
      irqsEnabled: true,
      irq: null,
      arch: { ...arch.perCpu, ...scenario.perCpu },
      queued: [],
      batch: [],
    });
  }
  const tasks: Task[] = scenario.tasks.map((t) => ({
    id: t.id,
    stack: [{ proc: t.entry, pc: 0, args: {}, locals: {} }],
    status: running.get(t.cpu) === t.id ? "running" : "runnable",
    cpu: t.cpu,
    preemptCount: 0,
    migrationDisabled: 0,
    atSleepPoint: false,
    flags: { ...arch.perTask, ...t.flags },
    ghost: t.inRegion === true ? { lazyDepth: 1, regions: [[]], wrote: {} } : emptyGhost,
  }));
  const irqFired: Record<string, number> = {};
  for (const i of scenario.irqs) irqFired[i.id] = 0;
  return {
    cpus,
    tasks,
    irqFired,
    locks: {},
    pte: { ...scenario.ptes },
    intended: { ...scenario.ptes },
    shared: { ...scenario.shared },
    hw: { stale: [], unsynced: [], tlb: [], overtaken: [] },
    halted: null,
  };
}
