// `lazymmu show TRACE`: a counterexample as swimlanes in the terminal. Width and colour by
// the terminal conventions (--width, $COLUMNS, the terminal; --color / --no-color,
// FORCE_COLOR, NO_COLOR, a TTY: show-terminal.ts), --full for whole states instead of what
// changed.

import type { Command } from "commander";
import { traceView } from "../../trace/lanes";
import { renderShow } from "../../trace/show";
import { showTerminal } from "../../trace/show-terminal";
import { story } from "../../trace/story";
import { die } from "./shared";
import { loadCurrentTrace, traceModel } from "./trace-input";

export interface ShowFlags {
  readonly width?: string;
  readonly color?: boolean;
  readonly full?: boolean;
}

export function showCommand(root: Command): void {
  root
    .command("show")
    .description("print a counterexample as swimlanes, one column per CPU")
    .argument("<trace>", "a counterexample written by verify or matrix (.itf.json)")
    .option("--width <n>", "lay out for this many columns (default: $COLUMNS, or the terminal's)")
    .option("--color", "colour even when not writing to a terminal (or FORCE_COLOR=1)")
    .option("--no-color", "no colour, even on a terminal (or NO_COLOR=1)")
    .option("--full", "whole states in every row instead of what changed")
    .action((file: string, flags: ShowFlags) => {
      const term = showTerminal({
        ...(flags.width === undefined ? {} : { width: flags.width }),
        ...(flags.color === undefined ? {} : { color: flags.color }),
        env: process.env,
        isTTY: process.stdout.isTTY === true,
        ...(process.stdout.columns === undefined ? {} : { columns: process.stdout.columns }),
      });
      if (!term.ok) die({ code: "bad-usage", message: term.message });
      const trace = loadCurrentTrace(file);
      const model = traceModel(trace, file);
      const procs = model.ok ? model.value.machine.procs : undefined;
      const text = renderShow(traceView(trace, procs), story(trace), {
        width: term.width,
        color: term.color,
        full: flags.full === true,
      });
      process.stdout.write(text);
    });
}
