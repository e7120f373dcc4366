// One verification run: a spec, an architecture model, a scenario and a preemption model.
// Returns a verdict with its counterexamples as data; reporters and the CLI do the rest.
// A model that throws gives this run the verdict `error`, with the message and the path
// that reached it, instead of ending the whole command.

import type { ArchModel } from "../model/arch/types";
import type { PreemptionModel } from "../model/kernel/state";
import { buildMachine, type Machine } from "../model/machine/machine";
import type { Action } from "../model/machine/transitions";
import type { Scenario } from "../model/scenarios/types";
import { type Exploration, explore, type Limits, type Stats } from "./explore/bfs";
import { type KernelSystem, kernelSystem } from "./explore/kernel-system";
import { type Expander, exploreOffloaded, type OffloadedExploration } from "./explore/offload";
import { rebuild, type TraceStep } from "./explore/rebuild";
import { SharedComponents, type SharedComponentsData } from "./explore/shared-store";
import type { SymmetryOver } from "./explore/symmetry";
import { errorMessage, type Verdict } from "./outcome";
import { type Monitor, monitor, type Violation } from "./rules/monitor";
import type { Spec } from "./spec/types";

export type { Verdict } from "./outcome";

export interface Counterexample {
  readonly rule: string;
  readonly obligation: "caller" | "implementation" | "model";
  readonly text: string;
  readonly message: string;
  readonly notes: readonly string[];
  /** The PTE addresses the violation concerns (as data, for the trace renderers). */
  readonly addrs: readonly string[];
  /** Successor indices from the initial state: what `replay` re-executes. */
  readonly choices: readonly number[];
  readonly steps: readonly TraceStep[];
}

export interface CellResult {
  readonly spec: Spec;
  readonly machine: Machine;
  readonly arch: ArchModel;
  readonly scenario: Scenario;
  readonly preemption: PreemptionModel;
  /** Set when --any-era ran a combination no kernel had: why no kernel had it. */
  readonly whatIf?: string;
  readonly verdict: Verdict;
  readonly violations: readonly Counterexample[];
  readonly stats: Stats;
  readonly stoppedBy: "max-states" | "timeout" | null;
  /**
   * What symmetry reduction relabelled (checker/explore/symmetry.ts): one state was stored
   * per orbit. Empty: every state was stored (symmetry off, or the cell is not symmetric).
   */
  readonly reduced: readonly SymmetryOver[];
  /** Set when the verdict is `error`: what threw, and the steps that reached it. */
  readonly error?: CellError;
  /**
   * Rules of the spec none of whose checks was ever evaluated in this run: they hold
   * vacuously (a pass of such a rule checked nothing).
   */
  readonly vacuous: readonly string[];
  /** With `coverage`: the model steps no explored path took. */
  readonly unreached?: readonly StepRef[];
  /** Threads that explored the cell, when it was more than one (explore/offload.ts). */
  readonly threads?: number;
}

/** A model step by its kernel function, label and source position. */
export interface StepRef {
  readonly fn: string;
  readonly label: string;
  readonly at: string;
}

export interface RunOptions {
  /** Reduce by symmetry where the cell allows it (checker/explore/symmetry.ts; default true). */
  readonly symmetry?: boolean;
  /** Up to this many shortest traces per rule, ending in distinct violations (default 1). */
  readonly tracesPerRule?: number;
  /** Collect the model steps no explored path reached. */
  readonly coverage?: boolean;
  /**
   * Find each unit's transitions in the transition memo (checker/explore/memo.ts; default
   * on). Off runs every step: the same exploration, slower (a cross-check).
   */
  readonly memo?: boolean;
}

export interface CellError {
  readonly message: string;
  /** Successor indices from the initial state to the state being expanded. */
  readonly choices: readonly number[];
  /** Those steps, when they replay (empty when the model throws before its first state). */
  readonly steps: readonly TraceStep[];
}

export interface Cell {
  readonly spec: Spec;
  readonly arch: ArchModel;
  readonly scenario: Scenario;
  readonly preemption: PreemptionModel;
  /** Set when no kernel had this combination and --any-era ran it anyway: why not. */
  readonly whatIf?: string;
}

/** A combination no kernel had (model/arch/existed.ts): reported, not run. */
export interface NotBuilt {
  readonly spec: Spec;
  readonly arch: ArchModel;
  readonly scenario: Scenario;
  readonly preemption: PreemptionModel;
  readonly why: string;
}

