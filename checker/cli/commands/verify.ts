// `lazymmu verify`: exit 0 when no rule is violated, 1 when one is, 2 on bad input, 3 when
// a limit stopped exploration before any violation was found, 4 when a model threw.

import type { Command } from "commander";
import { exitCode } from "../../outcome";
import { reportJson } from "../../report/json";
import { reportText } from "../../report/text";
import { checkFormat, Exit, type RunFlags, runAll, runOptions } from "./shared";

export function verifyCommand(root: Command): void {
  runOptions(
    root
      .command("verify")
      .description(
        "check models against a contract; exit 0 pass, 1 violation, 2 bad input, 3 incomplete, 4 model error",
      ),
  )
    .option("--format <format>", "text or json", "text")
    .action((flags: RunFlags) => {
      checkFormat(flags.format, ["text", "json"]);
      const results = runAll(flags);
      process.stdout.write(
        flags.format === "json" ? reportJson(results, flags.out) : reportText(results, flags.out),
      );
      throw new Exit(exitCode(results, "findings"));
    });
}
