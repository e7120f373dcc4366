// Exit codes that mean one thing, through the command line (in process): matrix exits 3
// when a run with violations was cut by a limit and marks it `fail (incomplete)`; a bad
// --out or -o exits 2 before any exploration; replay --spec names the spec it checked.

import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, cliRun, tempDir } from "./cli";

const CUT = [
  "--arch",
  "sparc64@v6.5",
  "--scenario",
  "apply-to-pte-range-init-mm",
  "--preemption",
  "full",
];

describe("matrix and verify exit codes", () => {
  it("matrix exits 3 when a run that found violations was cut, and marks it", async () => {
    const out = tempDir("cut");
    const r = await cliRun(["matrix", ...CUT, "--max-states", "300", "--out", out]);
    expect(r.code).toBe(3);
    // sparc64@v6.5 (before set_ptes() nested): the preempted, migrated region of init_mm.
    expect(r.stdout).toContain("**fail (incomplete)**: immediate-outside, no-kernel-bug");
  });

  it("verify with a bad --out exits 2 before exploring, writing nothing", async () => {
    const dir = tempDir("badout");
    const file = join(dir, "f");
    writeFileSync(file, "");
    const r = await cliRun(["verify", ...CUT, "--out", join(file, "sub")]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^lazymmu: error \[bad-usage\]: .*--out is under .*, which is a file\n$/,
    );
    expect(readdirSync(dir)).toEqual(["f"]);
  });

  it("replay --spec names the spec it checked; html -o to a directory exits 2", async () => {
    const out = tempDir("replay-spec");
    expect((await cliRun(["verify", ...CUT, "--out", out])).code).toBe(1);
    const trace = join(
      out,
      "lazy-mmu-v6.15/sparc64@v6.5/apply-to-pte-range-init-mm/full-no-kernel-bug.itf.json",
    );
    expect(existsSync(trace)).toBe(true);
    const r = cli(["replay", trace, "--spec", "lazy-mmu-original"]);
    expect(r.stdout).toContain("spec lazy-mmu-original (the trace names lazy-mmu-v6.15)");
    const h = cli(["html", trace, "-o", out]);
    expect(h.code).toBe(2);
    expect(h.stderr).toMatch(/-o is a directory; name a file to write/);
  });
});
