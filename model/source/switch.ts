// A context-switch function read from the tree (arm64's __switch_to()) as a SwitchStep: the
// engine runs context-switch hooks inside the switch with interrupts off, as one transition,
// so the compiled procedure is run here to its end, calls included, in one go.

import type { SwitchStep } from "../arch/types";
import type { ContextRef, Op, StepEnv } from "../kernel/program";
import type { Val } from "../kernel/state";
import { taskPointer } from "./memory";

interface Frame {
  readonly ops: readonly Op[];
  pc: number;
  readonly args: Readonly<Record<string, Val>>;
  readonly locals: Record<string, Val>;
}

const MAX_STEPS = 10_000;

function labelIndex(ops: readonly Op[], name: string): number {
  const i = ops.findIndex((o) => o.op === "label" && o.name === name);
  if (i < 0) throw new Error(`model error: no label ${name}`);
  return i + 1;
}

export function switchHook(
  name: string,
  procs: ReadonlyMap<string, readonly Op[]>,
  at: string,
): SwitchStep {
  return {
    fn: name,
    label: `${at}  ${name}(prev, next)`,
    at,
    run: (d, sw) => {
      const task = sw.prev ?? sw.next;
      if (task === null) return false;
      const self: ContextRef = { kind: "task", id: task };
      const entry = procs.get(name);
      if (!entry) throw new Error(`model error: no procedure ${name}`);
      // __switch_to(prev, next): the tasks as `task:` pointers (an idle CPU's as its idle task).
      const who = (t: string | null) => taskPointer(t ?? `idle@cpu${sw.cpu}`);
      const args = { prev: who(sw.prev), next: who(sw.next) };
      const stack: Frame[] = [{ ops: entry, pc: 0, args, locals: {} }];
      for (let n = 0; n < MAX_STEPS; n++) {
        const f = stack[stack.length - 1];
        if (!f) return true;
        const op = f.ops[f.pc];
        if (op === undefined) {
          stack.pop();
          continue;
        }
        if (op.op === "label") {
          f.pc += 1;
          continue;
        }
        if (op.op === "goto") {
          f.pc = labelIndex(f.ops, op.label);
          continue;
        }
        if (op.op === "call") throw new Error("model error: compiled C has no call ops");
        const env: StepEnv = {
          cpu: sw.cpu,
          self,
          args: f.args,
          locals: f.locals,
          // Interrupts are off in the switch: no preemption check can fire here.
          preemption: "none",
          choice: undefined,
          emit: sw.emit,
        };
        const next = op.run(d, env);
        f.pc += 1;
        if (next === undefined) continue;
        if (next === "return" || "return" in next) stack.pop();
        else if ("goto" in next) f.pc = labelIndex(f.ops, next.goto);
        else {
          const callee = procs.get(next.call);
          if (!callee) throw new Error(`model error: no procedure ${next.call}`);
          stack.push({ ops: callee, pc: 0, args: next.args ?? {}, locals: {} });
        }
      }
      throw new Error(`model error: ${name} ran more than ${MAX_STEPS} steps`);
    },
  };
}
