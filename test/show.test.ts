// `lazymmu show`: the swimlane text of a real counterexample, pinned at 80 and 200 columns
// (test/golden/show-*.txt); no line wider than asked for (in display columns), whatever the
// trace; colour only
// when asked (the tests write to a pipe); --full prints whole states.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import stringWidth from "string-width";
import { beforeAll, describe, expect, it } from "vitest";
import { cli } from "./cli";
import { ROOT } from "./helpers";
import { MIGRATION_TRACE, matrixTraces } from "./traces";

let dir = "";
let files: string[] = [];

beforeAll(() => {
  ({ dir, files } = matrixTraces());
});

function golden(name: string, text: string): void {
  const path = join(ROOT, "test", "golden", name);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, "utf8"));
}

describe("show", () => {
  for (const width of [80, 200]) {
    it(`pins the migration trace at ${width} columns`, () => {
      const r = cli(["show", join(dir, MIGRATION_TRACE), "--width", String(width)]);
      expect(r.code).toBe(0);
      golden(`show-sparc64-v6.5-migration-${width}.txt`, r.stdout);
    });
  }

  it("fits every trace into 50, 80, 120 and 200 columns", () => {
    for (const f of files) {
      for (const width of [50, 80, 120, 200]) {
        const r = cli(["show", f, "--width", String(width)]);
        expect(r.code).toBe(0);
        for (const line of r.stdout.split("\n"))
          expect(stringWidth(line), `${f} @${width}: ${line}`).toBeLessThanOrEqual(width);
      }
    }
  });

  it("says what went wrong: the rule, the PTE, the CPU whose batch holds the flush, the debug check", () => {
    const r = cli(["show", join(dir, MIGRATION_TRACE), "--width", "1000"]);
    expect(r.stdout).toContain("immediate-outside is violated at step 9");
    expect(r.stdout).toContain("the flush waits in CPU0's batch");
    expect(r.stdout).toContain("through the old PTE (value 1, changed at step 8 by B on CPU0)");
    expect(r.stdout).toContain("A is in lazy MMU mode (1 region(s) open), runnable on CPU0");
    expect(r.stdout).toContain("BUG: using smp_processor_id() in preemptible");
  });

  it("colours only when asked: never in a pipe by default", () => {
    const plain = cli(["show", join(dir, MIGRATION_TRACE)]);
    expect(plain.stdout).not.toContain("\x1b[");
    const coloured = cli(["show", join(dir, MIGRATION_TRACE), "--color"]);
    expect(coloured.stdout).toContain("\x1b[");
    const ESC = String.fromCharCode(27);
    expect(coloured.stdout.replace(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "")).toBe(plain.stdout);
    const off = cli(["show", join(dir, MIGRATION_TRACE), "--no-color"]);
    expect(off.stdout).toBe(plain.stdout);
  });

  it("--full prints whole states, marking what changed", () => {
    const r = cli(["show", join(dir, MIGRATION_TRACE), "--full", "--width", "200"]);
    expect(r.stdout).toContain("*pte[user:0] = 2");
    expect(r.stdout).toContain(" pte[user:0] set to = 2");
    expect(r.stdout).toContain("*batch = [user:0]");
  });

  it("refuses a bad --width with exit 2", () => {
    const r = cli(["show", join(dir, MIGRATION_TRACE), "--width", "wide"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--width expects a whole number from 40 to 1000, got "wide"');
  });
});
