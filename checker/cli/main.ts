// The lazymmu command line. The only place that touches process, the file system and the
// console: each command lives in commands/ and registers itself here.

import { Command, CommanderError } from "commander";
import { formatError } from "../errors";
import { compareCommand } from "./commands/compare";
import { extractCommand } from "./commands/extract";
import { htmlCommand } from "./commands/html";
import { listCommand } from "./commands/list";
import { matrixCommand } from "./commands/matrix";
import { replayCommand } from "./commands/replay";
import { EXIT, Exit } from "./commands/shared";
import { showCommand } from "./commands/show";
import { verifyCommand } from "./commands/verify";
import { preloadParser, wantsKernel } from "./kernel";

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
    extractCommand,
  ])
    register(root);
  // Subcommands inherit the parent's error handling only when set before they are added.
  for (const c of root.commands) c.exitOverride().configureOutput({ writeErr: () => undefined });
  return root;
}

/** Runs a command; one that reads a kernel tree first loads the C parser (async). */
export function main(argv: readonly string[]): number | Promise<number> {
  if (wantsKernel(argv)) return preloadParser().then(() => runSync(argv));
  return runSync(argv);
}

function runSync(argv: readonly string[]): number {
  try {
    program().parse([...argv], { from: "user" });
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
    throw err;
  }
}

if (require.main === module) {
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
