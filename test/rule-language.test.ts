// The rule language's semantics where the issue found them wrong (records compared by key
// order, a quantifier over a non-list counted as true), the single declaration of event
// kinds and operators that the schema must agree with, and the warning for an `fn` filter
// no model defines.

import { describe, expect, it } from "vitest";
import { compile, type Expr, truthy, type Value } from "../checker/rules/expr";
import { OPERATOR_NAMES } from "../checker/rules/operators";
import { modelFunctions, unknownFunctions } from "../checker/spec/functions";
import { initialState } from "../model/machine/machine";
import { TRIGGERS } from "../model/machine/vocabulary";
import schema from "../specs/spec.schema.json";
import { machine } from "./explore-helpers";
import { bundledSpec } from "./helpers";

const state = initialState(machine("generic", "apply-to-pte-range-init-mm", "none"));
const holds = (e: Expr, vars: Record<string, Value> = {}) =>
  truthy(compile(e)({ vars, state, notes: [], addrs: [] }));

describe("rule language semantics", () => {
  it("eq and ne compare records by content, whatever the key order", () => {
    const a = { x: 1, y: [1, { p: "q", r: 2 }] };
    const b = { y: [1, { r: 2, p: "q" }], x: 1 };
    expect(holds({ eq: [{ var: "a" }, { var: "b" }] }, { a, b })).toBe(true);
    expect(holds({ ne: [{ var: "a" }, { var: "b" }] }, { a, b })).toBe(false);
    expect(holds({ eq: [{ var: "a" }, { var: "c" }] }, { a, c: { x: 1 } })).toBe(false);
    expect(holds({ eq: [{ var: "l" }, { var: "m" }] }, { l: [1, 2], m: [2, 1] })).toBe(false);
  });

  it("in finds a record in a list whatever its key order", () => {
    const list = [{ cpu: 0, addr: "u0" }];
    expect(
      holds({ in: [{ var: "x" }, { var: "list" }] }, { x: { addr: "u0", cpu: 0 }, list }),
    ).toBe(true);
  });

  it("a quantifier over a value that turns out not to be a list fails, it does not pass", () => {
    for (const q of ["forall", "exists"] as const) {
      const e = { [q]: { var: "a", in: { var: "n" }, holds: true } } as Expr;
      expect(holds(e, { n: 3 })).toBe(false);
    }
  });
});

describe("one declaration of the observable world", () => {
  it("the schema lists the vocabulary's triggers and the declared operators", () => {
    // `npm run spec-schema` writes the triggers from model/kernel/events.ts.
    expect(schema.definitions.trigger.properties.event.enum).toEqual([...TRIGGERS]);
    expect(Object.keys(schema.definitions.form.properties).sort()).toEqual(
      [...OPERATOR_NAMES].sort(),
    );
  });
});

describe("fn filters", () => {
  it("every fn of the bundled specs is defined by some model or scenario", () => {
    const known = modelFunctions();
    for (const id of ["lazy-mmu-original", "lazy-mmu-v6.15", "lazy-mmu-v7.0"])
      expect(unknownFunctions(bundledSpec(id), known)).toEqual([]);
  });

  it("an fn no model defines is reported with its rule and place", () => {
    const spec = bundledSpec("lazy-mmu-v6.15");
    const typo = {
      ...spec,
      rules: spec.rules.map((r) =>
        r.id === "no-nesting"
          ? {
              ...r,
              checks: r.checks.map((c) => ({
                ...c,
                on: { ...c.on, fn: ["arch_entre_lazy_mmu_mode"] },
              })),
            }
          : r,
      ),
    };
    expect(unknownFunctions(typo, modelFunctions())).toEqual([
      { rule: "no-nesting", where: "/rules/1/checks/0/on/fn/0", fn: "arch_entre_lazy_mmu_mode" },
    ]);
  });
});