const DEADLOCK_TEXT =
  "No context can move but not every task has finished (a deadlock of the model: a lock never released, a task never woken).";

/** How one cell's states are expanded by another thread once it is large (offload.ts). */
export interface Offload {
  /** Offload once this many states are stored (at the end of a level). */
  readonly handOffAt: number;
  /**
   * The expander, with the system `cellSystem` builds for the same cell and options on the
   * components `shared` (their buffers, for another thread).
   */
  readonly start: (shared: SharedComponentsData) => Expander;
}

/** The system a cell explores: the one the expanding thread of a large cell builds as well. */
export function cellSystem(
  machine: Machine,
  mon: Monitor,
  opts: RunOptions,
  onAction?: (a: Action) => void,
  shared?: SharedComponents,
): KernelSystem {
  return kernelSystem(machine, mon, {
    ...(opts.symmetry === undefined ? {} : { symmetry: opts.symmetry }),
    ...(opts.memo === undefined ? {} : { memo: opts.memo }),
    ...(onAction === undefined ? {} : { onAction }),
    ...(shared === undefined ? {} : { shared }),
  });
}

export function runCell(cell: Cell, limits: Limits, opts: RunOptions = {}): CellResult {
  const p = prepare(cell, opts);
  return p.ok ? runPrepared(cell, p, limits, opts) : p.result;
}

function runPrepared(cell: Cell, p: Prepared, limits: Limits, opts: RunOptions): CellResult {
  let result: Exploration<Violation>;
  try {
    result = explore(p.sys, limitsOf(limits, opts));
  } catch (err) {
    return errorResult(cell, p.machine, NO_STATS, { message: errorMessage(err), choices: [] });
  }
  return finish(cell, p, result, opts, []);
}

/**
 * `runCell`, its states expanded by the thread `offload` starts once it is large enough:
 * the same result. Coverage is collected in this thread only, so a run with it stays here,
 * as does a reduced one (explore/offload.ts says why).
 */
export async function runCellOffloaded(
  cell: Cell,
  limits: Limits,
  opts: RunOptions,
  offload: Offload,
): Promise<CellResult> {
  if (opts.coverage === true) return runCell(cell, limits, opts);
  if (opts.symmetry !== false) {
    const p = prepare(cell, opts);
    if (!p.ok) return p.result;
    if (p.reduced.length > 0) return runPrepared(cell, p, limits, opts);
  }
  const shared = SharedComponents.create();
  const p = prepare(cell, opts, shared);
  if (!p.ok) return p.result;
  let result: OffloadedExploration<Violation>;
  try {
    result = await exploreOffloaded(p.sys, limitsOf(limits, opts), {
      handOffAt: offload.handOffAt,
      start: () => offload.start(shared.data),
    });
  } catch (err) {
    return errorResult(cell, p.machine, NO_STATS, { message: errorMessage(err), choices: [] });
  }
  const r = finish(cell, p, result, opts, result.asked);
  return result.offloaded ? { ...r, threads: 2 } : r;
}

const NO_STATS: Stats = { states: 0, transitions: 0, depth: 0, seconds: 0 };

const limitsOf = (limits: Limits, opts: RunOptions): Limits => ({
  ...limits,
  ...(opts.tracesPerRule === undefined ? {} : { tracesPerRule: opts.tracesPerRule }),
});

interface Prepared {
  readonly ok: true;
  readonly machine: Machine;
  readonly mon: Monitor;
  readonly sys: KernelSystem;
  readonly reduced: readonly SymmetryOver[];
  readonly reached: Set<string>;
}

/** The cell's machine, monitor and system, or the `error` result of building them. */
function prepare(
  cell: Cell,
  opts: RunOptions,
  shared?: SharedComponents,
): Prepared | { readonly ok: false; readonly result: CellResult } {
  let machine: Machine;
  try {
    machine = buildMachine(cell.arch, cell.scenario, cell.preemption);
  } catch (err) {
    const result = errorResult(cell, undefined, NO_STATS, {
      message: errorMessage(err),
      choices: [],
    });
    return { ok: false, result };
  }
  const mon = monitor(cell.spec);
  const reached = new Set<string>();
  try {
    const sys = cellSystem(
      machine,
      mon,
      opts,
      opts.coverage === true
        ? (a: Action) => {
            if (a.kind === "step") reached.add(stepKey(a));
          }
        : undefined,
      shared,
    );
    const reduced = sys.symmetry?.ok === true ? sys.symmetry.over : [];
    return { ok: true, machine, mon, sys, reduced, reached };
  } catch (err) {
    const result = errorResult(cell, machine, NO_STATS, {
      message: errorMessage(err),
      choices: [],
    });
    return { ok: false, result };
  }
}

