// `lazymmu show TRACE`: a counterexample as swimlanes in the terminal. Width from the
// terminal (or --width), colour only on a TTY (or --color / --no-color), --full for whole
// states instead of what changed.

import type { ArchModel } from "../../../model/arch/types";
import { fail, ok, type Result } from "../../errors";
import { traceView } from "../../trace/lanes";
import { renderShow } from "../../trace/show";
import { story } from "../../trace/story";
import { type Context, type Outcome, output, userError } from "../command";
import { type LoadFlags, loadFiles } from "./shared";
import { loadTrace, type TreeFlags, traceModel, withTreeModels } from "./trace-input";

export const DEFAULT_WIDTH = 100;

export interface ShowFlags {
  readonly width?: string;
  readonly color?: boolean;
  readonly full?: boolean;
}

export function showWidth(raw: string | undefined): Result<number> {
  if (raw === undefined) return ok(process.stdout.columns ?? DEFAULT_WIDTH);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 40 || n > 1000) {
    return fail({
      code: "bad-usage",
      message: `--width expects a whole number from 40 to 1000, got "${raw}"`,
    });
  }
  return ok(n);
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
  const width = showWidth(flags.width);
  if (!width.ok) return userError(width.error);
  // A loaded model's procedures give its trace their source positions.
  const load = loadFiles(flags);
  if (!load.ok) return userError(load.error);
  const trace = loadTrace(file);
  if (!trace.ok) return userError(trace.error);
  const model = traceModel(trace.value, file, derived);
  const procs = model.ok ? model.value.machine.procs : undefined;
  const color =
    flags.color ?? (process.stdout.isTTY === true && process.env.NO_COLOR === undefined);
  const text = renderShow(traceView(trace.value, procs), story(trace.value), {
    width: width.value,
    color,
    full: flags.full === true,
  });
  return output(text);
}
