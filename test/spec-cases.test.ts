// Spec validation cases as data (test/spec-cases/*.json): a spec (or raw text), whether it
// is valid, and the exact error a user sees: code, place and message. Also every bundled
// spec validates.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { specFromText } from "../checker/cli/files";
import { formatError } from "../checker/errors";
import { parseSpec } from "../checker/spec/parse";
import { ROOT } from "./helpers";

interface Case {
  readonly description: string;
  readonly valid: boolean;
  readonly spec?: unknown;
  readonly text?: string;
  readonly error?: { readonly code: string; readonly where: string; readonly message: string };
}

const dir = join(ROOT, "test", "spec-cases");

describe("spec validation cases", () => {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const c = JSON.parse(readFileSync(join(dir, file), "utf8")) as Case;
    it(`${file}: ${c.description}`, () => {
      const text = c.text ?? JSON.stringify(c.spec, null, 2);
      // A case's `extends` is looked up as the CLI does: bundled ids, or paths beside it.
      const r = specFromText(text, `cases/${file}`, join(dir, file));
      if (c.valid) {
        expect(r.ok, r.ok ? "" : formatError(r.error)).toBe(true);
        return;
      }
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect({ code: r.error.code, where: r.error.where, message: r.error.message }).toEqual(
        c.error,
      );
      expect(r.error.file).toBe(`cases/${file}`);
    });
  }
});

describe("bundled specs", () => {
  for (const file of readdirSync(join(ROOT, "specs")).filter(
    (f) => f.endsWith(".json") && f !== "spec.schema.json",
  )) {
    it(`${file} validates and its id matches its file name`, () => {
      const r = parseSpec(readFileSync(join(ROOT, "specs", file), "utf8"), `specs/${file}`);
      expect(r.ok, r.ok ? "" : formatError(r.error)).toBe(true);
      if (r.ok) expect(`${r.value.id}.json`).toBe(file);
    });
  }

  it("the default spec holds the rules the issue names, with their obligations", () => {
    const r = parseSpec(readFileSync(join(ROOT, "specs", "lazy-mmu-v6.15.json"), "utf8"), "v6.15");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const rules = Object.fromEntries(r.value.rules.map((x) => [x.id, x.obligation]));
    expect(rules).toMatchObject({
      pairing: "caller",
      "no-nesting": "caller",
      "no-interrupt-context": "caller",
      "no-read-hazard": "caller",
      "effective-at-leave": "implementation",
      "immediate-outside": "implementation",
      "no-kernel-bug": "implementation",
    });
  });
});
