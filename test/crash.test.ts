// Exit codes that tell a crash from a finding (issue 14), seen as a user sees them: a real
// lazymmu process crashing in its own code (injected by a preload), a model that throws in
// one cell, and procedures named as Object.prototype's members, end to end through verify,
// replay and show. Each of these gave exit 1 and a stack trace before.

import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../checker/cli/command";
import { type Edge, execute, IN_PROCESS, writeCrashReport } from "../checker/cli/main";
import { cli, cliRun, filesUnder, lazymmuProcess, tempDir } from "./cli";

const FIXTURES = join(__dirname, "fixtures", "load");
const STACK_LINE = /^\s+at /m;

describe("lazymmu crashing in its own code", () => {
  it("exits 4 with one line, and the stack trace in a file the line names", () => {
    const tmp = tempDir("crash");
    const r = lazymmuProcess(
      ["verify", "--arch", "generic", "--scenario", "zap-pte-range", "--preemption", "none"],
      join(FIXTURES, "crash-preload.js"),
      { TMPDIR: tmp, FORCE_COLOR: "0" },
    );
    expect(r.code).toBe(EXIT.internal);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr).toMatch(/^lazymmu: internal error: injected crash/m);
    const named = /the stack trace is in (\S+); please attach it to a report/.exec(r.stderr);
    expect(named, r.stderr).not.toBeNull();
    const path = named?.[1] ?? "";
    expect(path.startsWith(tmp)).toBe(true);
    const report = readFileSync(path, "utf8");
    expect(report).toMatch(/TypeError: injected crash/);
    expect(report).toMatch(STACK_LINE);
    expect(report).toContain('arguments: ["verify","--arch","generic"');
    rmSync(tmp, { recursive: true, force: true });
  });

  it("with --debug the stack trace goes to stderr and there is no crash report", async () => {
    const edge: Edge = {
      ...IN_PROCESS,
      runner: () => {
        throw new RangeError("the pool broke");
      },
    };
    const out = await execute(["verify", "--debug", "--arch", "generic"], edge);
    expect(out.exit).toBe(EXIT.internal);
    expect(out.stderr).toMatch(
      /^lazymmu: internal error: the pool broke\nRangeError: the pool broke\n\s+at /,
    );
    expect(out.crashReport).toBeUndefined();
  });

  it("in process: a runner that throws is an internal error with a crash report, not a finding", async () => {
    const edge: Edge = {
      ...IN_PROCESS,
      runner: () => {
        throw new RangeError("the pool broke");
      },
    };
    const out = await execute(["verify", "--arch", "generic", "--scenario", "zap-pte-range"], edge);
    expect(out.exit).toBe(EXIT.internal);
    expect(out.stderr).toBe("lazymmu: internal error: the pool broke\n");
    expect(out.crashReport).toMatch(/RangeError: the pool broke/);
  });

  it("a crash report that cannot be written falls back to --debug advice", () => {
    const failing = () => {
      throw new Error("EROFS");
    };
    expect(writeCrashReport("x", failing)).toBe(
      "lazymmu: (run again with --debug for the stack trace; please report it)\n",
    );
    const dir = tempDir("crash-write");
    const said = writeCrashReport("the report", undefined, dir);
    const [file] = readdirSync(dir);
    expect(said).toBe(
      `lazymmu: the stack trace is in ${join(dir, file ?? "")}; please attach it to a report\n`,
    );
    expect(readFileSync(join(dir, file ?? ""), "utf8")).toBe("the report");
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("a model that throws", () => {
  it("is that cell's error verdict; the other cells run on; exit 4 and no stack trace", async () => {
    const out = tempDir("throws");
    const r = await cliRun([
      "verify",
      "--load",
      join(FIXTURES, "throws-in-step.ts"),
      "--arch",
      "generic",
      "sparc64@v6.15",
      "--scenario",
      "throws-in-step",
      "zap-pte-range",
      "--preemption",
      "none",
      "--format",
      "json",
      "--out",
      out,
    ]);
    expect(r.code).toBe(EXIT.internal);
    expect(r.stderr).not.toMatch(STACK_LINE);
    const report = JSON.parse(r.stdout);
    const cells = report.results.map((c: { arch: string; scenario: string; verdict: string }) => [
      c.arch,
      c.scenario,
      c.verdict,
    ]);
    expect(
      cells.filter((c: string[]) => c[1] === "throws-in-step").map((c: string[]) => c[2]),
    ).toEqual(["error", "error"]);
    expect(
      cells.filter((c: string[]) => c[1] === "zap-pte-range").map((c: string[]) => c[2]),
    ).not.toContain("error");
    const err = report.results.find((c: { verdict: string }) => c.verdict === "error");
    expect(JSON.stringify(err)).toMatch(/cannot read properties of undefined/);
    rmSync(out, { recursive: true, force: true });
  });
});

describe("procedures named toString and constructor", () => {
  it("verify finds the nesting, and its trace replays and shows", async () => {
    const out = tempDir("hostile");
    const load = ["--load", join(FIXTURES, "hostile-names.ts")];
    const v = await cliRun([
      "verify",
      ...load,
      "--arch",
      "generic",
      "--scenario",
      "hostile-procedure-names",
      "--preemption",
      "none",
      "--out",
      out,
    ]);
    expect(v.stderr).not.toMatch(STACK_LINE);
    expect(v.code).toBe(EXIT.violation);
    expect(v.stdout).toMatch(/no-nesting/);
    const trace = filesUnder(out).find((f) => f.endsWith(".itf.json"));
    expect(trace).toBeDefined();
    const rp = cli(["replay", trace ?? "", ...load]);
    expect(rp.stderr).toBe("");
    expect(rp.code).toBe(EXIT.ok);
    expect(rp.stdout).toMatch(/^reproduced: .* step 2 violates no-nesting$/m);
    const sh = cli(["show", trace ?? "", ...load]);
    expect(sh.code).toBe(EXIT.ok);
    expect(sh.stdout).toMatch(/call constructor\(\)/);
    expect(readFileSync(trace ?? "", "utf8")).toContain('"toString"');
    expect(existsSync(out)).toBe(true);
    rmSync(out, { recursive: true, force: true });
  });
});
