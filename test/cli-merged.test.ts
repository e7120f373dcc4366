// Where the returning command line meets the rules, api and perf work: a model error is a
// cell's `error` verdict through the summaries (text, matrix, JSON, KTAP) and exit 4 even
// beside a violation; vacuity and coverage reach the reports; --load, --symmetry and
// --traces-per-rule give the same report on the worker pool as in this thread; --debug is
// not a flag of any command; an unknown fn in a spec is a warning on stderr.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrixExit } from "../checker/cli/commands/matrix";
import { summariesExit } from "../checker/cli/commands/verify";
import { type Edge, execute, IN_PROCESS, internalError } from "../checker/cli/main";
import { workerPool } from "../checker/cli/pool";
import { EXIT } from "../checker/outcome";
import { matrixReport } from "../checker/report/json";
import { matrixKtap } from "../checker/report/ktap";
import { matrixMarkdown } from "../checker/report/matrix";
import { reportText } from "../checker/report/verify-text";
import { runCell } from "../checker/run";
import { generic } from "../model/arch/generic";
import type { ArchModel } from "../model/arch/types";
import { proc, step } from "../model/kernel/program";
import { findScenario } from "../model/scenarios/index";
import { cliRun, tempDir } from "./cli";
import { bundledSpec, ROOT, run, summary } from "./helpers";

const home = process.cwd();
beforeAll(() => process.chdir(tempDir("merged")));
afterAll(() => process.chdir(home));

const untimed = (s: string) =>
  s
    .replace(/"seconds": [\d.e-]+/g, '"seconds": 0')
    .replace(/[\d.]+s of exploration/, "Ts of exploration");

const throwing: ArchModel = {
  ...generic,
  id: "generic-throwing",
  procs: generic.procs.map((p) =>
    p.name === "arch_leave_lazy_mmu_mode"
      ? proc(p.name, [
          step(p.name, "a model bug", "test", () => {
            throw new Error("model error: leave | cannot handle this");
          }),
        ])
      : p,
  ),
};

describe("a model error through the summaries", () => {
  const scenario = findScenario("zap-pte-range");
  if (!scenario) throw new Error("no zap-pte-range");
  const limits = { maxStates: 100_000, timeoutMs: 60_000, now: () => performance.now() };
  const err = summary(
    runCell(
      { spec: bundledSpec("lazy-mmu-v6.15"), arch: throwing, scenario, preemption: "none" },
      limits,
    ),
    0,
  );
  const failing = summary(run("sparc64@v6.14", "apply-to-pte-range-init-mm", "full"), 1);

  it("keeps the message and the path, and renders them in every report", () => {
    expect(err.verdict).toBe("error");
    expect(err.error?.message).toBe("model error: leave | cannot handle this");
    expect(err.error?.choices.length).toBeGreaterThan(0);
    const text = reportText([err, failing]);
    expect(text).toContain("  the model threw: model error: leave | cannot handle this\n");
    expect(text).toMatch(/after \d+ steps \(choices [\d,]+\); the other runs went on/);
    expect(text).toContain("verdict: error (2 runs: 1 violated a rule, 0 incomplete, 1 error)");
    const m = matrixReport([err, failing], {});
    expect(m.verdict).toBe("error");
    expect(matrixMarkdown(m)).toContain(
      "| generic-throwing | **error**: model error: leave \\| cannot",
    );
    expect(matrixKtap(m)).toContain("# ERROR the model threw: model error: leave");
    const json = JSON.parse(JSON.stringify(m));
    expect(json.results[0].error.message).toBe("model error: leave | cannot handle this");
  });

  it("exits 4 beside a violation, for verify and matrix alike", () => {
    expect(summariesExit([err, failing], "findings")).toBe(EXIT.internal);
    expect(matrixExit([failing, err])).toBe(EXIT.internal);
    expect(summariesExit([failing], "findings")).toBe(EXIT.violation);
    expect(matrixExit([failing])).toBe(EXIT.ok);
  });
});

