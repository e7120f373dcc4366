// `lazymmu html TRACE -o FILE`: a counterexample as one self-contained HTML page, to open in
// any browser (no network): swimlanes per CPU, arrow keys and a slider to step through.

import type { Command } from "commander";
import { renderHtml } from "../../trace/html";
import { traceView } from "../../trace/lanes";
import { story } from "../../trace/story";
import { writeAtomic } from "../files";
import { loadCurrentTrace, traceModel } from "./trace-input";

export function htmlCommand(root: Command): void {
  root
    .command("html")
    .description("write a counterexample as a self-contained HTML page to step through")
    .argument("<trace>", "a counterexample written by verify or matrix (.itf.json)")
    .option("-o, --output <file>", "where to write the page (default: standard output)")
    .action((file: string, flags: { output?: string }) => {
      const trace = loadCurrentTrace(file);
      const model = traceModel(trace, file);
      const procs = model.ok ? model.value.machine.procs : undefined;
      const page = renderHtml(traceView(trace, procs), story(trace));
      if (flags.output === undefined) process.stdout.write(page);
      else {
        writeAtomic(flags.output, page);
        process.stderr.write(`wrote ${flags.output}\n`);
      }
    });
}
