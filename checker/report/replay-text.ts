// What `replay` prints: whether the trace reproduces, and if not, the step where the model
// and the trace part ways and what differs there.

import type { TraceMeta } from "../trace/document";
import type { ReplayOutcome } from "../trace/replay";

export function replayText(file: string, meta: TraceMeta, r: ReplayOutcome): string {
  const cell = `${meta.arch}, ${meta.scenario}, preemption ${meta.preemption}, spec ${meta.spec}`;
  switch (r.kind) {
    case "reproduced":
      return `reproduced: ${file}: all ${r.steps} step(s) match the model (${cell}), and step ${r.steps} violates ${r.rule}\n`;
    case "diverged": {
      const lines = [
        `NOT reproduced: ${file}: diverges from the model at step ${r.step} (${cell})`,
      ];
      lines.push(`  ${r.reason}`);
      const shown = r.differences.slice(0, 12);
      for (const d of shown)
        lines.push(`  ${d.what}: trace has ${d.recorded}, model has ${d.model}`);
      if (r.differences.length > shown.length)
        lines.push(`  ... and ${r.differences.length - shown.length} more difference(s)`);
      return `${lines.join("\n")}\n`;
    }
    case "not-violated":
      return `NOT reproduced: ${file}: every step matches the model (${cell}), but at step ${r.step} ${r.reason}\n`;
  }
}
