// `lazymmu matrix`: every architecture model on every scenario and preemption model, as a
// table. Exit 0 when every run completed (violations are the table's content), 3 when a
// limit cut a run short, 2 on bad input.

import type { Command } from "commander";
import { matrixJson, matrixMarkdown } from "../../report/matrix";
import { checkFormat, EXIT, Exit, type RunFlags, runAll, runOptions } from "./shared";

export function matrixCommand(root: Command): void {
  runOptions(
    root
      .command("matrix")
      .description("the verdict of every architecture model on every scenario, as a table"),
  )
    .option("--format <format>", "markdown or json", "markdown")
    .action((flags: RunFlags) => {
      checkFormat(flags.format, ["markdown", "json"]);
      const { results, notBuilt } = runAll(flags);
      process.stdout.write(
        flags.format === "json"
          ? matrixJson(results, flags.out, notBuilt)
          : matrixMarkdown(results, notBuilt),
      );
      throw new Exit(results.some((r) => r.verdict === "incomplete") ? EXIT.incomplete : EXIT.ok);
    });
}
