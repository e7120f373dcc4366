// `lazymmu verify`: exit 0 when no rule is violated, 1 when one is, 2 on bad input, 3 when
// a limit stopped exploration before any violation was found.

import type { Command } from "commander";
import { overallVerdict, reportJson } from "../../report/json";
import { reportText } from "../../report/text";
import { checkFormat, EXIT, Exit, type RunFlags, runAll, runOptions } from "./shared";

export function verifyCommand(root: Command): void {
  runOptions(
    root
      .command("verify")
      .description(
        "check models against a contract; exit 0 pass, 1 violation, 2 bad input, 3 incomplete",
      ),
  )
    .option("--format <format>", "text or json", "text")
    .action((flags: RunFlags) => {
      checkFormat(flags.format, ["text", "json"]);
      const { results, notBuilt } = runAll(flags);
      process.stdout.write(
        flags.format === "json"
          ? reportJson(results, flags.out, notBuilt)
          : reportText(results, flags.out, notBuilt),
      );
      const v = overallVerdict(results);
      throw new Exit(v === "pass" ? EXIT.ok : v === "fail" ? EXIT.violation : EXIT.incomplete);
    });
}
