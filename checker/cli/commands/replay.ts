// `lazymmu replay TRACE`: re-executes a counterexample against the model, scenario and spec
// it names. Exit 0 when every step matches and the violation reproduces, 1 when it does not
// (saying where it diverged), 2 on bad input.

import type { Command } from "commander";
import { loadedOrigins } from "../../load/load";
import { originMismatch } from "../../load/origins";
import { replay } from "../../trace/replay";
import { replayText } from "../../trace/replay-text";
import { resolveTraceSpec } from "../files";
import { die, EXIT, Exit, loadOption } from "./shared";
import { loadTrace, traceModel } from "./trace-input";

export function replayCommand(root: Command): void {
  loadOption(
    root
      .command("replay")
      .description(
        "re-execute a counterexample against the model; exit 0 reproduced, 1 not reproduced, 2 bad input",
      ),
  )
    .argument("<trace>", "a counterexample written by verify or matrix (.itf.json)")
    .option("--spec <file>", "check against this spec instead of the one the trace names")
    .action((file: string, flags: { spec?: string }) => {
      const trace = loadTrace(file);
      const stale = originMismatch(trace.meta.loaded ?? [], loadedOrigins(), file);
      if (stale !== undefined) die(stale);
      const model = traceModel(trace, file);
      if (!model.ok) die(model.error);
      const spec = resolveTraceSpec(trace.meta, flags.spec, file);
      if (!spec.ok) die(spec.error);
      const outcome = replay(trace, model.value.machine, spec.value);
      // Name the spec this replay checked, which --spec may have changed.
      const checked =
        spec.value.id === trace.meta.spec
          ? spec.value.id
          : `${spec.value.id} (the trace names ${trace.meta.spec})`;
      process.stdout.write(replayText(file, { ...trace.meta, spec: checked }, outcome));
      throw new Exit(outcome.kind === "reproduced" ? EXIT.ok : EXIT.violation);
    });
}
