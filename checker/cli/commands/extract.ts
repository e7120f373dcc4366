// `lazymmu extract --kernel DIR --arch ARCH`: the steps read from a kernel tree, with their
// file:line, the macros followed and the bindings used. Exit 0, or 2 when the tree cannot be
// read (an unsupported construct or an unbound call, with file:line and the fix).

import type { Command } from "commander";
import { describeDerived } from "../../../model/source/describe";
import { deriveFromTree } from "../kernel";
import { die, EXIT, Exit } from "./shared";

interface ExtractFlags {
  readonly kernel: string;
  readonly arch?: readonly string[];
  readonly config?: readonly string[];
}

export function extractCommand(root: Command): void {
  root
    .command("extract")
    .description("show the lazy MMU steps read from a kernel tree, with file:line")
    .requiredOption("--kernel <dir>", "the top directory of a kernel tree")
    .option("--arch <arch...>", "architecture(s): sparc64, arm64 (default: every one the tree has)")
    .option(
      "--config <entry...>",
      "Kconfig entries over the architecture's defaults, e.g. CONFIG_SMP=y",
    )
    .action((flags: ExtractFlags) => {
      const r = deriveFromTree(flags.kernel, flags.arch, flags.config ?? []);
      if ("error" in r) die(r.error);
      process.stdout.write(r.derived.map(describeDerived).join("\n"));
      throw new Exit(EXIT.ok);
    });
}
