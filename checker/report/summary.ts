// A run's result as plain data: what every report (text, markdown, JSON, KTAP) is rendered
// from, what a worker thread hands back, and what `lazymmu merge` reads from a shard's JSON.
// Holds no model, spec or closure, so that it crosses threads and files unchanged.

import type { SymmetryOver } from "../explore/symmetry";
import type { CellResult, NotBuilt, StepRef, Verdict } from "../run";
import type { Obligation } from "../spec/types";
import { tracePath } from "./paths";

/** `n/a`: the cell describes no kernel ever built; `error`: the model itself failed. */
export type CellVerdict = Verdict | "n/a" | "error";

/** Why a run stopped before exploring everything; `interrupted` is Ctrl-C. */
export type StoppedBy = "max-states" | "timeout" | "interrupted";

export interface ViolationSummary {
  readonly rule: string;
  readonly obligation: Obligation | "model";
  readonly text: string;
  readonly message: string;
  readonly notes: readonly string[];
  /** The ITF trace; the text trace is beside it (`.txt`). */
  readonly trace: string;
  readonly steps: number;
}

export interface CellSummary {
  /** The cell's position in the whole selection, before any --shard: fixes report order. */
  readonly cell: number;
  readonly spec: string;
  readonly arch: string;
  readonly commits: readonly string[];
  readonly scenario: string;
  readonly preemption: string;
  readonly verdict: CellVerdict;
  /** Set when --any-era ran a combination no kernel had: `no such kernel: <why>`. */
  readonly whatIf?: string;
  readonly stoppedBy?: StoppedBy;
  /** Why a cell is n/a or an error. */
  readonly why?: string;
  /** An `error` cell: what the model threw, and the successor choices that reached it. */
  readonly error?: { readonly message: string; readonly choices: readonly number[] };
  /** Rules none of whose checks was ever evaluated: they hold vacuously (absent: none). */
  readonly vacuous?: readonly string[];
  /** With --coverage: the model steps no explored path took. */
  readonly unreached?: readonly StepRef[];
  readonly violations: readonly ViolationSummary[];
  /**
   * What symmetry reduction relabelled (`cpus`, `tasks`): `stats.states` counts one state
   * per orbit. Empty: every state was stored. Absent: the cell did not run.
   */
  readonly reduced?: readonly SymmetryOver[];
  /** Threads that explored the cell, when more than one (absent: one). */
  readonly threads?: number;
  readonly stats: {
    readonly states: number;
    readonly transitions: number;
    readonly depth: number;
    readonly seconds: number;
  };
}

export function textTracePath(itf: string): string {
  const ext = ".itf.json";
  return itf.endsWith(ext) ? `${itf.slice(0, -ext.length)}.txt` : itf;
}

export function summarize(cell: number, r: CellResult, outDir: string): CellSummary {
  return {
    cell,
    spec: r.spec.id,
    arch: r.arch.id,
    commits: r.arch.commits,
    scenario: r.scenario.id,
    preemption: r.preemption,
    verdict: r.verdict,
    ...(r.whatIf === undefined ? {} : { whatIf: `no such kernel: ${r.whatIf}` }),
    ...(r.stoppedBy === null ? {} : { stoppedBy: r.stoppedBy }),
    ...(r.error === undefined
      ? {}
      : {
          why: `the model threw: ${r.error.message}`,
          error: { message: r.error.message, choices: r.error.choices },
        }),
    ...(r.vacuous.length === 0 ? {} : { vacuous: r.vacuous }),
    ...(r.unreached === undefined
      ? {}
      : { unreached: r.unreached.map((u) => ({ fn: u.fn, label: u.label, at: u.at })) }),
    violations: r.violations.map((v) => ({
      rule: v.rule,
      obligation: v.obligation,
      text: v.text,
      message: v.message,
      notes: v.notes,
      trace: `${outDir}/${tracePath(r, v)}.itf.json`,
      steps: v.steps.length - 1,
    })),
    reduced: [...r.reduced],
    ...(r.threads === undefined ? {} : { threads: r.threads }),
    stats: {
      states: r.stats.states,
      transitions: r.stats.transitions,
      depth: r.stats.depth,
      seconds: r.stats.seconds,
    },
  };
}

/** A combination no kernel had (model/arch/existed.ts): `n/a` with the reason, not run. */
export function notBuiltSummary(cell: number, n: NotBuilt): CellSummary {
  return {
    cell,
    spec: n.spec.id,
    arch: n.arch.id,
    commits: n.arch.commits,
    scenario: n.scenario.id,
    preemption: n.preemption,
    verdict: "n/a",
    why: n.why,
    violations: [],
    stats: { states: 0, transitions: 0, depth: 0, seconds: 0 },
  };
}

/** A cell that Ctrl-C stopped before it finished (or before it started). */
export function interrupted(
  base: Pick<CellSummary, "cell" | "spec" | "arch" | "commits" | "scenario" | "preemption">,
): CellSummary {
  return {
    ...base,
    verdict: "incomplete",
    stoppedBy: "interrupted",
    violations: [],
    stats: { states: 0, transitions: 0, depth: 0, seconds: 0 },
  };
}

/** An error outweighs everything: no verdict of a run that threw can be trusted. */
export function overallVerdict(results: readonly CellSummary[]): CellVerdict {
  if (results.some((r) => r.verdict === "error")) return "error";
  if (results.some((r) => r.verdict === "fail")) return "fail";
  if (results.some((r) => r.verdict === "incomplete")) return "incomplete";
  if (results.length > 0 && results.every((r) => r.verdict === "n/a")) return "n/a";
  return "pass";
}

export interface MatrixTally {
  readonly cells: number;
  readonly pass: number;
  readonly fail: number;
  readonly incomplete: number;
  readonly "n/a": number;
  readonly error: number;
  /** Failing cells per violated rule, rules in name order. */
  readonly failuresByRule: Readonly<Record<string, number>>;
}

export function tally(results: readonly CellSummary[]): MatrixTally {
  const count = (v: CellVerdict) => results.filter((r) => r.verdict === v).length;
  const byRule = new Map<string, number>();
  for (const r of results)
    for (const v of r.violations) byRule.set(v.rule, (byRule.get(v.rule) ?? 0) + 1);
  const rules = [...byRule.keys()].sort();
  return {
    cells: results.length,
    pass: count("pass"),
    fail: count("fail"),
    incomplete: count("incomplete"),
    "n/a": count("n/a"),
    error: count("error"),
    failuresByRule: Object.fromEntries(rules.map((r) => [r, byRule.get(r) ?? 0])),
  };
}
