// `lazymmu list`: architecture models, scenarios and bundled specs.

import type { Command } from "commander";
import { architectures } from "../../../model/arch/index";
import { apiOfArch, apiOfScenario } from "../../../model/scenarios/api";
import { scenarios } from "../../../model/scenarios/index";
import { bundledSpecs } from "../files";
import { checkFormat, die, loadOption } from "./shared";

export function listCommand(root: Command): void {
  loadOption(root.command("list").description("list architecture models, scenarios and specs"))
    .option("--format <format>", "text or json", "text")
    .action((flags: { format: string }) => {
      checkFormat(flags.format, ["text", "json"]);
      const specs = bundledSpecs().map((r) => {
        if (!r.ok) die(r.error);
        return r.value;
      });
      const data = {
        architectures: architectures.map((a) => ({
          id: a.id,
          arch: a.arch,
          era: a.era,
          commits: a.commits,
          api: apiOfArch(a),
          summary: a.summary,
        })),
        scenarios: scenarios.map((s) => ({
          id: s.id,
          summary: s.summary,
          api: apiOfScenario(s),
          preemption: s.preemption,
        })),
        specs: specs.map((s) => ({
          id: s.id,
          path: s.path,
          kernel: s.kernel,
          rules: s.rules.map((r) => ({ id: r.id, obligation: r.obligation })),
        })),
      };
      if (flags.format === "json") {
        process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
        return;
      }
      const out = ["Architecture models:"];
      for (const a of data.architectures) {
        out.push(`  ${a.id.padEnd(24)} ${apiTag(a.api)}${a.summary} [${a.commits.join(", ")}]`);
      }
      out.push("Scenarios:");
      for (const s of data.scenarios) out.push(`  ${s.id.padEnd(32)} ${apiTag(s.api)}${s.summary}`);
      out.push("Specs:");
      for (const s of data.specs) {
        out.push(`  ${s.id.padEnd(24)} ${s.path}: ${s.rules.map((r) => r.id).join(", ")}`);
      }
      process.stdout.write(`${out.join("\n")}\n`);
    });
}

/** v7.0-API models and scenarios are marked; the others speak the arch hooks. */
function apiTag(api: string): string {
  return api === "lazy-mmu-mode" ? "[v7.0 API] " : "";
}
