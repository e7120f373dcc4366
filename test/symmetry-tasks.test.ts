// Symmetry over tasks that run the same program, combined with CPU renumberings
// (checker/explore/symmetry.ts), and the relabelling of pointers a derived model's values
// hold. Each comparison runs a cell with and without the reduction and asks for the same
// verdict and violated rules, without pinning either; runCell replays every counterexample
// on the unreduced model (a reduced one that does not replay is an `error`).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { explore } from "../checker/explore/bfs";
import { kernelSystem } from "../checker/explore/kernel-system";
import { relabelTask } from "../checker/explore/relabel";
import { type Relabelling, symmetryOf } from "../checker/explore/symmetry";
import type { Expr } from "../checker/rules/expr";
import { monitor } from "../checker/rules/monitor";
import { type Cell, type CellResult, runCell } from "../checker/run";
import type { Spec } from "../checker/spec/types";
import { findArch } from "../model/arch/index";
import type { ArchModel } from "../model/arch/types";
import type { PreemptionModel, Task } from "../model/kernel/state";
import { buildMachine } from "../model/machine/machine";
import { findScenario } from "../model/scenarios/index";
import { sparc64Source } from "../model/source/bindings/sparc64";
import { deriveModel } from "../model/source/derive";
import { relabelPointer } from "../model/source/memory";
import { type CParser, loadCParser } from "../model/source/parser";
import { cli, cliRun, filesUnder, tempDir } from "./cli";
import { bundledSpec, ROOT } from "./helpers";

const limits = { maxStates: 200_000, timeoutMs: 120_000, now: () => performance.now() };
const SPEC = bundledSpec("lazy-mmu-v6.15");

function cell(archId: string, scenarioId: string, preemption: PreemptionModel, spec = SPEC): Cell {
  const arch = findArch(archId);
  const scenario = findScenario(scenarioId);
  if (!arch || !scenario) throw new Error(`no ${archId} or ${scenarioId}`);
  return { spec, arch, scenario, preemption };
}

const machineOf = (c: Cell) => buildMachine(c.arch, c.scenario, c.preemption);
const rules = (r: CellResult) => r.violations.map((v) => v.rule);

/** The spec with its first check reading `path` instead. */
function reading(path: string): Spec {
  const [first, ...rest] = SPEC.rules;
  if (!first) throw new Error("an empty spec");
  const [check, ...others] = first.checks;
  if (!check) throw new Error("a rule without checks");
  const require: Expr = { eq: [{ var: path }, 0] };
  return { ...SPEC, rules: [{ ...first, checks: [{ ...check, require }, ...others] }, ...rest] };
}

describe("which relabellings are offered", () => {
  it("two tasks running zap_pte_range() on two CPUs: CPUs and tasks, a group of 4", () => {
    const sym = symmetryOf(machineOf(cell("sparc64@v6.15", "zap-pte-range-twice", "full")), SPEC);
    expect(sym.ok && sym.over).toEqual(["cpus", "tasks"]);
    expect(sym.ok && sym.group.length).toBe(4);
  });

  it("tasks running different callers are not exchanged", () => {
    const sym = symmetryOf(machineOf(cell("sparc64@v6.15", "bench-reference", "full")), SPEC);
    expect(sym.ok && sym.over).toEqual(["cpus"]);
  });

  it("a rule reading a CPU number keeps task symmetry only", () => {
    const m = machineOf(cell("sparc64@v6.15", "zap-pte-range-twice", "full"));
    const sym = symmetryOf(m, reading("ctx.cpu"));
    expect(sym.ok && sym.over).toEqual(["tasks"]);
  });

  it("two identical interrupt sources on one CPU stay two under a renumbering", () => {
    const c = cell("sparc64@v6.15", "bench-reference", "full");
    const irq = (id: string, cpu: number) => ({
      id,
      handler: "kfence_unprotect",
      bound: 1,
      cpus: [cpu],
    });
    const scenario = {
      ...c.scenario,
      irqs: [irq("a0", 0), irq("b0", 0), irq("a1", 1), irq("b1", 1)],
    };
    const sym = symmetryOf(buildMachine(c.arch, scenario, "full"), SPEC);
    const maps = sym.ok ? sym.group.map((r) => [...r.source.entries()].sort()) : [];
    expect(maps).toEqual([
      [],
      [
        ["a0", "a1"],
        ["a1", "a0"],
        ["b0", "b1"],
        ["b1", "b0"],
      ],
    ]);
  });

  for (const path of ["ctx.id", "ctx", "event.message", "state", "state.tasks"]) {
    it(`a rule reading ${path} turns it off`, () => {
      const m = machineOf(cell("sparc64@v6.15", "zap-pte-range-twice", "full"));
      const sym = symmetryOf(m, reading(path));
      expect(sym.ok).toBe(false);
      expect(!sym.ok && sym.why).toContain(path);
    });
  }
});

