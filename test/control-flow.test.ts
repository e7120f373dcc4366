// The engine's control flow, on small programs run on the generic architecture: values
// returned into the caller's locals, labels and goto, bounded loops with break and continue,
// call arguments computed at the call, calls without arguments, and choose() explored
// exhaustively and recorded in the action.

import { describe, expect, it } from "vitest";
import { canonical } from "../checker/explore/encode";
import { stateFromItf, stateToItf } from "../checker/trace/itf";
import { generic } from "../model/arch/generic";
import {
  breakLoop,
  call,
  continueLoop,
  forwardArgs,
  goto,
  label,
  loop,
  type Op,
  proc,
  step,
} from "../model/kernel/program";
import type { Kernel, Val } from "../model/kernel/state";
import { buildMachine, initialState } from "../model/machine/machine";
import type { Scenario } from "../model/scenarios/types";
import { reach } from "./explore-helpers";

const ENOMEM = -12;

function scenario(ops: readonly Op[], more: Scenario["procs"] = []): Scenario {
  return {
    id: "control-flow",
    summary: "one task running the program under test",
    source: "test/control-flow.test.ts",
    cpus: 1,
    tasks: [{ id: "A", cpu: 0, entry: "main" }],
    irqs: [],
    ptes: {},
    procs: [proc("main", ops), ...more],
    preemption: ["none"],
  };
}

function finals(sc: Scenario): Kernel[] {
  const m = buildMachine(generic, sc, "none");
  return reach(m).states.filter((s) => s.tasks.every((t) => t.status === "done"));
}

/** The PTEs set in each final state, as sorted address lists, deduplicated. */
function outcomes(sc: Scenario): string[] {
  const all = finals(sc).map((s) =>
    Object.keys(s.pte)
      .filter((a) => (s.pte[a] ?? 0) !== 0)
      .sort()
      .join(","),
  );
  return [...new Set(all)].sort();
}

/** A step that maps `kernel:<locals[local]>`. */
const mapAt = (local: string) =>
  call("set_pte_at", ({ locals }) => ({ addr: `kernel:${String(locals[local])}`, value: 1 }));

const allocPage = proc("alloc_page", [
  step(
    "alloc_page",
    "page = alloc_page(GFP_KERNEL)",
    "mm/page_alloc.c",
    (_d, env) => ({
      return: env.choice ?? 0,
    }),
    { choose: () => [0, ENOMEM] },
  ),
]);

