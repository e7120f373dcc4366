// The lazymmu command line. The only place that touches process, the file system and the
// console: each command lives in commands/ and registers itself here.

import { Command, CommanderError } from "commander";
import { formatError } from "../errors";
import { errorMessage } from "../outcome";
import { compareCommand } from "./commands/compare";
import { htmlCommand } from "./commands/html";
import { listCommand } from "./commands/list";
import { matrixCommand } from "./commands/matrix";
import { replayCommand } from "./commands/replay";
import { EXIT, Exit } from "./commands/shared";
import { showCommand } from "./commands/show";
import { verifyCommand } from "./commands/verify";

export function program(): Command {
  const root = new Command("lazymmu")
    .description("Explicit-state model checker for the Linux kernel's lazy MMU mode contract")
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  for (const register of [
    listCommand,
    verifyCommand,
    matrixCommand,
    showCommand,
    replayCommand,
    htmlCommand,
    compareCommand,
  ])
    register(root);
  // Subcommands inherit the parent's error handling only when set before they are added.
  for (const c of root.commands) c.exitOverride().configureOutput({ writeErr: () => undefined });
  return root;
}

/**
 * Runs one command and returns its exit code. Anything thrown that is not a user error is a
 * bug of lazymmu's: one line and exit 4, the stack trace only with `--debug`.
 */
export function main(argv: readonly string[]): number {
  const debug = argv.includes("--debug");
  try {
    program().parse(
      argv.filter((a) => a !== "--debug"),
      { from: "user" },
    );
    return EXIT.ok;
  } catch (err) {
    if (err instanceof Exit) return err.code;
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.help") return EXIT.ok;
      if (err.code === "commander.version") return EXIT.ok;
      const message = err.message.replace(/^error: /, "");
      process.stderr.write(`${formatError({ code: "bad-usage", message })}\n`);
      return EXIT.usage;
    }
    process.stderr.write(
      `lazymmu: internal error: ${errorMessage(err)}\n${debug && err instanceof Error ? `${err.stack ?? ""}\n` : "(run again with --debug for the stack trace; please report it)\n"}`,
    );
    return EXIT.internal;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
