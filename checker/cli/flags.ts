// The flags that pick, bound and run cells, as commander definitions, and the parsing of
// the values that are not a model id (those are resolved in options.ts). Light on purpose:
// loaded for `--help`, before any model.

import { availableParallelism } from "node:os";
import { type Command, Option } from "commander";
import { fail, ok, type Result } from "../errors";

function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * `--load FILE`: a model or scenario file whose architecture models and scenarios join the
 * built-in ones (repeatable). Loaded by the command before it resolves any id.
 */
export function loadOption(cmd: Command): Command {
  return cmd.option(
    "--load <file>",
    "a model or scenario file, TypeScript or JavaScript, written with lazymmu/api (repeatable)",
    collect,
  );
}

/**
 * --arch, --scenario, --preemption, the limits and --out: what every run command takes.
 * `--arch a b` takes several ids; where positional arguments follow (compare), each flag
 * takes one id and is repeated, so that `compare --arch X A B` leaves A and B as the specs.
 */
export function selectionOptions(cmd: Command, { variadic = true } = {}): Command {
  const ids = variadic
    ? loadOption(cmd)
        .option("--arch <id...>", "architecture model(s) (default: all)")
        .option("--scenario <id...>", "scenario(s) (default: all)")
    : loadOption(cmd)
        .option("--arch <id>", "an architecture model; repeat for more (default: all)", collect)
        .option("--scenario <id>", "a scenario; repeat for more (default: all)", collect);
  return ids
    .addOption(
      new Option(
        "--preemption <model>",
        "preemption model: none, full or rt (default: each scenario's)",
      ),
    )
    .option("--max-states <n>", "stop a run after this many distinct states (verdict incomplete)")
    .option("--timeout <seconds>", "stop a run after this many seconds (verdict incomplete)")
    .option(
      "--symmetry",
      "store one state per relabelling of the CPUs and of tasks running the same program, where the cell is symmetric (the default; traces stay concrete)",
    )
    .option("--no-symmetry", "store every state: no symmetry reduction")
    .option(
      "--no-memo",
      "run every step of every state rather than finding them in the transition memo (the same exploration, slower: a cross-check)",
    )
    .option(
      "--traces-per-rule <n>",
      "keep up to n shortest traces per rule, each ending in a distinct violation (default 1)",
    )
    .option("--coverage", "list the model steps (label and file:line) no explored path reached")
    .option("--out <dir>", "where counterexamples are written", "counterexamples")
    .option(
      "--any-era",
      "also run combinations no kernel had (reported n/a otherwise), each labelled a what-if",
    )
    .option("--workers <n>", "run cells on this many threads (default: the number of cores)")
    .option("-q, --quiet", "no progress on stderr");
}

/**
 * `--kernel DIR` and `--config CONFIG_X=y...`: models derived from a kernel tree's C
 * (model/source). Only flags here: the C parser (web-tree-sitter) is loaded by the command,
 * and only when --kernel is given, so that `--help` stays fast.
 */
export function kernelOptions(cmd: Command, { required = false } = {}): Command {
  const kernel = "the top directory of a kernel tree";
  return (
    required
      ? cmd.requiredOption("--kernel <dir>", kernel)
      : cmd.option(
          "--kernel <dir>",
          `derive the models from this kernel tree (--arch: sparc64, arm64)`,
        )
  ).option(
    "--config <entry...>",
    "with --kernel: Kconfig entries over the architecture's defaults, e.g. CONFIG_SMP=y",
  );
}

/** verify and matrix: the selection flags, --spec, --kernel and --config. */
export function runOptions(cmd: Command): Command {
  return kernelOptions(
    selectionOptions(
      cmd.option(
        "--spec <file>",
        "contract: a bundled spec id or a spec file (default: lazy-mmu-v6.15)",
      ),
    ),
  );
}

export function defaultWorkers(): number {
  return availableParallelism();
}

export function parseWorkers(raw: string | undefined): Result<number> {
  if (raw === undefined) return ok(defaultWorkers());
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 256)
    return fail({
      code: "bad-usage",
      message: `--workers expects a whole number from 1 to 256, got "${raw}"`,
    });
  return ok(n);
}

export interface Shard {
  /** 1-based, as in vitest and Playwright. */
  readonly index: number;
  readonly count: number;
}

export function parseShard(raw: string | undefined): Result<Shard | undefined> {
  if (raw === undefined) return ok(undefined);
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count)
    return fail({
      code: "bad-usage",
      message: `--shard expects INDEX/COUNT with 1 <= INDEX <= COUNT (e.g. 2/4), got "${raw}"`,
    });
  return ok({ index, count });
}

/** Shard I of N: every Nth cell of the whole selection, from the Ith (deterministic). */
export function inShard(shard: Shard | undefined, cell: number): boolean {
  return shard === undefined || cell % shard.count === shard.index - 1;
}
