// The three user files in examples/, each checked with `lazymmu verify --load` as a user
// would, on the same footing as the built-in models; and the loader's answers to bad files
// (syntax error, missing hook, duplicate id): exit 2, naming the file and the line.

import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { originMismatch } from "../checker/load/origins";
import { cli, cliRun, tempDir } from "./cli";
import { ROOT } from "./helpers";

interface Violation {
  readonly rule: string;
  readonly trace: string;
}
interface Report {
  readonly results: readonly {
    readonly arch: string;
    readonly scenario: string;
    readonly preemption: string;
    readonly verdict: string;
    readonly violations: readonly Violation[];
  }[];
}

const example = (name: string) => join(ROOT, "examples", name);

async function verify(file: string, arch: string, scenarios: readonly string[]): Promise<Report> {
  const out = tempDir("examples");
  const args = ["verify", "--load", file, "--arch", arch, "--scenario", ...scenarios];
  const r = await cliRun([...args, "--format", "json", "--out", out]);
  expect(r.stderr).toBe("");
  expect([0, 1]).toContain(r.code);
  return JSON.parse(r.stdout) as Report;
}

function rulesOf(report: Report, scenario: string): Set<string> {
  const cells = report.results.filter((c) => c.scenario === scenario);
  expect(cells.length).toBeGreaterThan(0);
  return new Set(cells.flatMap((c) => c.violations.map((v) => v.rule)));
}

