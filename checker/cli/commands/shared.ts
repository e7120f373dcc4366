// What the commands share: exit codes, the Exit signal, printing a user error, and running
// a set of cells with their counterexamples written to disk.

import type { Command } from "commander";
import { Option } from "commander";
import { formatError, type UserError } from "../../errors";
import type { Progress } from "../../explore/bfs";
import { tracePath } from "../../report/paths";
import { type CellResult, type NotBuilt, runCell } from "../../run";
import { traceDocument } from "../../trace/document";
import { traceText } from "../../trace/text";
import { resolveSpec, writeAtomic } from "../files";
import { type RawRunFlags, resolveRun } from "../options";

export const EXIT = { ok: 0, violation: 1, usage: 2, incomplete: 3 } as const;

/** Thrown to end a command with an exit code; main() turns it into process.exitCode. */
export class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function die(e: UserError): never {
  process.stderr.write(`${formatError(e)}\n`);
  throw new Exit(EXIT.usage);
}

export interface RunFlags extends RawRunFlags {
  readonly spec?: string;
  readonly format: string;
  readonly out: string;
}

export function checkFormat(format: string, allowed: readonly string[]): void {
  if (!allowed.includes(format)) {
    die({
      code: "bad-usage",
      message: `--format expects one of ${allowed.join(", ")}, got "${format}"`,
    });
  }
}

export interface Runs {
  readonly results: readonly CellResult[];
  /** Selected combinations that no kernel had: `n/a`, with why, not run. */
  readonly notBuilt: readonly NotBuilt[];
}

/** Resolves every input first (bad input exits 2 with nothing written), then runs. */
export function runAll(flags: RunFlags): Runs {
  const spec = resolveSpec(flags.spec);
  if (!spec.ok) die(spec.error);
  const opts = resolveRun(spec.value, flags);
  if (!opts.ok) die(opts.error);
  const now = () => performance.now();
  const tty = process.stderr.isTTY === true;
  const results = opts.value.cells.map((cell) => {
    const name = `${cell.arch.id} ${cell.scenario.id} ${cell.preemption}`;
    const r = runCell(cell, {
      maxStates: opts.value.maxStates,
      timeoutMs: opts.value.timeoutSeconds * 1000,
      now,
      ...(tty
        ? {
            onProgress: (p: Progress) =>
              process.stderr.write(
                `\r\x1b[K${name}: ${p.states} states, ${p.transitions} transitions, depth ${p.depth}, ${p.seconds.toFixed(0)}s`,
              ),
          }
        : {}),
    });
    if (tty) process.stderr.write("\r\x1b[K");
    return r;
  });
  writeCounterexamples(results, flags.out);
  return { results, notBuilt: opts.value.notBuilt };
}

/** Each violation's shortest trace, as ITF and as text, under `out`. */
export function writeCounterexamples(results: readonly CellResult[], out: string): void {
  for (const r of results) {
    for (const v of r.violations) {
      const base = `${out}/${tracePath(r, v)}`;
      writeAtomic(`${base}.itf.json`, `${JSON.stringify(traceDocument(r, v), null, 1)}\n`);
      writeAtomic(`${base}.txt`, traceText(r, v));
    }
  }
}

export function runOptions(cmd: Command): Command {
  return selectionOptions(
    cmd.option(
      "--spec <file>",
      "contract: a bundled spec id or a spec file (default: lazy-mmu-v6.15)",
    ),
  );
}

/** The flags that pick and bound the runs: --arch, --scenario, --preemption, limits, --out. */
export function selectionOptions(cmd: Command): Command {
  return cmd
    .option("--arch <id...>", "architecture model(s) (default: all)")
    .option("--scenario <id...>", "scenario(s) (default: all)")
    .addOption(
      new Option(
        "--preemption <model>",
        "preemption model: none, full or rt (default: each scenario's)",
      ),
    )
    .option("--max-states <n>", "stop a run after this many distinct states (verdict incomplete)")
    .option("--timeout <seconds>", "stop a run after this many seconds (verdict incomplete)")
    .option("--out <dir>", "where counterexamples are written", "counterexamples")
    .option(
      "--any-era",
      "also run combinations no kernel had (reported n/a otherwise), each labelled a what-if",
    );
}
