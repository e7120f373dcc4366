// The swimlane view of a trace (pure): an interrupt handler's steps sit in its CPU's lane
// and name it as an interrupt, the CPU lane shows it running over the task, what a step
// changed lands in the lane of the CPU or task it belongs to, and the memory lane holds
// PTE values and stale translations.

import { describe, expect, it } from "vitest";
import { renderHtml } from "../checker/report/html";
import { traceView } from "../checker/report/lanes";
import { renderShow } from "../checker/report/show";
import { story } from "../checker/report/story";
import { walkTrace } from "./traces";

const irqWalk = () =>
  walkTrace("sparc64@v6.14", "kfence-irq-in-region", "full", 12, (a) => a.kind === "irq");

describe("lanes of a walk with an interrupt", () => {
  it("puts the interrupt's steps in its CPU's lane, running over the task", () => {
    const view = traceView(irqWalk());
    const irqSteps = view.steps.filter((s) => s.context?.kind === "irq");
    expect(irqSteps.length).toBeGreaterThan(0);
    for (const s of irqSteps) {
      expect(s.context).toEqual({ kind: "irq", id: "kfence@cpu0", cpu: 0 });
      expect(s.lane).toBe(0);
    }
    const first = irqSteps[0];
    expect(first?.running[0]).toEqual({
      task: "A",
      irq: "kfence@cpu0",
      text: "kfence@cpu0 over A",
    });
    expect(first?.changes[0]?.map((c) => c.text)).toContain("irqs: on -> off");
  });

  it("shows the PTE the interrupt sets in the memory lane", () => {
    const view = traceView(irqWalk());
    const memory = view.lanes.length - 1;
    const texts = view.steps.flatMap((s) => (s.changes[memory] ?? []).map((c) => c.text));
    expect(texts).toContain("pte[kernel:4]: 0 -> 1");
  });

  it("renders it as text and HTML", () => {
    const t = irqWalk();
    const text = renderShow(traceView(t), story(t), { width: 120, color: false, full: false });
    expect(text).toContain("kfence@cpu0 (interrupt)");
    expect(text).toContain("interrupt kfence arrives on CPU0");
    const page = renderHtml(traceView(t), story(t));
    expect(page).toContain('class="cell run ctx-irq acting"');
  });
});
