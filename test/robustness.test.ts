// No crash, no hang, no silent pass: a model that throws becomes that run's `error`
// verdict (with its path) and the other runs go on; exit codes mean one thing each; bad
// paths for --out and for input files are refused before any work, with a sentence;
// nesting deep enough to overflow a recursive reader is refused; state counts are exact
// at a limit; a procedure name from a trace cannot reach Object.prototype.

import { chmodSync, mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkOutDir, checkOutFile, readText } from "../checker/cli/files";
import { explore } from "../checker/explore/bfs";
import { kernelSystem } from "../checker/explore/kernel-system";
import { EXIT, exitCode } from "../checker/outcome";
import { monitor } from "../checker/rules/monitor";
import { runCell } from "../checker/run";
import { readTrace } from "../checker/trace/read";
import { archProblems, scenarioProblems } from "../model/api";
import { generic } from "../model/arch/generic";
import type { ArchModel } from "../model/arch/types";
import { proc, step } from "../model/kernel/program";
import { buildMachine } from "../model/machine/machine";
import { listenAll } from "../model/machine/observe";
import { successors } from "../model/machine/transitions";
import { findScenario } from "../model/scenarios/index";
import { tempDir } from "./cli";
import { bundledSpec } from "./helpers";

const scenario = findScenario("zap-pte-range");
if (!scenario) throw new Error("no zap-pte-range scenario");
const spec = bundledSpec("lazy-mmu-v6.15");
const limits = { maxStates: 100_000, timeoutMs: 60_000, now: () => performance.now() };

/** The generic hooks, except that leave throws: a model bug, as a model file could have. */
const throwing: ArchModel = {
  ...generic,
  id: "generic-throwing",
  procs: generic.procs.map((p) =>
    p.name === "arch_leave_lazy_mmu_mode"
      ? proc(p.name, [
          step(p.name, "a model bug", "test", () => {
            throw new Error("model error: leave reached a state it cannot handle");
          }),
        ])
      : p,
  ),
};

describe("a model exception is that run's verdict, not the command's end", () => {
  it("gives verdict error with the message and the path that reached it", () => {
    const r = runCell({ spec, arch: throwing, scenario, preemption: "none" }, limits);
    expect(r.verdict).toBe("error");
    expect(r.error?.message).toBe("model error: leave reached a state it cannot handle");
    expect(r.error?.choices.length).toBeGreaterThan(0);
    // The path replays to the state whose expansion threw.
    expect(r.error?.steps.length).toBe((r.error?.choices.length ?? 0) + 1);
    const last = r.error?.steps.at(-1)?.state;
    expect(last).toBeDefined();
    if (last) expect(() => successors(r.machine, last, listenAll)).toThrow(/leave reached/);
  });

  it("the other cells of the same command still run and keep their verdicts", () => {
    const cells = [throwing, generic].map((arch) =>
      runCell({ spec, arch, scenario, preemption: "none" }, limits),
    );
    expect(cells.map((c) => c.verdict)).toEqual(["error", "pass"]);
    expect(exitCode(cells, "findings")).toBe(EXIT.internal);
  });
});

describe("exit codes", () => {
  const run = (verdict: "pass" | "fail" | "incomplete" | "error", stoppedBy: string | null) => ({
    verdict,
    stoppedBy,
  });
  it("verify: a violation outranks a cut run; an error outranks all", () => {
    expect(exitCode([run("pass", null)], "findings")).toBe(0);
    expect(exitCode([run("fail", null), run("incomplete", "timeout")], "findings")).toBe(1);
    expect(exitCode([run("incomplete", "max-states")], "findings")).toBe(3);
    expect(exitCode([run("fail", null), run("error", null)], "findings")).toBe(4);
  });
  it("matrix: any run cut by a limit is 3, violations found or not", () => {
    expect(exitCode([run("fail", null)], "content")).toBe(0);
    expect(exitCode([run("fail", "max-states")], "content")).toBe(3);
    expect(exitCode([run("fail", "max-states"), run("error", null)], "content")).toBe(4);
  });
});

describe("limits", () => {
  it("--max-states N explores and reports exactly N states", () => {
    const m = buildMachine(generic, scenario, "none");
    for (const n of [1, 2, 10]) {
      const r = explore(kernelSystem(m, monitor(spec)), { ...limits, maxStates: n });
      expect(r.stats.states).toBe(n);
      expect(r.stoppedBy).toBe("max-states");
    }
  });
  it("a run with exactly as many states as the limit is complete", () => {
    const m = buildMachine(generic, scenario, "none");
    const all = explore(kernelSystem(m, monitor(spec)), limits).stats.states;
    const r = explore(kernelSystem(m, monitor(spec)), { ...limits, maxStates: all });
    expect(r.stoppedBy).toBe(null);
    expect(r.stats.states).toBe(all);
  });
});

