// `lazymmu html TRACE -o FILE`: a counterexample as one self-contained HTML page, to open in
// any browser (no network): swimlanes per CPU, arrow keys and a slider to step through.

import type { ArchModel } from "../../../model/arch/types";
import { renderHtml } from "../../report/html";
import { traceView } from "../../report/lanes";
import { story } from "../../report/story";
import { type Context, EXIT, type Outcome, output, userError } from "../command";
import { checkOutFile, writeAtomic } from "../files";
import { type LoadFlags, loadFiles } from "./shared";
import { renderableTrace, type TreeFlags, withTreeModels } from "./trace-input";

export function run(
  [file = ""]: readonly string[],
  flags: { output?: string } & LoadFlags & TreeFlags,
  _ctx: Context,
): Outcome | Promise<Outcome> {
  // -o is checked before the trace or a tree is read: nothing is done for a page that cannot
  // be written.
  const badOut = flags.output === undefined ? undefined : checkOutFile(flags.output, "-o");
  if (badOut !== undefined) return userError(badOut);
  // With --kernel, the trace's model is derived from the tree (async: the C parser loads).
  return withTreeModels(file, flags, (derived) => runWith(file, flags, derived));
}

function runWith(
  file: string,
  flags: { output?: string } & LoadFlags,
  derived: readonly ArchModel[],
): Outcome {
  const load = loadFiles(flags);
  if (!load.ok) return userError(load.error);
  const r = renderableTrace(file, derived);
  if (!r.ok) return userError(r.error);
  const { trace, procs } = r.value;
  const page = renderHtml(traceView(trace, procs), story(trace));
  if (flags.output === undefined) return output(page);
  writeAtomic(flags.output, page);
  return output("", EXIT.ok, `wrote ${flags.output}\n`);
}
