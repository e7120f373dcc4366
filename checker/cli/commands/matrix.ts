// `lazymmu matrix`: every architecture model on every scenario and preemption model, as a
// table. Exit 0 when every run completed (violations are the table's content), 3 when a
// limit cut a run short (violations found or not), 4 when a model threw, 2 on bad input.

import type { Command } from "commander";
import { exitCode } from "../../outcome";
import { matrixJson, matrixMarkdown } from "../../report/matrix";
import { checkFormat, Exit, type RunFlags, runAll, runOptions } from "./shared";

export function matrixCommand(root: Command): void {
  runOptions(
    root
      .command("matrix")
      .description("the verdict of every architecture model on every scenario, as a table"),
  )
    .option("--format <format>", "markdown or json", "markdown")
    .action((flags: RunFlags) => {
      checkFormat(flags.format, ["markdown", "json"]);
      const results = runAll(flags);
      process.stdout.write(
        flags.format === "json" ? matrixJson(results, flags.out) : matrixMarkdown(results),
      );
      throw new Exit(exitCode(results, "content"));
    });
}
