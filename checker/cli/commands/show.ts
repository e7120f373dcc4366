// `lazymmu show TRACE`: a counterexample as swimlanes in the terminal. Width from the
// terminal (or --width), colour only on a TTY (or --color / --no-color), --full for whole
// states instead of what changed.

import type { Command } from "commander";
import { traceView } from "../../trace/lanes";
import { renderShow } from "../../trace/show";
import { story } from "../../trace/story";
import { die } from "./shared";
import { loadCurrentTrace, traceModel } from "./trace-input";

export const DEFAULT_WIDTH = 100;

export interface ShowFlags {
  readonly width?: string;
  readonly color?: boolean;
  readonly full?: boolean;
}

export function showWidth(raw: string | undefined): number {
  if (raw === undefined) return process.stdout.columns ?? DEFAULT_WIDTH;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 40 || n > 1000) {
    die({
      code: "bad-usage",
      message: `--width expects a whole number from 40 to 1000, got "${raw}"`,
    });
  }
  return n;
}

export function showCommand(root: Command): void {
  root
    .command("show")
    .description("print a counterexample as swimlanes, one column per CPU")
    .argument("<trace>", "a counterexample written by verify or matrix (.itf.json)")
    .option("--width <n>", "lay out for this many columns (default: the terminal's)")
    .option("--color", "colour even when not writing to a terminal")
    .option("--no-color", "no colour, even on a terminal")
    .option("--full", "whole states in every row instead of what changed")
    .action((file: string, flags: ShowFlags) => {
      const width = showWidth(flags.width);
      const trace = loadCurrentTrace(file);
      const model = traceModel(trace, file);
      const procs = model.ok ? model.value.machine.procs : undefined;
      const color =
        flags.color ?? (process.stdout.isTTY === true && process.env.NO_COLOR === undefined);
      const text = renderShow(traceView(trace, procs), story(trace), {
        width,
        color,
        full: flags.full === true,
      });
      process.stdout.write(text);
    });
}