describe("--out and -o are checked before any work", () => {
  const dir = tempDir("out-check");
  const file = join(dir, "a-file");
  writeFileSync(file, "x");
  symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
  const cases: [string, string, RegExp][] = [
    ["a file", file, /--out is a file, not a directory/],
    ["under a file", join(file, "sub"), /--out is under .*a-file, which is a file/],
    [
      "a dangling symlink",
      join(dir, "dangling"),
      /symbolic link to a directory that does not exist/,
    ],
    ["/proc/x", "/proc/x", /--out cannot be written/],
    ["an empty path", "", /an empty path names none/],
  ];
  for (const [name, path, message] of cases) {
    it(`refuses ${name}`, () => {
      const e = checkOutDir(path, "--out");
      expect(e?.code).toBe("bad-usage");
      expect(e?.message).toMatch(message);
    });
  }
  it.skipIf(process.getuid?.() === 0)("refuses a read-only directory", () => {
    const ro = join(dir, "ro");
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    expect(checkOutDir(join(ro, "out"), "--out")?.message).toMatch(/cannot be written/);
  });
  it("accepts a directory to be created, and leaves nothing behind", () => {
    const fresh = join(dir, "new", "deeper");
    expect(checkOutDir(fresh, "--out")).toBeUndefined();
    expect(readText(join(dir, "new")).ok).toBe(false);
    expect(() => rmSync(join(dir, "new"))).toThrow();
  });
  it("-o refuses a directory and a file under a file", () => {
    expect(checkOutFile(dir, "-o")?.message).toMatch(/is a directory/);
    expect(checkOutFile(join(file, "x.html"), "-o")?.message).toMatch(/is a file, not a directory/);
    expect(checkOutFile(join(dir, "page.html"), "-o")).toBeUndefined();
  });
});

describe("input files: regular files of bounded size only", () => {
  const dir = tempDir("in-check");
  it("refuses /dev/zero without reading it", () => {
    const r = readText("/dev/zero");
    expect(r.ok ? "" : r.error.message).toMatch(/not a regular file/);
  });
  it("names a directory as a directory, and an empty path as empty", () => {
    const r = readText(dir);
    expect(r.ok ? "" : r.error.message).toBe("this is a directory, not a file");
    const e = readText("");
    expect(e.ok ? "" : e.error.message).toBe("an empty path names no file");
  });
  it("refuses a file over the size limit without reading it", () => {
    const big = join(dir, "big.json");
    writeFileSync(big, "");
    truncateSync(big, 65 * 1024 * 1024);
    const r = readText(big);
    expect(r.ok ? "" : r.error.message).toMatch(/lazymmu reads files of at most/);
  });
});

describe("deep nesting is refused, not a stack overflow", () => {
  it("a trace value nested 100,000 deep", () => {
    const text = `{"#meta": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const r = readTrace(text, "deep.itf.json");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("bad-json");
      expect(r.error.where).toBe("line 1, column 210");
      expect(r.error.message).toMatch(/nested deeper than 200/);
    }
  });
});

describe("user-controlled names cannot reach Object.prototype", () => {
  it("a procedure named toString or __proto__ is no procedure", () => {
    const m = buildMachine(generic, scenario, "none");
    for (const name of ["toString", "__proto__", "constructor", "hasOwnProperty"])
      expect(m.procs[name], name).toBeUndefined();
  });
});

describe("ids name directories, so they cannot climb out of --out", () => {
  const ID_PROBLEM =
    "id must be letters, digits and @ . _ : + - (starting with a letter or digit), at most 100 characters";
  it("a loaded scenario or model whose id has a slash, starts with a dot or is too long is refused", () => {
    const sc = findScenario("zap-pte-range");
    if (!sc) throw new Error("no zap-pte-range");
    for (const id of ["../../etc", "a/b", ".hidden", "x".repeat(101)]) {
      expect(scenarioProblems({ ...sc, id }), id).toContain(ID_PROBLEM);
      expect(archProblems({ ...generic, id }), id).toContain(ID_PROBLEM);
    }
    expect(scenarioProblems(sc)).toEqual([]);
    expect(archProblems({ ...generic, id: "sparc64@tree:v6.15-rc1+" })).toEqual([]);
  });
});
