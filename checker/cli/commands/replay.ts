// `lazymmu replay TRACE`: re-executes a counterexample against the model, scenario and spec
// it names. Exit 0 when every step matches and the violation reproduces, 1 when it does not
// (saying where it diverged), 2 on bad input.

import { replay } from "../../trace/replay";
import { replayText } from "../../trace/replay-text";
import { type Context, EXIT, type Outcome, output, userError } from "../command";
import { resolveTraceSpec } from "../files";
import { loadTrace, traceModel } from "./trace-input";

export function run(
  [file = ""]: readonly string[],
  flags: { spec?: string },
  _ctx: Context,
): Outcome {
  const trace = loadTrace(file);
  if (!trace.ok) return userError(trace.error);
  const model = traceModel(trace.value, file);
  if (!model.ok) return userError(model.error);
  const spec = resolveTraceSpec(trace.value.meta, flags.spec, file);
  if (!spec.ok) return userError(spec.error);
  const outcome = replay(trace.value, model.value.machine, spec.value);
  return output(
    replayText(file, trace.value.meta, outcome),
    outcome.kind === "reproduced" ? EXIT.ok : EXIT.violation,
  );
}