describe("examples/ loaded with --load", () => {
  it("vmap_pages_pte_range(): 44562c71e2cf leaves the region open on error, fea18c686320 does not", async () => {
    const before = "vmap-pages-pte-range-44562c71e2cf";
    const after = "vmap-pages-pte-range-fea18c686320";
    const report = await verify(example("vmap-pages-error-path.ts"), "sparc64@v6.15", [
      before,
      after,
    ]);
    expect(rulesOf(report, before)).toContain("pairing");
    const fixed = rulesOf(report, after);
    expect(fixed).not.toContain("pairing");
    // The error path is a WARN_ON in the kernel too, but in mm/vmalloc.c: caller code, which
    // no-kernel-bug (judged on the implementation's own checks) does not count.
    expect(fixed).not.toContain("no-kernel-bug");
  });

  it("the enter-returns-a-state design: nesting is the caller's breach, the hooks keep the contract", async () => {
    const report = await verify(
      example("lazy-mmu-state-powerpc.ts"),
      "powerpc-hash@lazy-mmu-state-v2",
      ["lazy-mmu-state-nested"],
    );
    const rules = rulesOf(report, "lazy-mmu-state-nested");
    expect([...rules]).toEqual(["no-nesting"]);
  });

  it("the design is refused, with its reason, for callers that keep no state", async () => {
    const file = example("lazy-mmu-state-powerpc.ts");
    const r = await cliRun([
      "verify",
      "--load",
      file,
      "--arch",
      "powerpc-hash@lazy-mmu-state-v2",
      "--scenario",
      "zap-pte-range",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("[incompatible-api]");
    expect(r.stderr).toContain("leave() needs the state its enter() returned");
  });

  it("a task that starts with _TLF_LAZY_MMU set resumes its region; v6.0's leave is preemptible", async () => {
    const report = await verify(example("preempted-region-powerpc.ts"), "powerpc-hash@v6.0", [
      "powerpc-preempted-region-resumes",
    ]);
    const rules = rulesOf(report, "powerpc-preempted-region-resumes");
    expect(rules).not.toContain("pairing");
    expect(rules).not.toContain("effective-at-leave");
    expect(rules).toContain("no-kernel-bug");
  });

  it("a counterexample of a loaded model replays with the file, and is refused without it", async () => {
    const file = example("vmap-pages-error-path.ts");
    const report = await verify(file, "generic", ["vmap-pages-pte-range-44562c71e2cf"]);
    const trace = report.results[0]?.violations[0]?.trace;
    if (trace === undefined) throw new Error("no counterexample");
    expect(cli(["replay", trace, "--load", file]).code).toBe(0);
    // A fresh process that does not load the file refuses the trace, naming the file.
    const bin = join(ROOT, "bin", "lazymmu");
    const refused = spawnSync("node", [bin, "replay", trace], { encoding: "utf8" });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("[model-file-changed]");
    expect(refused.stderr).toContain(`load it with --load ${file}`);
  });

  it("a step's choose() value is data in the trace and [chose V] in .txt, show and html", async () => {
    const file = example("vmap-pages-error-path.ts");
    const report = await verify(file, "generic", ["vmap-pages-pte-range-44562c71e2cf"]);
    const trace = report.results[0]?.violations[0]?.trace;
    if (trace === undefined) throw new Error("no counterexample");
    const doc = JSON.parse(readFileSync(trace, "utf8")) as {
      readonly "#meta": { readonly loaded?: readonly { readonly file: string }[] };
      readonly states: readonly { readonly "#meta": { readonly choice?: unknown } }[];
    };
    expect(doc["#meta"].loaded?.map((o) => o.file)).toContain(file);
    const chosen = doc.states.flatMap((s) =>
      s["#meta"].choice === undefined ? [] : [String(s["#meta"].choice)],
    );
    expect(chosen.length).toBeGreaterThan(0);
    const mark = `[chose ${chosen[0]}]`;
    const txt = readFileSync(trace.replace(/\.itf\.json$/, ".txt"), "utf8");
    expect(txt).toContain(mark);
    const shown = cli(["show", trace, "--load", file, "--width", "200", "--no-color"]);
    expect(shown.code).toBe(0);
    // A lane may wrap the mark at its space.
    expect(shown.stdout).toContain("[chose");
    expect(shown.stdout).toContain(`${chosen[0]}]`);
    const page = cli(["html", trace, "--load", file]);
    expect(page.code).toBe(0);
    expect(page.stdout).toContain(mark);
    // replay compares the recorded choice with the model's.
    const i = doc.states.findIndex((st) => st["#meta"].choice !== undefined);
    const tampered = JSON.parse(readFileSync(trace, "utf8"));
    tampered.states[i]["#meta"].choice = "something else";
    const bad = join(tempDir("examples"), "tampered.itf.json");
    writeFileSync(bad, JSON.stringify(tampered));
    const r = cli(["replay", bad, "--load", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("choice");
  });

  it("a recorded file whose content changed is refused; the same content elsewhere is not", async () => {
    const recorded = [{ file: "/a/model.ts", sha256: "1111" }];
    const changed = originMismatch(recorded, [{ file: "/a/model.ts", sha256: "2222" }], "t.json");
    expect(changed?.code).toBe("model-file-changed");
    expect(changed?.message).toContain("/a/model.ts has changed since the trace was made");
    expect(originMismatch(recorded, [{ file: "/b/moved.ts", sha256: "1111" }], "t.json")).toBe(
      undefined,
    );
  });
});

describe("bad model files exit 2 naming the file and line", () => {
  function load(name: string, source: string): { code: number; stderr: string; file: string } {
    const file = join(tempDir("bad"), name);
    writeFileSync(file, source);
    const r = cli(["list", "--load", file]);
    return { code: r.code, stderr: r.stderr, file };
  }

  it("a syntax error", async () => {
    const r = load("syntax.ts", 'import { defineArch } from "lazymmu/api";\nconst x = {;\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`[bad-model-file]: ${r.file}: at 2:`);
    expect(r.stderr).toContain("syntax error");
  });

  it("a model missing a required hook", async () => {
    const source = [
      'import { defineArch, nop, proc } from "lazymmu/api";',
      "",
      "export const m = defineArch({",
      '  id: "no-leave",',
      '  arch: "x", era: "design", commits: [], summary: "s", sources: ["a.c"], departures: [],',
      '  procs: [proc("arch_enter_lazy_mmu_mode", [nop("e", "{}", "a.c")])],',
      "  perCpu: {}, perTask: {}, contextSwitch: [],",
      "});",
      "",
    ].join("\n");
    const r = load("hook.ts", source);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${r.file}: at line 4:`);
    expect(r.stderr).toContain("defines no arch_leave_lazy_mmu_mode() (a required hook)");
  });

  it("an id that a built-in scenario has", async () => {
    const source = [
      'const { defineScenario } = require("lazymmu/api");',
      "exports.s = defineScenario({",
      '  id: "zap-pte-range", summary: "s", source: "mm/memory.c", cpus: 1,',
      '  tasks: [], irqs: [], ptes: {}, procs: [], preemption: ["none"],',
      "});",
      "",
    ].join("\n");
    const r = load("dup.js", source);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${r.file}: at line 3:`);
    expect(r.stderr).toContain('scenario "zap-pte-range": the id is already taken');
  });

  it("a file that defines nothing", async () => {
    const r = load("empty.ts", "export const x = 1;\n");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("exports no model or scenario");
  });
});
