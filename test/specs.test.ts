// The three bundled contracts (original, v6.15, v7.0) load and validate, and hold the rules
// each era's text asks for. The spec-validation cases (test/spec-cases/v7-*.json among
// them) are run by spec-cases.test.ts.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundledSpec, ROOT } from "./helpers";

const BUNDLED = ["lazy-mmu-original", "lazy-mmu-v6.15", "lazy-mmu-v7.0"];

describe("bundled specs", () => {
  for (const id of BUNDLED) {
    it(`${id} loads, validates and has the id of its file`, () => {
      expect(bundledSpec(id).id).toBe(id);
    });
  }

  it("every spec file in specs/ is one of them", () => {
    const files = readdirSync(join(ROOT, "specs"))
      .filter((f) => f.endsWith(".json") && f !== "spec.schema.json")
      .map((f) => f.replace(/\.json$/, ""))
      .sort();
    expect(files).toEqual([...BUNDLED].sort());
  });

  it("v7.0 keeps the v6.15 rules that still hold, under the same ids", () => {
    const v615 = bundledSpec("lazy-mmu-v6.15").rules.map((r) => r.id);
    const v70 = bundledSpec("lazy-mmu-v7.0").rules.map((r) => r.id);
    expect(v615.filter((id) => !v70.includes(id))).toEqual(["no-interrupt-context"]);
    for (const id of [
      "nested-disable-flushes",
      "counts-in-range",
      "no-sleep-in-region",
      "inactive-in-interrupt",
    ]) {
      expect(v70).toContain(id);
    }
  });

  it("the original contract has the page-table-lock rule and nothing on interrupts", () => {
    const ids = bundledSpec("lazy-mmu-original").rules.map((r) => r.id);
    expect(ids).toContain("under-ptl");
    expect(ids).not.toContain("no-interrupt-context");
  });
});
