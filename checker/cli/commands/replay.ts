// `lazymmu replay TRACE`: re-executes a counterexample against the model, scenario and spec
// it names. Exit 0 when every step matches and the violation reproduces, 1 when it does not
// (saying where it diverged), 2 on bad input.

import type { ArchModel } from "../../../model/arch/types";
import { loadedOrigins } from "../../load/load";
import { originMismatch } from "../../load/origins";
import { replayText } from "../../report/replay-text";
import { replay } from "../../trace/replay";
import { type Context, EXIT, type Outcome, output, userError } from "../command";
import { resolveTraceSpec } from "../files";
import { type LoadFlags, loadFiles } from "./shared";
import { loadTrace, type TreeFlags, traceModel, withTreeModels } from "./trace-input";

export function run(
  [file = ""]: readonly string[],
  flags: { spec?: string } & LoadFlags & TreeFlags,
  _ctx: Context,
): Outcome | Promise<Outcome> {
  // With --kernel, the trace's model is derived from the tree (async: the C parser loads).
  return withTreeModels(file, flags, (derived) => runWith(file, flags, derived));
}

function runWith(
  file: string,
  flags: { spec?: string } & LoadFlags,
  derived: readonly ArchModel[],
): Outcome {
  const load = loadFiles(flags);
  if (!load.ok) return userError(load.error);
  const trace = loadTrace(file);
  if (!trace.ok) return userError(trace.error);
  const stale = originMismatch(trace.value.meta.loaded ?? [], loadedOrigins(), file);
  if (stale !== undefined) return userError(stale);
  const model = traceModel(trace.value, file, derived);
  if (!model.ok) return userError(model.error);
  const spec = resolveTraceSpec(trace.value.meta, flags.spec, file);
  if (!spec.ok) return userError(spec.error);
  const outcome = replay(trace.value, model.value.machine, spec.value);
  // Name the spec this replay checked, which --spec may have changed.
  const meta = trace.value.meta;
  const checked =
    spec.value.id === meta.spec ? spec.value.id : `${spec.value.id} (the trace names ${meta.spec})`;
  return output(
    replayText(file, { ...meta, spec: checked }, outcome),
    outcome.kind === "reproduced" ? EXIT.ok : EXIT.violation,
  );
}