describe("engine control flow", () => {
  it("a called procedure's return value lands in the caller's local; goto leaves early", () => {
    const sc = scenario(
      [
        ...loop({ name: "pages", fn: "main", at: "test", bound: 3, index: "i" }, [
          call("alloc_page", undefined, { result: "err" }),
          step("main", "if (err) goto out", "test", (_d, env) =>
            env.locals.err === ENOMEM ? { goto: "out" } : undefined,
          ),
          mapAt("i"),
        ]),
        label("out"),
        step("main", "return err", "test", () => undefined),
      ],
      [allocPage],
    );
    // The allocation fails at the first, second or third page, or never.
    expect(outcomes(sc)).toEqual([
      "",
      "kernel:0",
      "kernel:0,kernel:1",
      "kernel:0,kernel:1,kernel:2",
    ]);
  });

  it("each choice is its own transition, with the value in its action", () => {
    const m = buildMachine(generic, scenario([call("alloc_page")], [allocPage]), "none");
    const choices = reach(m).transitions.flatMap((t) =>
      t.action.kind === "step" && t.action.choice !== undefined ? [t.action.choice] : [],
    );
    expect(choices.sort()).toEqual([ENOMEM, 0].sort());
  });

  it("an empty choice set blocks the step, like a guard", () => {
    const sc = scenario([step("main", "never", "test", () => undefined, { choose: () => [] })]);
    expect(finals(sc)).toEqual([]);
  });

  it("break and continue jump to the loop's exit and test; an inner loop restarts", () => {
    const sc = scenario([
      ...loop({ name: "outer", fn: "main", at: "test", bound: 2, index: "o" }, [
        ...loop({ name: "inner", fn: "main", at: "test", bound: 3, index: "i" }, [
          step("main", "if (i == 1) continue", "test", (_d, env) =>
            env.locals.i === 1 ? continueLoop("inner") : undefined,
          ),
          step("main", "if (o == 1 && i == 2) break", "test", (_d, env) =>
            env.locals.o === 1 && env.locals.i === 2 ? breakLoop("inner") : undefined,
          ),
          call("set_pte_at", ({ locals }) => ({
            addr: `kernel:${String(locals.o)}${String(locals.i)}`,
            value: 1,
          })),
        ]),
      ]),
    ]);
    expect(outcomes(sc)).toEqual(["kernel:00,kernel:02,kernel:10"]);
  });

  it("a loop whose condition still holds at its bound is a model error, not a cut", () => {
    const sc = scenario(
      loop({ name: "spin", fn: "main", at: "test", bound: 2, while: () => true }, [
        step("main", "cpu_relax()", "test", () => undefined),
      ]),
    );
    expect(() => finals(sc)).toThrow(/loop spin in main ran past its bound 2/);
  });

  it("arguments: computed from the caller at the call, none when absent, forwarded on request", () => {
    const seen: Record<string, Val>[] = [];
    const record = step("show", "record args", "test", (_d, env) => {
      seen.push({ ...env.args });
    });
    const sc = scenario(
      [
        step("main", "n = 7", "test", (_d, env) => {
          env.locals.n = 7;
        }),
        call("show", ({ locals }) => ({ n: Number(locals.n) + 1 })),
        call("wrapper", { n: 1 }),
      ],
      [proc("show", [record]), proc("wrapper", [call("show"), call("show", forwardArgs)])],
    );
    finals(sc);
    expect(seen).toEqual([{ n: 8 }, {}, { n: 1 }]);
  });

  it("a step's return value goes to the local its call named", () => {
    const seen: Val[] = [];
    const sc = scenario(
      [
        step("main", "r = f()", "test", () => ({ call: "f", result: "r" })),
        step("main", "use r", "test", (_d, env) => {
          seen.push(env.locals.r ?? "unset");
        }),
      ],
      [proc("f", [step("f", "return 3", "test", () => ({ return: 3 }))])],
    );
    finals(sc);
    expect(seen).toEqual([3]);
  });

  it("labels are positions: a procedure that starts and ends with one runs as its steps", () => {
    const sc = scenario([label("top"), step("main", "x", "test", () => undefined), label("end")]);
    const m = buildMachine(generic, sc, "none");
    const { transitions } = reach(m);
    expect(transitions.filter((t) => t.action.kind === "step")).toHaveLength(1);
    expect(initialState(m).tasks[0]?.stack[0]?.pc).toBe(0);
  });

  it("a goto to a label the procedure lacks, or a jump cycle, is a model error", () => {
    expect(() =>
      buildMachine(
        generic,
        scenario([step("main", "x", "test", () => undefined), goto("nowhere")]),
        "none",
      ),
    ).toThrow(/main jumps to nowhere, which it does not define/);
    const dup = scenario([label("a"), label("a"), step("main", "x", "test", () => undefined)]);
    expect(() => buildMachine(generic, dup, "none")).toThrow(/two labels a/);
    const cycle = scenario([step("main", "x", "test", () => undefined), label("a"), goto("a")]);
    expect(() => finals(cycle)).toThrow(/loops through gotos with no step between/);
  });

  it("a frame waiting for a return value keeps that in its encoding and its ITF form", () => {
    const sc = scenario(
      [call("two_steps", undefined, { result: "err" }), step("main", "x", "test", () => undefined)],
      [
        proc("two_steps", [
          step("two_steps", "might_sleep()", "test", () => undefined),
          step("two_steps", "return 1", "test", () => ({ return: 1 })),
        ]),
      ],
    );
    const m = buildMachine(generic, sc, "none");
    const waiting = reach(m).states.find((s) => s.tasks[0]?.stack[1]?.result === "err");
    if (waiting === undefined) throw new Error("no state inside two_steps");
    const back = stateFromItf(JSON.parse(JSON.stringify(stateToItf(waiting))), "");
    expect(canonical(back)).toBe(canonical(waiting));
    const frames = waiting.tasks[0]?.stack ?? [];
    const forgotten = {
      ...waiting,
      tasks: waiting.tasks.map((t) => ({ ...t, stack: frames.map(({ result: _r, ...f }) => f) })),
    };
    expect(canonical(forgotten)).not.toBe(canonical(waiting));
  });
});

describe("named shared variables", () => {
  // Two tasks on two CPUs share a flag: A publishes, B spins on it (a guard), as a
  // completion or a seqcount reader would; the flag's initial value comes from the scenario.
  const shared: Scenario = {
    ...scenario([
      step("publish", "ready = 1", "test", (d) => {
        d.shared.ready = 1;
      }),
    ]),
    id: "shared-flag",
    cpus: 2,
    tasks: [
      { id: "A", cpu: 0, entry: "main" },
      { id: "B", cpu: 1, entry: "waiter" },
    ],
    shared: { ready: 0, token: "none" },
    procs: [
      proc("main", [
        step("publish", "ready = 1", "test", (d) => {
          d.shared.ready = 1;
        }),
      ]),
      proc("waiter", [
        step(
          "wait",
          "while (!READ_ONCE(ready)) cpu_relax()",
          "test",
          (d) => {
            d.shared.token = "seen";
          },
          { guard: (s) => s.shared.ready === 1 },
        ),
      ]),
    ],
  };

  it("start from the scenario's values and are written by steps", () => {
    const m = buildMachine(generic, shared, "none");
    expect(initialState(m).shared).toEqual({ ready: 0, token: "none" });
    const done = finals(shared);
    expect(done.length).toBeGreaterThan(0);
    for (const s of done) expect(s.shared).toEqual({ ready: 1, token: "seen" });
  });

  it("tell states apart and round-trip through ITF", () => {
    const m = buildMachine(generic, shared, "none");
    const s0 = initialState(m);
    const s1: Kernel = { ...s0, shared: { ...s0.shared, ready: 1 } };
    expect(canonical(s1)).not.toBe(canonical(s0));
    expect(canonical(stateFromItf(stateToItf(s1), "/states/0"))).toBe(canonical(s1));
  });
});
