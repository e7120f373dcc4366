// Comparing two contracts over the same runs: for each architecture model, scenario and
// preemption model checked under both, whether the verdicts differ and which rules make the
// difference; and, rule by rule, what the second contract adds, drops or changes. Pure:
// takes the summaries of both runs, returns data.

import type { CellSummary, CellVerdict } from "./report/summary";
import type { Obligation, Rule, Spec } from "./spec/types";

export interface RuleRef {
  readonly id: string;
  readonly obligation: Obligation | "model";
}

export interface CellDiff {
  readonly arch: string;
  readonly scenario: string;
  readonly preemption: string;
  readonly verdictA: CellVerdict;
  readonly verdictB: CellVerdict;
  /** Rules violated under A only (absent from B, or holding there). */
  readonly onlyA: readonly RuleRef[];
  /** Rules violated under B only. */
  readonly onlyB: readonly RuleRef[];
  /** Rules violated under both. */
  readonly both: readonly string[];
}

export type RuleChange =
  | { readonly kind: "added"; readonly id: string; readonly rule: Rule }
  | { readonly kind: "removed"; readonly id: string; readonly rule: Rule }
  | {
      readonly kind: "changed";
      readonly id: string;
      /** What changed: the checks, the text, the obligation. */
      readonly what: readonly ("checks" | "text" | "obligation")[];
    };

export interface Comparison {
  readonly specA: Spec;
  readonly specB: Spec;
  readonly rules: readonly RuleChange[];
  /** Every cell run under both, in run order. */
  readonly cells: readonly CellDiff[];
  /** The cells whose verdict or set of violated rules differs. */
  readonly differing: readonly CellDiff[];
}

function key(r: CellSummary): string {
  return `${r.arch}\u0000${r.scenario}\u0000${r.preemption}`;
}

export function diffRules(a: Spec, b: Spec): RuleChange[] {
  const out: RuleChange[] = [];
  const inB = new Map(b.rules.map((r) => [r.id, r]));
  const inA = new Map(a.rules.map((r) => [r.id, r]));
  for (const r of a.rules) {
    const other = inB.get(r.id);
    if (other === undefined) {
      out.push({ kind: "removed", id: r.id, rule: r });
      continue;
    }
    const what: ("checks" | "text" | "obligation")[] = [];
    if (JSON.stringify(r.checks) !== JSON.stringify(other.checks)) what.push("checks");
    if (r.text !== other.text) what.push("text");
    if (r.obligation !== other.obligation) what.push("obligation");
    if (what.length > 0) out.push({ kind: "changed", id: r.id, what });
  }
  for (const r of b.rules) if (!inA.has(r.id)) out.push({ kind: "added", id: r.id, rule: r });
  return out;
}

function refs(r: CellSummary): Map<string, RuleRef> {
  return new Map(r.violations.map((v) => [v.rule, { id: v.rule, obligation: v.obligation }]));
}

/** `a` and `b` are the same cells run under two specs (matched by arch, scenario, preemption). */
export function compareResults(
  specA: Spec,
  specB: Spec,
  a: readonly CellSummary[],
  b: readonly CellSummary[],
): Comparison {
  const byKey = new Map(b.map((r) => [key(r), r]));
  const cells: CellDiff[] = [];
  for (const ra of a) {
    const rb = byKey.get(key(ra));
    if (rb === undefined) continue;
    const va = refs(ra);
    const vb = refs(rb);
    cells.push({
      arch: ra.arch,
      scenario: ra.scenario,
      preemption: ra.preemption,
      verdictA: ra.verdict,
      verdictB: rb.verdict,
      onlyA: [...va.values()].filter((x) => !vb.has(x.id)),
      onlyB: [...vb.values()].filter((x) => !va.has(x.id)),
      both: [...va.keys()].filter((id) => vb.has(id)),
    });
  }
  const differing = cells.filter(
    (c) => c.verdictA !== c.verdictB || c.onlyA.length > 0 || c.onlyB.length > 0,
  );
  return { specA, specB, rules: diffRules(specA, specB), cells, differing };
}
