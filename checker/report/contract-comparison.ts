// The report of `lazymmu compare`: what the second contract changes rule by rule, then the
// runs whose verdict (or set of violated rules) differs, with the rules that make the
// difference. Markdown for people, JSON for tools.

import type { CellDiff, Comparison, RuleChange, RuleRef } from "../compare-contracts";
import { unreachable } from "../errors";

function ruleLine(c: RuleChange): string {
  switch (c.kind) {
    case "added":
      return `- added \`${c.id}\` (${c.rule.obligation}): ${c.rule.text}`;
    case "removed":
      return `- dropped \`${c.id}\` (${c.rule.obligation}): ${c.rule.text}`;
    case "changed":
      return `- changed \`${c.id}\`: ${c.what.join(", ")}`;
    default:
      return unreachable(c);
  }
}

function list(rs: readonly RuleRef[]): string {
  return rs.length === 0 ? "-" : rs.map((r) => `${r.id} (${r.obligation})`).join(", ");
}

function why(c: CellDiff, a: string, b: string): string {
  if (c.verdictA === c.verdictB) return "same verdict, different rules";
  if (c.verdictB === "fail") return `fails only under ${b}`;
  if (c.verdictA === "fail") return `fails only under ${a}`;
  return "a run was cut short";
}

export function compareMarkdown(cmp: Comparison): string {
  const a = cmp.specA.id;
  const b = cmp.specB.id;
  const out = [`# ${a} → ${b}`, "", "## Rules", ""];
  if (cmp.rules.length === 0) out.push("- no rule differs");
  for (const c of cmp.rules) out.push(ruleLine(c));
  out.push("", "## Runs whose verdict or violated rules differ", "");
  if (cmp.differing.length === 0) {
    out.push(`No run differs (${cmp.cells.length} runs compared).`);
    return `${out.join("\n")}\n`;
  }
  out.push(
    `| arch | scenario | preemption | ${a} | ${b} | violated only under ${a} | violated only under ${b} | |`,
    "|---|---|---|---|---|---|---|---|",
  );
  for (const c of cmp.differing) {
    out.push(
      `| ${c.arch} | ${c.scenario} | ${c.preemption} | ${c.verdictA} | ${c.verdictB} | ${list(c.onlyA)} | ${list(c.onlyB)} | ${why(c, a, b)} |`,
    );
  }
  out.push("", `${cmp.differing.length} of ${cmp.cells.length} runs differ.`);
  return `${out.join("\n")}\n`;
}

export function compareJson(cmp: Comparison): string {
  return `${JSON.stringify(
    {
      specA: cmp.specA.id,
      specB: cmp.specB.id,
      rules: cmp.rules.map((c) =>
        c.kind === "changed"
          ? { change: c.kind, id: c.id, what: c.what }
          : { change: c.kind, id: c.id, obligation: c.rule.obligation },
      ),
      runs: cmp.cells.length,
      differing: cmp.differing,
    },
    null,
    2,
  )}\n`;
}