describe("vacuity and coverage in the reports", () => {
  it("a vacuous rule shows in text and the matrix; --coverage lists unreached steps", async () => {
    const args = [
      "--arch",
      "generic",
      "--scenario",
      "second-task-same-cpu",
      "--preemption",
      "full",
    ];
    const text = await cliRun(["verify", ...args, "--coverage", "--out", "v", "--quiet"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/vacuous \(no check ever triggered\): .*no-read-hazard/);
    expect(text.stdout).toMatch(/coverage: \d+ model step\(s\) no explored path reached/);
    const json = JSON.parse(
      (await cliRun(["verify", ...args, "--coverage", "--format", "json", "--out", "v"])).stdout,
    );
    expect(json.results[0].vacuous).toContain("no-read-hazard");
    expect(json.results[0].unreached.length).toBeGreaterThan(0);
    const md = await cliRun(["matrix", ...args, "--out", "v"]);
    expect(md.stdout).toMatch(/\| pass \(vacuous: [^|]*no-read-hazard/);
  });
});

describe("the run flags on the worker pool", () => {
  const pooled: Edge = { ...IN_PROCESS, runner: (w) => workerPool(w ?? 2) };
  it("--load, --symmetry, --traces-per-rule and --coverage give the in-process report", async () => {
    const args = [
      "matrix",
      "--load",
      join(ROOT, "examples", "vmap-pages-error-path.ts"),
      "--arch",
      "generic",
      "sparc64@v6.14",
      "--scenario",
      "vmap-pages-pte-range-44562c71e2cf",
      "apply-to-pte-range-init-mm",
      "--preemption",
      "full",
      "--symmetry",
      "--traces-per-rule",
      "2",
      "--coverage",
      "--format",
      "json",
      "--quiet",
    ];
    const inline = await cliRun([...args, "--out", "p1"]);
    const pool = await cliRun([...args, "--out", "p1", "--workers", "2"], pooled);
    expect(pool.stderr).toBe("");
    expect(inline.code).toBe(0);
    expect(untimed(pool.stdout)).toBe(untimed(inline.stdout));
    const report = JSON.parse(pool.stdout);
    const loaded = report.results.find(
      (r: { scenario: string }) => r.scenario === "vmap-pages-pte-range-44562c71e2cf",
    );
    expect(loaded.verdict).toBe("fail");
    expect(loaded.unreached).toBeDefined();
    const traces = report.results.flatMap((r: { violations: { trace: string }[] }) =>
      r.violations.map((v) => v.trace),
    );
    expect(traces.some((t: string) => /-2\.itf\.json$/.test(t))).toBe(true);
  });
});

describe("the process edge", () => {
  it("--debug is taken out of the arguments; an internal error is one line unless --debug", async () => {
    const r = await execute(["verify", "--debug", "--arch", "mips@v1"]);
    expect(r.exit).toBe(EXIT.usage);
    expect(r.stderr).toContain("[unknown-arch]");
    const e = new Error("boom");
    const quiet = internalError(e, false);
    expect(quiet.exit).toBe(4);
    expect(quiet.stderr).toBe("lazymmu: internal error: boom\n");
    expect(quiet.crashReport).toContain(e.stack ?? "");
    expect(internalError(e, true).stderr).toContain(e.stack ?? "");
  });

  /** The v6.15 spec with its first check filtering on a misspelt hook name, as `file`. */
  async function writeTypoSpec(file: string): Promise<void> {
    const spec = JSON.parse(
      (await import("node:fs")).readFileSync(join(ROOT, "specs", "lazy-mmu-v6.15.json"), "utf8"),
    );
    spec.rules[0].checks[0].on.fn = ["arch_entre_lazy_mmu_mode"];
    writeFileSync(file, JSON.stringify(spec));
  }

  it("an fn filter no model defines is a warning on stderr, and the run goes on", async () => {
    await writeTypoSpec("typo.json");
    const r = await cliRun([
      "verify",
      "--spec",
      "typo.json",
      "--arch",
      "sparc64@v6.15",
      "--scenario",
      "zap-pte-range",
      "--preemption",
      "none",
      "--out",
      "w",
    ]);
    expect(r.stderr).toMatch(
      /^lazymmu: warning: .*typo\.json: at \/rules\/0\/checks\/0\/on\/fn\/0: rule \S+ filters on "arch_entre_lazy_mmu_mode", which no model or scenario defines; that check never fires\n$/,
    );
    expect([0, 1]).toContain(r.code);
  });

  it("compare warns too, for either spec, before it runs", async () => {
    await writeTypoSpec("typo-b.json");
    const r = await cliRun([
      "compare",
      "lazy-mmu-v6.15",
      "typo-b.json",
      "--arch",
      "sparc64@v6.15",
      "--scenario",
      "zap-pte-range",
      "--preemption",
      "none",
      "--out",
      "w",
    ]);
    expect(r.stderr).toMatch(
      /^lazymmu: warning: .*typo-b\.json: at \/rules\/0\/checks\/0\/on\/fn\/0: rule \S+ filters on "arch_entre_lazy_mmu_mode", which no model or scenario defines; that check never fires\n$/,
    );
    expect(r.code).toBe(0);
  });
});
