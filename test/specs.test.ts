// The bundled contracts load and validate, and the spec-validation cases in
// test/spec-cases/*.json (a spec, valid or not, and the exact error place and message
// expected) give what they say.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSpec } from "../checker/spec/parse";
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

interface SpecCase {
  readonly description: string;
  readonly spec: unknown;
  readonly valid: boolean;
  readonly error?: { readonly where: string; readonly message: string };
}

const dir = join(ROOT, "test", "spec-cases");
const cases = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();

describe("spec-validation cases", () => {
  for (const file of cases) {
    const c = JSON.parse(readFileSync(join(dir, file), "utf8")) as SpecCase;
    it(`${file}: ${c.description}`, () => {
      const r = parseSpec(JSON.stringify(c.spec), file);
      if (c.valid) {
        expect(r.ok, r.ok ? "" : `${r.error.where}: ${r.error.message}`).toBe(true);
        return;
      }
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe("bad-spec");
      expect({ where: r.error.where, message: r.error.message }).toEqual(c.error);
    });
  }
});