describe("task symmetry merges states CPU symmetry alone does not, and changes no verdict", () => {
  // sparc64@v6.14 nests on zap_pte_range()'s set_pte_at(): no-nesting fails, so a reduced
  // counterexample is rebuilt and replayed through a task relabelling.
  for (const archId of ["sparc64@v6.14", "x86-xen-pv@v6.15", "arm64@1ef3095b1405"]) {
    it(`${archId} zap-pte-range-twice full`, () => {
      const c = cell(archId, "zap-pte-range-twice", "full");
      const full = runCell(c, limits, { symmetry: false });
      const both = runCell(c, limits, { symmetry: true });
      const m = machineOf(c);
      const cpusOnly = explore(kernelSystem(m, monitor(c.spec), { symmetry: ["cpus"] }), limits);
      expect(full.stoppedBy).toBeNull();
      expect(both.reduced).toEqual(["cpus", "tasks"]);
      expect(both.verdict).toBe(full.verdict);
      expect(rules(both)).toEqual(rules(full));
      const lengths = (r: CellResult) => r.violations.map((v) => v.choices.length);
      expect(lengths(both)).toEqual(lengths(full));
      expect(cpusOnly.stats.states).toBeLessThan(full.stats.states);
      expect(both.stats.states).toBeLessThan(cpusOnly.stats.states);
    });
  }
});

describe("relabelling", () => {
  const swap: Relabelling = {
    cpu: [1, 0],
    source: new Map(),
    task: [1, 0],
    taskId: new Map([
      ["A", "B"],
      ["B", "A"],
    ]),
  };

  it("renames the CPU and the task a derived model's pointer names", () => {
    const cpu = (c: number) => swap.cpu[c] ?? c;
    const task = (id: string) => swap.taskId.get(id) ?? id;
    expect(relabelPointer("pcpu:0:tlb_batch.active", cpu, task)).toBe("pcpu:1:tlb_batch.active");
    expect(relabelPointer("task:A.lazy_mmu_state", cpu, task)).toBe("task:B.lazy_mmu_state");
    expect(relabelPointer("task:idle@cpu1", cpu, task)).toBe("task:idle@cpu0");
    expect(relabelPointer("pte:user:0", cpu, task)).toBe("pte:user:0");
    expect(relabelPointer(3, cpu, task)).toBe(3);
  });

  it("renames a task's id, CPU, the CPU its this_cpu_ptr() local holds and its pointers", () => {
    const t: Task = {
      id: "A",
      stack: [
        { proc: "arch_enter_lazy_mmu_mode", pc: 1, args: {}, locals: { tb: 0, p: "task:B" } },
      ],
      status: "runnable",
      cpu: 0,
      preemptCount: 0,
      migrationDisabled: 0,
      atSleepPoint: false,
      flags: { owner: "pcpu:1:x" },
      ghost: { lazyDepth: 0, regions: [], wrote: {} },
    };
    const r = relabelTask(t, swap);
    expect([r.id, r.cpu, r.stack[0]?.locals, r.flags]).toEqual([
      "B",
      1,
      { tb: 1, p: "task:A" },
      { owner: "pcpu:0:x" },
    ]);
  });
});

