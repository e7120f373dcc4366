// The spec schema's validator that the build generates (dist/checker/spec/, ajv's standalone
// code: checker/spec/spec-validator.ts) is the validator compiled at run time: the same
// verdict and the same errors on every spec validation case, every bundled spec and broken
// copies of them; and the compiled command line's parseSpec, which uses it, says what the
// sources' parseSpec says.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { parseSpec } from "../checker/spec/parse";
import { compiled, GENERATED_VALIDATOR } from "../checker/spec/spec-validator";
import { ROOT } from "./helpers";

const DIST_SPEC = join(ROOT, "dist", "checker", "spec");

/** Specs to validate: the validation cases' (JSON ones), the bundled specs, and breakages. */
function inputs(): { readonly name: string; readonly value: unknown }[] {
  const out: { name: string; value: unknown }[] = [];
  const cases = join(ROOT, "test", "spec-cases");
  for (const f of readdirSync(cases).filter((x) => x.endsWith(".json"))) {
    const c = JSON.parse(readFileSync(join(cases, f), "utf8")) as { spec?: unknown };
    if (c.spec !== undefined) out.push({ name: `spec-cases/${f}`, value: c.spec });
  }
  const specs = join(ROOT, "specs");
  for (const f of readdirSync(specs).filter(
    (x) => x.endsWith(".json") && x !== "spec.schema.json",
  )) {
    const spec = JSON.parse(readFileSync(join(specs, f), "utf8")) as Record<string, unknown>;
    out.push({ name: f, value: spec });
    out.push({ name: `${f} without rules`, value: { ...spec, rules: undefined } });
    out.push({ name: `${f} with a number for an id`, value: { ...spec, id: 7 } });
    out.push({ name: `${f} with an unknown key`, value: { ...spec, colour: "blue" } });
  }
  return out;
}

describe("the generated spec validator", () => {
  const runtime = compiled();
  const generated = require(join(DIST_SPEC, GENERATED_VALIDATOR)) as ValidateFunction;

  it("gives the verdict and errors the run-time compiled one gives", () => {
    const differ: string[] = [];
    let invalid = 0;
    for (const { name, value } of inputs()) {
      const a = runtime(value);
      const b = generated(value);
      if (!a) invalid++;
      if (a !== b || JSON.stringify(runtime.errors) !== JSON.stringify(generated.errors))
        differ.push(name);
    }
    expect(differ).toEqual([]);
    expect(invalid).toBeGreaterThan(20); // the comparison saw many failures, not only passes
  });

  it("makes the compiled parseSpec say what the sources' parseSpec says", () => {
    const { parseSpec: built } = require(join(DIST_SPEC, "parse.js")) as {
      parseSpec: typeof parseSpec;
    };
    for (const { name, value } of inputs()) {
      const text = JSON.stringify(value);
      expect(built(text, name), name).toEqual(parseSpec(text, name));
    }
  });
});
