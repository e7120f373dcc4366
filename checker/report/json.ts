// The JSON report: one object, {"verdict", "results": [...]}, stable key order.

import type { CellResult, NotBuilt, Verdict } from "../run";
import { tracePath } from "./paths";

export function overallVerdict(results: readonly CellResult[]): Verdict {
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
    ...(r.whatIf === undefined ? {} : { whatIf: `no such kernel: ${r.whatIf}` }),
    ...(r.stoppedBy === null ? {} : { stoppedBy: r.stoppedBy }),
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

/** A combination no kernel had: `n/a` with the reason, in place of a result. */
export function notBuiltJson(n: NotBuilt) {
  return {
    spec: n.spec.id,
    arch: n.arch.id,
    commits: n.arch.commits,
    scenario: n.scenario.id,
    preemption: n.preemption,
    verdict: "n/a" as const,
    why: n.why,
  };
}

export function reportJson(
  results: readonly CellResult[],
  outDir: string,
  notBuilt: readonly NotBuilt[] = [],
): string {
  return `${JSON.stringify({ verdict: overallVerdict(results), results: [...results.map((r) => resultJson(r, outDir)), ...notBuilt.map(notBuiltJson)] }, null, 2)}\n`;
}
