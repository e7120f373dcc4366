// `lazymmu list`: architecture models, scenarios and bundled specs, in columns as wide as
// their longest id.

import { architectures } from "../../../model/arch/index";
import { apiOfArch, apiOfScenario } from "../../../model/scenarios/api";
import { extraScenarios, scenarios } from "../../../model/scenarios/index";
import type { Spec } from "../../spec/types";
import { type Context, type Outcome, output, userError } from "../command";
import { bundledSpecs } from "../files";
import { checkFormat, type LoadFlags, loadFiles } from "./shared";

/** v7.0-API models and scenarios are marked; the others speak the arch hooks. */
function apiTag(api: string): string {
  return api === "lazy-mmu-mode" ? "[v7.0 API] " : "";
}

function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...rows.map(([id]) => id.length));
  return rows.map(([id, rest]) => `  ${id.padEnd(width)}  ${rest}`);
}

function scenarioColumns(rows: readonly { id: string; api: string; summary: string }[]): string[] {
  return columns(rows.map((s) => [s.id, `${apiTag(s.api)}${s.summary}`]));
}

export function run(
  _args: readonly string[],
  flags: { format: string } & LoadFlags,
  _ctx: Context,
): Outcome {
  const bad = checkFormat(flags.format, ["text", "json"]);
  if (bad) return userError(bad);
  const load = loadFiles(flags);
  if (!load.ok) return userError(load.error);
  const specs: Spec[] = [];
  for (const r of bundledSpecs()) {
    if (!r.ok) return userError(r.error);
    specs.push(r.value);
  }
  const data = {
    architectures: architectures.map((a) => ({
      id: a.id,
      arch: a.arch,
      era: a.era,
      commits: a.commits,
      api: apiOfArch(a),
      summary: a.summary,
    })),
    scenarios: [
      ...scenarios.map((s) => ({ s, inDefaultMatrix: true })),
      ...extraScenarios.map((s) => ({ s, inDefaultMatrix: false })),
    ].map(({ s, inDefaultMatrix }) => ({
      id: s.id,
      summary: s.summary,
      api: apiOfScenario(s),
      preemption: s.preemption,
      cpus: s.cpus,
      inDefaultMatrix,
    })),
    specs: specs.map((s) => ({
      id: s.id,
      path: s.path,
      kernel: s.kernel,
      rules: s.rules.map((r) => ({ id: r.id, obligation: r.obligation })),
    })),
  };
  if (flags.format === "json") return output(`${JSON.stringify(data, null, 2)}\n`);
  const out = [
    "Architecture models:",
    ...columns(
      data.architectures.map((a) => [
        a.id,
        `${apiTag(a.api)}${a.summary} [${a.commits.join(", ")}]`,
      ]),
    ),
    "Scenarios:",
    ...scenarioColumns(data.scenarios.filter((s) => s.inDefaultMatrix)),
    "Scenarios outside the default matrix (run one with --scenario ID):",
    ...scenarioColumns(data.scenarios.filter((s) => !s.inDefaultMatrix)),
    "Specs:",
    ...columns(data.specs.map((s) => [s.id, `${s.path}: ${s.rules.map((r) => r.id).join(", ")}`])),
  ];
  return output(`${out.join("\n")}\n`);
}
