// The command line's grammar: every command with its arguments and flags, as commander
// definitions. Parsing yields which command to run with which arguments; each command's
// code is loaded only then, so that `--help` and `--version` start fast.

import { Command, CommanderError, type OptionValues } from "commander";
import type { Context, Outcome } from "./command";
import { kernelOptions, loadOption, runOptions, selectionOptions } from "./flags";
import { packageVersion } from "./package-root";

export interface CommandModule {
  run(args: readonly string[], flags: OptionValues, ctx: Context): Promise<Outcome> | Outcome;
}

export interface Invocation {
  readonly command: string;
  readonly args: readonly string[];
  readonly flags: OptionValues;
  readonly load: () => Promise<CommandModule>;
}

export type Parsed =
  | { readonly kind: "run"; readonly invocation: Invocation }
  /** Help or the version: printed, exit 0. */
  | { readonly kind: "info"; readonly stdout: string }
  | { readonly kind: "usage-error"; readonly message: string };

interface Definition {
  readonly name: string;
  readonly define: (cmd: Command) => Command;
  readonly load: () => Promise<CommandModule>;
}

const DEFINITIONS: readonly Definition[] = [
  {
    name: "list",
    define: (c) =>
      loadOption(c.description("list architecture models, scenarios and specs")).option(
        "--format <format>",
        "text or json",
        "text",
      ),
    load: () => import("./commands/list"),
  },
  {
    name: "verify",
    define: (c) =>
      runOptions(
        c.description(
          "check models against a contract; exit 0 pass, 1 violation, 2 bad input, 3 incomplete, 4 model error",
        ),
      ).option("--format <format>", "text or json", "text"),
    load: () => import("./commands/verify"),
  },
  {
    name: "matrix",
    define: (c) =>
      runOptions(
        c.description("the verdict of every architecture model on every scenario, as a table"),
      )
        .option("--format <format>", "markdown, json or ktap", "markdown")
        .option("--failures", "only the cells that failed, each rule with its trace")
        .option("--shard <i/n>", "run the I-th of N deterministic parts of the cells (for CI)"),
    load: () => import("./commands/matrix"),
  },
  {
    name: "merge",
    define: (c) =>
      c
        .description("merge the JSON reports of matrix shards into the report of the whole run")
        .argument("<reports...>", "the JSON files written by matrix --shard I/N --format json")
        .option("--format <format>", "markdown, json or ktap", "markdown")
        .option("--failures", "only the cells that failed, each rule with its trace"),
    load: () => import("./commands/merge"),
  },
  {
    name: "compare",
    define: (c) =>
      selectionOptions(
        c
          .description("run the same models under two contracts and show what changes between them")
          .argument("<specA>", "the first contract: a bundled spec id or a spec file")
          .argument("<specB>", "the second contract: a bundled spec id or a spec file"),
        { variadic: false },
      ).option("--format <format>", "markdown or json", "markdown"),
    load: () => import("./commands/compare"),
  },
  {
    name: "show",
    define: (c) =>
      loadOption(
        c
          .description("print a counterexample as swimlanes, one column per CPU")
          .argument("<trace>", "a counterexample written by verify or matrix (.itf.json)"),
      )
        .option(
          "--width <n>",
          "lay out for this many columns (default: $COLUMNS, or the terminal's)",
        )
        .option("--color", "colour even when not writing to a terminal (or FORCE_COLOR=1)")
        .option("--no-color", "no colour, even on a terminal (or NO_COLOR=1)")
        .option("--full", "whole states in every row instead of what changed")
        .option("--kernel <dir>", "the kernel tree a derived model (<arch>@tree:...) was read from")
        .option(
          "--config <entry...>",
          "with --kernel: the Kconfig entries the trace was made with",
        ),
    load: () => import("./commands/show"),
  },
  {
    name: "replay",
    define: (c) =>
      loadOption(
        c
          .description(
            "re-execute a counterexample against the model; exit 0 reproduced, 1 not reproduced, 2 bad input",
          )
          .argument("<trace>", "a counterexample written by verify or matrix (.itf.json)"),
      )
        .option("--spec <file>", "check against this spec instead of the one the trace names")
        .option("--kernel <dir>", "the kernel tree a derived model (<arch>@tree:...) was read from")
        .option(
          "--config <entry...>",
          "with --kernel: the Kconfig entries the trace was made with",
        ),
    load: () => import("./commands/replay"),
  },
  {
    name: "html",
    define: (c) =>
      loadOption(
        c
          .description("write a counterexample as a self-contained HTML page to step through")
          .argument("<trace>", "a counterexample written by verify or matrix (.itf.json)"),
      )
        .option("-o, --output <file>", "where to write the page (default: standard output)")
        .option("--kernel <dir>", "the kernel tree a derived model (<arch>@tree:...) was read from")
        .option(
          "--config <entry...>",
          "with --kernel: the Kconfig entries the trace was made with",
        ),
    load: () => import("./commands/html"),
  },
  {
    name: "extract",
    define: (c) =>
      kernelOptions(
        c.description("show the lazy MMU steps read from a kernel tree, with file:line"),
        { required: true },
      ).option(
        "--arch <arch...>",
        "architecture(s): sparc64, arm64 (default: every one the tree has)",
      ),
    load: () => import("./commands/extract"),
  },
];

function buildRoot(onChosen: (inv: Invocation) => void, write: (s: string) => void): Command {
  const quiet = (c: Command) =>
    c.exitOverride().configureOutput({ writeOut: write, writeErr: () => undefined });
  const root = quiet(
    new Command("lazymmu")
      .description("Explicit-state model checker for the Linux kernel's lazy MMU mode contract")
      .version(packageVersion(), "-V, --version", "print the version"),
  );
  for (const d of DEFINITIONS) {
    // Subcommands inherit the error handling only when it is set before they are added.
    const cmd = quiet(d.define(root.command(d.name)));
    cmd.action(function (this: Command) {
      const processed: unknown[] = this.processedArgs;
      onChosen({
        command: d.name,
        args: processed.flatMap((v) =>
          Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)],
        ),
        flags: this.opts(),
        load: d.load,
      });
    });
  }
  return root;
}

export function parseArgv(argv: readonly string[]): Parsed {
  let info = "";
  let chosen: Invocation | undefined;
  const root = buildRoot(
    (inv) => {
      chosen = inv;
    },
    (s) => {
      info += s;
    },
  );
  if (argv.length === 0) return { kind: "usage-error", message: "no command given" };
  try {
    root.parse([...argv], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === "commander.helpDisplayed" ||
        err.code === "commander.help" ||
        err.code === "commander.version"
      )
        return { kind: "info", stdout: info };
      return { kind: "usage-error", message: err.message.replace(/^error: /, "") };
    }
    throw err;
  }
  if (chosen === undefined) return { kind: "info", stdout: root.helpInformation() };
  return { kind: "run", invocation: chosen };
}

/** The usage, for a bare `lazymmu` (printed on stderr, exit 2). */
export function usage(): string {
  return buildRoot(
    () => undefined,
    () => undefined,
  ).helpInformation();
}
