// ITF (Apalache ADR-015): states reached by the model round-trip through their ITF encoding
// (a fast-check property over random walks of every architecture model and scenario);
// every trace the matrix writes is well-formed ITF with each step's CPU, context, action,
// kernel function and events as data in its #meta, and reads back to the states and events
// it was written from.

import { readFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { canonical } from "../checker/explore/encode";
import { rebuild } from "../checker/explore/rebuild";
import { eventMeta } from "../checker/trace/document";
import { STATE_VARS, stateFromItf, stateToItf } from "../checker/trace/itf";
import { checkItfValue } from "../checker/trace/itf-check";
import { readTrace } from "../checker/trace/read";
import { KERNEL } from "../checker/trace/state-fields";
import { architectures } from "../model/arch/index";
import { kernelSchema } from "../model/kernel/schema";
import type { Kernel } from "../model/kernel/state";
import { buildMachine, initialState } from "../model/machine/machine";
import { successors } from "../model/machine/transitions";
import { scenarios } from "../model/scenarios/index";
import { matrixTraces } from "./traces";

const machines = architectures.flatMap((arch) =>
  scenarios.flatMap((scenario) => scenario.preemption.map((p) => buildMachine(arch, scenario, p))),
);

/** The states of a random walk: each choice picks one of the enabled transitions. */
function walk(machineIndex: number, choices: readonly number[]): Kernel[] {
  const m = machines[machineIndex % machines.length];
  if (!m) throw new Error("no machines");
  let s = initialState(m);
  const out = [s];
  for (const c of choices) {
    const succ = successors(m, s);
    const t = succ[c % Math.max(1, succ.length)];
    if (!t) break;
    s = t.next;
    out.push(s);
  }
  return out;
}

describe("ITF round trip of states the model reaches", () => {
  it("decode(JSON(encode(s))) equals s, for states on random walks", () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat({ max: 50 }), { maxLength: 40 }), (mi, choices) => {
        for (const s of walk(mi, choices)) {
          const text = JSON.stringify(stateToItf(s));
          const back = stateFromItf(JSON.parse(text), "");
          expect(back).toEqual(s);
          expect(canonical(back)).toBe(canonical(s));
          for (const v of STATE_VARS) checkItfValue(JSON.parse(text)[v], `/${v}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("ITF values (ADR-015)", () => {
  const good: unknown[] = [
    "s",
    true,
    7,
    { "#bigint": "-12345678901234567890" },
    [1, "a"],
    { "#tup": [] },
    { "#set": [{ "#bigint": "1" }] },
    { "#map": [[{ "#tup": ["k", 1] }, { "#set": [] }]] },
    { tag: "None", value: { "#tup": [] } },
    { field: { other: [] } },
  ];
  const bad: [unknown, string][] = [
    [null, ""],
    [1.5, ""],
    [{ "#bigint": "1.5" }, "/#bigint"],
    [{ "#bigint": 1 }, "/#bigint"],
    [{ "#map": [[1]] }, "/#map/0"],
    [{ "#set": 1 }, "/#set"],
    [{ "#foo": [] }, ""],
    [{ "#set": [], other: 1 }, ""],
    [{ tag: 1, value: 2 }, "/tag"],
    [{ a: [null] }, "/a/0"],
  ];
  it("accepts every form the ADR and Quint's variants define", () => {
    for (const g of good) expect(() => checkItfValue(g, "")).not.toThrow();
  });
  it("rejects the rest, at the right place", () => {
    for (const [b, path] of bad) {
      expect(() => checkItfValue(b, ""), JSON.stringify(b)).toThrow();
      try {
        checkItfValue(b, "");
      } catch (e) {
        expect((e as { path: string }).path, JSON.stringify(b)).toBe(path);
      }
    }
  });
  it("reads a plain JSON integer as an integer, and sets as sorted lists", () => {
    const s = stateToItf(walk(0, [])[0] as Kernel) as Record<string, unknown>;
    const hw = { stale: { "#set": ["user:1", "user:0"] }, unsynced: { "#set": [] } };
    const back = stateFromItf({ ...s, hw, pte: { "#map": [["user:0", 5]] } }, "");
    expect(back.hw.stale).toEqual(["user:0", "user:1"]);
    expect(back.pte).toEqual({ "user:0": 5 });
  });
  it("rejects a map with a repeated key", () => {
    const s = stateToItf(walk(0, [])[0] as Kernel) as Record<string, unknown>;
    const pte = {
      "#map": [
        ["user:0", { "#bigint": "1" }],
        ["user:0", { "#bigint": "2" }],
      ],
    };
    expect(() => stateFromItf({ ...s, pte }, "")).toThrow(/not already in the map/);
  });
});

describe("the traces the matrix writes", () => {
  let files: string[] = [];
  beforeAll(() => {
    files = matrixTraces().files;
  });

  it("are ITF: only the ADR's top-level fields, every var in every state, ITF values", () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const doc = JSON.parse(readFileSync(f, "utf8")) as Record<string, unknown>;
      for (const k of Object.keys(doc))
        expect(["#meta", "params", "vars", "states", "loop"]).toContain(k);
      expect(doc.vars).toEqual([...STATE_VARS]);
      const states = doc.states as Record<string, unknown>[];
      states.forEach((s, i) => {
        expect(Object.keys(s).sort()).toEqual(["#meta", ...STATE_VARS].sort());
        for (const v of STATE_VARS) checkItfValue(s[v], `/states/${i}/${v}`);
        const meta = s["#meta"] as Record<string, unknown>;
        expect(meta.index).toBe(i);
        if (i === 0) return;
        expect(typeof meta.action).toBe("string");
        const ctx = meta.context as Record<string, unknown>;
        expect(["task", "irq"]).toContain(ctx.kind);
        expect(typeof ctx.id).toBe("string");
        expect(typeof ctx.cpu).toBe("number");
        expect(typeof meta.label).toBe("string");
        for (const e of meta.events as Record<string, unknown>[]) {
          expect(typeof e.kind).toBe("string");
          expect(Object.keys(e.context as object).sort()).toEqual(["cpu", "id", "kind"]);
        }
        if (meta.action !== "wake") expect(typeof meta.cpu).toBe("number");
        if (meta.action === "step") {
          expect(typeof meta.fn).toBe("string");
          expect(typeof meta.at).toBe("string");
        }
      });
    }
  });

  it("read back to the states the model reaches by their choices", () => {
    for (const f of files) {
      const r = readTrace(readFileSync(f, "utf8"), f);
      if (!r.ok) throw new Error(r.error.message);
      if (r.value.version !== 2) throw new Error(`${f}: not written in the current format`);
      const { meta, steps } = r.value;
      const arch = architectures.find((a) => a.id === meta.arch);
      const scenario = scenarios.find((s) => s.id === meta.scenario);
      if (!arch || !scenario) throw new Error(`unknown model in ${f}`);
      const m = buildMachine(arch, scenario, meta.preemption as "none" | "full" | "rt");
      const rebuilt = rebuild(m, meta.choices);
      if (!rebuilt.ok) throw new Error(rebuilt.reason);
      expect(steps.map((s) => s.state)).toEqual(rebuilt.steps.map((s) => s.state));
      expect(steps.map((s) => s.meta.events)).toEqual(
        rebuilt.steps.map((s) => s.events.map(eventMeta)),
      );
      // An interrupt handler's step is one the CPU took while that handler was on it.
      steps.forEach((s, i) => {
        const before = steps[i - 1]?.state;
        if (s.meta.action !== "step" || before === undefined || s.meta.cpu === undefined) return;
        const irqOnCpu = before.cpus[s.meta.cpu]?.irq !== null;
        expect(s.meta.context?.kind === "irq", `${f} step ${i}`).toBe(irqOnCpu);
      });
    }
  });
});

describe("the ITF encoding's field shapes", () => {
  it("come from the model's one declaration of the state (model/kernel/state.ts)", () => {
    expect([...STATE_VARS]).toEqual(Object.keys(kernelSchema.fields));
    expect(KERNEL.t === "record" && Object.keys(KERNEL.fields)).toEqual(
      Object.keys(kernelSchema.fields),
    );
  });

  it("write a frame's optional result only when set, and read it back", () => {
    const m = machines[0];
    if (!m) throw new Error("no machines");
    const s = initialState(m);
    const task = s.tasks[0];
    const frame = task?.stack[0];
    if (!task || !frame) throw new Error("no task frame");
    const withResult: Kernel = {
      ...s,
      tasks: [{ ...task, stack: [{ ...frame, result: "page" }] }, ...s.tasks.slice(1)],
    };
    const itf = JSON.parse(JSON.stringify(stateToItf(withResult)));
    expect(itf.tasks[0].stack[0].result).toBe("page");
    expect(stateFromItf(itf, "")).toEqual(withResult);
    const plain = JSON.parse(JSON.stringify(stateToItf(s)));
    expect("result" in plain.tasks[0].stack[0]).toBe(false);
    expect(stateFromItf(plain, "")).toEqual(s);
  });

  it("refuse a task status the model does not declare, naming the ones it does", () => {
    const m = machines[0];
    if (!m) throw new Error("no machines");
    const itf = JSON.parse(JSON.stringify(stateToItf(initialState(m))));
    itf.tasks[0].status = "zombie";
    expect(() => stateFromItf(itf, "/states/0")).toThrow(
      "expected running, runnable, sleeping or done",
    );
  });
});
