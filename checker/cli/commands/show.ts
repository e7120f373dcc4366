// `lazymmu show TRACE`: a counterexample as swimlanes in the terminal. Width and colour by
// the terminal conventions (--width, $COLUMNS, the terminal; --color / --no-color,
// FORCE_COLOR, NO_COLOR, a TTY: show-terminal.ts), --full for whole states instead of what
// changed. With --kernel, a derived model's trace is shown against the model read from the tree.

import type { ArchModel } from "../../../model/arch/types";
import { traceView } from "../../report/lanes";
import { renderShow } from "../../report/show";
import { showTerminal } from "../../report/show-terminal";
import { story } from "../../report/story";
import { type Context, type Outcome, output, userError } from "../command";
import { type LoadFlags, loadFiles } from "./shared";
import { renderableTrace, type TreeFlags, withTreeModels } from "./trace-input";

export interface ShowFlags {
  readonly width?: string;
  readonly color?: boolean;
  readonly full?: boolean;
}

export function run(
  [file = ""]: readonly string[],
  flags: ShowFlags & LoadFlags & TreeFlags,
  _ctx: Context,
): Outcome | Promise<Outcome> {
  // With --kernel, the trace's model is derived from the tree (async: the C parser loads).
  return withTreeModels(file, flags, (derived) => runWith(file, flags, derived));
}

function runWith(
  file: string,
  flags: ShowFlags & LoadFlags,
  derived: readonly ArchModel[],
): Outcome {
  const term = showTerminal({
    ...(flags.width === undefined ? {} : { width: flags.width }),
    ...(flags.color === undefined ? {} : { color: flags.color }),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    ...(process.stdout.columns === undefined ? {} : { columns: process.stdout.columns }),
  });
  if (!term.ok) return userError({ code: "bad-usage", message: term.message });
  // A loaded model's procedures give its trace their source positions.
  const load = loadFiles(flags);
  if (!load.ok) return userError(load.error);
  const r = renderableTrace(file, derived);
  if (!r.ok) return userError(r.error);
  const { trace, procs } = r.value;
  const text = renderShow(traceView(trace, procs), story(trace), {
    width: term.width,
    color: term.color,
    full: flags.full === true,
  });
  return output(text);
}
