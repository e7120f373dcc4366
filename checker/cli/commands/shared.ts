// What the commands share: exit codes, the Exit signal, printing a user error, and running
// a set of cells with their counterexamples written to disk.

import { resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { formatError, type UserError } from "../../errors";
import type { Progress } from "../../explore/bfs";
import { loadModelFile } from "../../load/load";
import { EXIT } from "../../outcome";
import { tracePath } from "../../report/paths";
import { type CellResult, runCell } from "../../run";
import { modelFunctions, unknownFunctions } from "../../spec/functions";
import { traceDocument } from "../../trace/document";
import { traceText } from "../../trace/text";
import { checkOutDir, readText, resolveSpec, writeAtomic } from "../files";
import { type RawRunFlags, resolveRun } from "../options";

export { EXIT };

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

/** Resolves every input first (bad input exits 2 with nothing written), then runs. */
export function runAll(flags: RunFlags): CellResult[] {
  const spec = resolveSpec(flags.spec);
  if (!spec.ok) die(spec.error);
  for (const u of unknownFunctions(spec.value, modelFunctions()))
    process.stderr.write(
      `lazymmu: warning: ${spec.value.path}: at ${u.where}: rule ${u.rule} filters on "${u.fn}", which no model or scenario defines; that check never fires\n`,
    );
  const opts = resolveRun(spec.value, flags);
  if (!opts.ok) die(opts.error);
  const badOut = checkOutDir(flags.out, "--out");
  if (badOut !== undefined) die(badOut);
  const now = () => performance.now();
  const tty = process.stderr.isTTY === true;
  const results = opts.value.cells.map((cell) => {
    const name = `${cell.arch.id} ${cell.scenario.id} ${cell.preemption}`;
    const r = runCell(
      cell,
      {
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
      },
      {
        symmetry: opts.value.symmetry,
        tracesPerRule: opts.value.tracesPerRule,
        coverage: opts.value.coverage,
      },
    );
    if (tty) process.stderr.write("\r\x1b[K");
    return r;
  });
  writeCounterexamples(results, flags.out);
  return results;
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

/**
 * `--load FILE...`: model files whose architecture models and scenarios join the built-in
 * ones. They are loaded before the command's action runs, so every input is resolved (and
 * bad input exits 2) before anything is run or written.
 */
export function loadOption(cmd: Command): Command {
  return cmd
    .option(
      "--load <file>",
      "a model or scenario file, TypeScript or JavaScript, written with lazymmu/api (repeatable)",
      (file: string, earlier: readonly string[]) => [...earlier, file],
      [] as readonly string[],
    )
    .hook("preAction", (_root, action) => {
      const files: unknown = action.opts().load;
      if (Array.isArray(files)) for (const f of files) loadFile(String(f));
    });
}

function loadFile(file: string): void {
  const path = resolve(file);
  const text = readText(path);
  if (!text.ok) die(text.error);
  const loaded = loadModelFile(path, text.value);
  if (!loaded.ok) die(loaded.error);
}

/** The flags that pick and bound the runs: --arch, --scenario, --preemption, limits, --out. */
export function selectionOptions(cmd: Command): Command {
  return loadOption(cmd)
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
    .option("--symmetry", "store one state per renumbering of the CPUs (traces stay concrete)")
    .option(
      "--traces-per-rule <n>",
      "keep up to n shortest traces per rule, each ending in a distinct violation (default 1)",
    )
    .option("--coverage", "list the model steps (label and file:line) no explored path reached")
    .option("--out <dir>", "where counterexamples are written", "counterexamples");
}
