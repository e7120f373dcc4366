// The JSON report: one object, {"verdict", "results": [...]}, stable key order.

import type { CellResult, Verdict } from "../run";
import { tracePath } from "./paths";

export function overallVerdict(results: readonly CellResult[]): Verdict {
  if (results.some((r) => r.verdict === "error")) return "error";
  if (results.some((r) => r.verdict === "fail")) return "fail";
  if (results.some((r) => r.verdict === "incomplete")) return "incomplete";
  return "pass";
}

export function resultJson(r: CellResult, outDir: string, withTimes = true) {
  return {
    spec: r.spec.id,
    arch: r.arch.id,
    commits: r.arch.commits,
    scenario: r.scenario.id,
    preemption: r.preemption,
    verdict: r.verdict,
    ...(r.stoppedBy === null ? {} : { stoppedBy: r.stoppedBy }),
    ...(r.error === undefined
      ? {}
      : { error: { message: r.error.message, choices: r.error.choices } }),
    vacuous: r.vacuous,
    ...(r.unreached === undefined ? {} : { unreached: r.unreached }),
    violations: r.violations.map((v) => ({
      rule: v.rule,
      obligation: v.obligation,
      message: v.message,
      notes: v.notes,
      trace: `${outDir}/${tracePath(r, v)}.itf.json`,
      steps: v.steps.length - 1,
    })),
    stats: {
      states: r.stats.states,
      transitions: r.stats.transitions,
      depth: r.stats.depth,
      ...(withTimes ? { seconds: r.stats.seconds } : {}),
    },
  };
}

export function reportJson(results: readonly CellResult[], outDir: string): string {
  return `${JSON.stringify({ verdict: overallVerdict(results), results: results.map((r) => resultJson(r, outDir)) }, null, 2)}\n`;
}
