// `lazymmu compare SPEC_A SPEC_B`: runs the same architecture models, scenarios and
// preemption models under two contracts and reports where the verdicts differ and which
// rules make the difference. Exit 0 when every run completed (differences are the report's
// content), 3 when a limit cut a run short, 2 on bad input. Counterexamples of both runs
// are written under --out, each under its spec's id.

import type { Command } from "commander";
import { compareResults } from "../../compare";
import { exitCode } from "../../outcome";
import { compareJson, compareMarkdown } from "../../report/compare";
import { runCell } from "../../run";
import { checkOutDir, resolveSpec } from "../files";
import { type RawRunFlags, resolveRun } from "../options";
import { checkFormat, die, Exit, selectionOptions, writeCounterexamples } from "./shared";

interface CompareFlags extends RawRunFlags {
  readonly format: string;
  readonly out: string;
}

export function compareCommand(root: Command): void {
  selectionOptions(
    root
      .command("compare")
      .description("run the same models under two contracts and show what changes between them")
      .argument("<specA>", "the first contract: a bundled spec id or a spec file")
      .argument("<specB>", "the second contract: a bundled spec id or a spec file"),
  )
    .option("--format <format>", "markdown or json", "markdown")
    .action((specA: string, specB: string, flags: CompareFlags) => {
      checkFormat(flags.format, ["markdown", "json"]);
      const a = resolveSpec(specA);
      if (!a.ok) die(a.error);
      const b = resolveSpec(specB);
      if (!b.ok) die(b.error);
      const optsA = resolveRun(a.value, flags);
      if (!optsA.ok) die(optsA.error);
      const optsB = resolveRun(b.value, flags);
      if (!optsB.ok) die(optsB.error);
      const badOut = checkOutDir(flags.out, "--out");
      if (badOut !== undefined) die(badOut);
      const limits = {
        maxStates: optsA.value.maxStates,
        timeoutMs: optsA.value.timeoutSeconds * 1000,
        now: () => performance.now(),
      };
      const ra = optsA.value.cells.map((c) =>
        runCell(c, limits, { tracesPerRule: optsA.value.tracesPerRule }),
      );
      const rb = optsB.value.cells.map((c) =>
        runCell(c, limits, { tracesPerRule: optsB.value.tracesPerRule }),
      );
      writeCounterexamples([...ra, ...rb], flags.out);
      const cmp = compareResults(a.value, b.value, ra, rb);
      process.stdout.write(flags.format === "json" ? compareJson(cmp) : compareMarkdown(cmp));
      throw new Exit(exitCode([...ra, ...rb], "content"));
    });
}