/** The cell's result from its exploration; `asked`: rules another thread evaluated too. */
function finish(
  cell: Cell,
  p: Prepared,
  result: Exploration<Violation>,
  opts: RunOptions,
  asked: readonly string[],
): CellResult {
  const { machine, mon, reduced, reached } = p;
  if (result.error !== undefined) {
    const { message, path } = result.error;
    return errorResult(cell, machine, result.stats, { message, choices: path }, reduced);
  }
  const violations: Counterexample[] = [];
  for (const f of result.findings) {
    const rebuilt = rebuild(machine, f.path);
    if (!rebuilt.ok) {
      const message = `checker error: a counterexample does not replay (${rebuilt.reason})`;
      return errorResult(cell, machine, result.stats, { message, choices: f.path }, reduced);
    }
    violations.push(counterexample(f, rebuilt.steps));
  }
  violations.sort((a, b) => a.rule.localeCompare(b.rule));
  const verdict: Verdict =
    violations.length > 0 ? "fail" : result.stoppedBy !== null ? "incomplete" : "pass";
  const triggered = new Set([...mon.triggered(), ...asked]);
  return {
    ...cell,
    machine,
    verdict,
    violations,
    stats: result.stats,
    stoppedBy: result.stoppedBy,
    reduced,
    vacuous: cell.spec.rules.filter((r) => !triggered.has(r.id)).map((r) => r.id),
    ...(opts.coverage === true
      ? { unreached: modelSteps(machine).filter((s) => !reached.has(stepKey(s))) }
      : {}),
  };
}

const stepKey = (s: StepRef) => `${s.fn}\u0000${s.label}\u0000${s.at}`;

/** Every step of the procedures linked into `m`, once each, in table order. */
function modelSteps(m: Machine): StepRef[] {
  const seen = new Set<string>();
  const out: StepRef[] = [];
  for (const p of Object.values(m.procs)) {
    for (const op of p.ops) {
      if (op.op !== "step") continue;
      const ref = { fn: op.fn, label: op.label, at: op.at };
      const k = stepKey(ref);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(ref);
      }
    }
  }
  return out;
}

function counterexample(
  f: Exploration<Violation>["findings"][number],
  steps: readonly TraceStep[],
) {
  if (f.kind === "deadlock" || f.violation === undefined) {
    return {
      rule: "deadlock",
      obligation: "model",
      text: DEADLOCK_TEXT,
      message: "no transition is enabled and some task has not finished",
      notes: [],
      addrs: [],
      choices: f.path,
      steps,
    } satisfies Counterexample;
  }
  const v = f.violation;
  return {
    rule: v.rule.id,
    obligation: v.rule.obligation,
    text: v.rule.text,
    message: v.message,
    notes: v.notes,
    addrs: v.addrs,
    choices: f.path,
    steps,
  } satisfies Counterexample;
}

/** A run that threw: verdict `error`, with the path that reached it replayed when it can be. */
function errorResult(
  cell: Cell,
  machine: Machine | undefined,
  stats: Stats,
  e: { readonly message: string; readonly choices: readonly number[] },
  reduced: readonly SymmetryOver[] = [],
): CellResult {
  let steps: readonly TraceStep[] = [];
  if (machine !== undefined) {
    try {
      const rebuilt = rebuild(machine, e.choices);
      if (rebuilt.ok) steps = rebuilt.steps;
    } catch {
      // The path itself throws on replay (it reaches the failing state): keep the choices.
    }
  }
  return {
    ...cell,
    // A model whose procedures do not link has no machine: one with no procedures stands in.
    machine: machine ?? { ...cell, procs: {}, pinned: new Set() },
    verdict: "error",
    violations: [],
    stats,
    stoppedBy: null,
    reduced,
    vacuous: [],
    error: { message: e.message, choices: e.choices, steps },
  };
}