describe("a model derived from a kernel tree (pointers in its locals)", () => {
  let parser: CParser;
  beforeAll(async () => {
    parser = await loadCParser();
  });

  function derived(tree: string): ArchModel {
    const dir = join(ROOT, "test/fixtures/kernels", tree);
    const read = (f: string) =>
      existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : undefined;
    const r = deriveModel({ name: tree, read }, parser, sparc64Source);
    if (!r.ok) throw new Error(`${r.problem.at}: ${r.problem.message}`);
    return r.value.model;
  }

  // sparc64 v6.5's hooks keep `tb = this_cpu_ptr(&tlb_batch)`, a `pcpu:` pointer, in a
  // local while the task may migrate: a renumbering that left it would not replay (the
  // bcc6cc832573 set_ptes() nests, so no-nesting fails and its trace is rebuilt).
  it("sparc64-v6.5 remap-pte-range-set-ptes-bcc6cc832573 full: same verdict and rules, fewer states", () => {
    const scenario = findScenario("remap-pte-range-set-ptes-bcc6cc832573");
    if (!scenario) throw new Error("no scenario");
    const c: Cell = { spec: SPEC, arch: derived("sparc64-v6.5"), scenario, preemption: "full" };
    const full = runCell(c, limits, { symmetry: false });
    const reduced = runCell(c, limits, { symmetry: true });
    expect(reduced.error).toBeUndefined();
    expect(reduced.reduced).toEqual(["cpus"]);
    expect(reduced.verdict).toBe(full.verdict);
    expect(rules(reduced)).toEqual(rules(full));
    expect(reduced.stats.states).toBeLessThan(full.stats.states);
  });
});

describe("the command line", () => {
  const args = ["--arch", "sparc64@v6.15", "--scenario", "zap-pte-range-twice"];
  const sel = [...args, "--preemption", "full", "--quiet"];

  it("reduces by default, --symmetry as well, and --no-symmetry stores every state", async () => {
    const out = tempDir("lazymmu-symmetry-");
    const json = async (...flags: string[]) => {
      const r = await cliRun(["verify", ...sel, "--format", "json", "--out", out, ...flags]);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout).results[0] as { reduced: string[]; stats: { states: number } };
    };
    const byDefault = await json();
    const asked = await json("--symmetry");
    const off = await json("--no-symmetry");
    expect(byDefault.reduced).toEqual(["cpus", "tasks"]);
    expect(asked.reduced).toEqual(["cpus", "tasks"]);
    expect(asked.stats.states).toBe(byDefault.stats.states);
    expect(off.reduced).toEqual([]);
    expect(off.stats.states).toBeGreaterThan(byDefault.stats.states);
    const text = await cliRun(["verify", ...sel, "--out", out]);
    expect(text.stdout).toContain("; one state per relabelling of CPUs and tasks)");
    const plain = await cliRun(["verify", ...sel, "--out", out, "--no-symmetry"]);
    expect(plain.stdout).not.toContain("relabelling");
  });

  it("the traces of a run reduced over tasks replay on the unreduced model", async () => {
    const out = tempDir("lazymmu-symmetry-");
    const sel14 = ["--arch", "sparc64@v6.14", "--scenario", "zap-pte-range-twice"];
    const r = await cliRun(["verify", ...sel14, "--preemption", "full", "--quiet", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("relabelling of CPUs and tasks");
    const traces = filesUnder(out).filter((f) => f.endsWith(".itf.json"));
    expect(traces.length).toBeGreaterThan(0);
    for (const f of traces) {
      const replayed = cli(["replay", f]);
      expect(replayed.stdout, f).toMatch(/^reproduced: /);
      expect(replayed.code, f).toBe(0);
    }
  });

  it("matrix and compare take --no-symmetry", async () => {
    const out = tempDir("lazymmu-symmetry-");
    const m = await cliRun(["matrix", ...sel, "--no-symmetry", "--out", out]);
    expect(m.code).toBe(0);
    const c = await cliRun([
      "compare",
      "lazy-mmu-v6.15",
      "lazy-mmu-v7.0",
      "--arch",
      "sparc64@v6.15",
      "--scenario",
      "zap-pte-range-twice",
      "--no-symmetry",
      "--quiet",
    ]);
    expect(c.stderr).toBe("");
    expect(c.code).toBe(0);
  });
});
