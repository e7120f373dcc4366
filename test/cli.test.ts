// The CLI end to end, in process (cwd set to a scratch directory, as a user's would be):
// exit codes, the JSON shape, the pinned error messages of bad input (with nothing
// written), and byte-identical output across runs.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundledIds } from "../checker/cli/files";
import { architectures } from "../model/arch/index";
import { extraScenarios, scenarios } from "../model/scenarios/index";
import { cliRun, filesUnder } from "./cli";
import { ROOT } from "./helpers";

let tmp = "";
const home = process.cwd();

function lazymmu(args: readonly string[]) {
  return cliRun(args);
}

const files = filesUnder;

afterAll(() => process.chdir(home));

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "lazymmu-cli-"));
  process.chdir(tmp);
  writeFileSync(join(tmp, "malformed.json"), '{\n  "id": "x"\n  "rules": []\n}\n');
  writeFileSync(
    join(tmp, "schema.json"),
    JSON.stringify({
      id: "x",
      title: "x",
      kernel: "v6.15",
      commits: [],
      rules: [
        {
          id: "r",
          obligation: "caller",
          text: "t",
          checks: [{ on: { event: "syscall" }, require: true }],
        },
      ],
    }),
  );
});

const SPARC_OLD = [
  "--arch",
  "sparc64@v6.5",
  "--scenario",
  "apply-to-pte-range-init-mm",
  "--preemption",
  "full",
];
const SPARC_NEW = [
  "--arch",
  "sparc64@v6.15",
  "--scenario",
  "apply-to-pte-range-init-mm",
  "--preemption",
  "full",
];

describe("lazymmu verify", () => {
  it("exits 1 on sparc64 before 1a10a44dfc1d (v6.5: no nesting set_ptes yet), with an implementation rule and a trace showing preemption and migration", async () => {
    const out = join(tmp, "cx-old");
    const r = await lazymmu(["verify", ...SPARC_OLD, "--format", "json", "--out", out]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.verdict).toBe("fail");
    expect(report.results).toHaveLength(1);
    const res = report.results[0];
    expect(Object.keys(res)).toEqual([
      "cell",
      "spec",
      "arch",
      "commits",
      "scenario",
      "preemption",
      "verdict",
      // This run checks no v7.0-API or interrupt rule: those hold vacuously.
      "vacuous",
      "violations",
      // Symmetry reduction relabelled the CPUs: its states are orbits.
      "reduced",
      "stats",
    ]);
    expect(res.reduced).toEqual(["cpus"]);
    expect(Object.keys(res.stats)).toEqual(["states", "transitions", "depth", "seconds"]);
    const impl = res.violations.find((v: { rule: string }) => v.rule === "immediate-outside");
    expect(impl.obligation).toBe("implementation");
    const itf = JSON.parse(readFileSync(impl.trace, "utf8"));
    const actions = itf.states.map(
      (s: { "#meta": { action: string; label: string } }) => s["#meta"],
    );
    expect(
      actions.some(
        (m: { action: string; label: string }) =>
          m.action === "switch-out" && m.label.includes("preempted"),
      ),
    ).toBe(true);
    expect(actions.some((m: { action: string }) => m.action === "migrate")).toBe(true);
    expect(existsSync(impl.trace.replace(/\.itf\.json$/, ".txt"))).toBe(true);
  });

  it("exits 0 on the same scenario with sparc64 after a1d416bf9faf, and writes nothing", async () => {
    const out = join(tmp, "cx-new");
    const r = await lazymmu(["verify", ...SPARC_NEW, "--out", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pass /m);
    expect(files(out)).toEqual([]);
  });

  it("exits 3 with verdict incomplete, never pass, when a limit stops exploration", async () => {
    const r = await lazymmu([
      "verify",
      ...SPARC_NEW,
      "--max-states",
      "20",
      "--format",
      "json",
      "--out",
      join(tmp, "cx-lim"),
    ]);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report.verdict).toBe("incomplete");
    expect(report.results[0].verdict).toBe("incomplete");
    expect(report.results[0].stoppedBy).toBe("max-states");
  });

  it("text output names the rule, its text and where the trace was written", async () => {
    const r = await lazymmu(["verify", ...SPARC_OLD, "--out", join(tmp, "cx-text")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "violated immediate-outside (implementation): Only updates made between enter and leave",
    );
    expect(r.stdout).toMatch(
      /shortest trace \(\d+ steps\): .*cx-text\/lazy-mmu-v6\.15\/sparc64@v6\.5\/apply-to-pte-range-init-mm\/full-immediate-outside\.txt/,
    );
  });

  it("is deterministic: the same input gives byte-identical traces and reports, timings aside", async () => {
    const a = join(tmp, "det-a");
    const b = join(tmp, "det-b");
    const ra = await lazymmu(["verify", ...SPARC_OLD, "--format", "json", "--out", a]);
    const rb = await lazymmu(["verify", ...SPARC_OLD, "--format", "json", "--out", b]);
    const strip = (s: string) =>
      s
        .replace(/"seconds": [\d.e-]+/g, '"seconds": 0')
        .replaceAll(a, "OUT")
        .replaceAll(b, "OUT");
    expect(strip(rb.stdout)).toBe(strip(ra.stdout));
    const fa = files(a);
    expect(fa.length).toBeGreaterThan(0);
    expect(files(b).map((f) => f.replace(b, ""))).toEqual(fa.map((f) => f.replace(a, "")));
    for (const f of fa) expect(readFileSync(f.replace(a, b), "utf8")).toBe(readFileSync(f, "utf8"));
  });
});

describe("lazymmu list and matrix", () => {
  it("list --format json names architectures, scenarios and specs", async () => {
    const r = await lazymmu(["list", "--format", "json"]);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(Object.keys(data.architectures[0])).toEqual(
      expect.arrayContaining(["id", "arch", "commits", "summary"]),
    );
    expect(data.architectures.map((a: { id: string }) => a.id)).toEqual(
      architectures.map((a) => a.id),
    );
    type Listed = { id: string; inDefaultMatrix: boolean };
    const listed = (inDefault: boolean) =>
      data.scenarios
        .filter((s: Listed) => s.inDefaultMatrix === inDefault)
        .map((s: Listed) => s.id);
    expect(listed(true)).toEqual(scenarios.map((s) => s.id));
    expect(listed(false)).toEqual(extraScenarios.map((s) => s.id));
    const spec = data.specs.find((s: { id: string }) => s.id === "lazy-mmu-v6.15");
    expect(spec.rules).toContainEqual({ id: "effective-at-leave", obligation: "implementation" });
  });

  it("matrix --format json has a row per architecture model and a cell per scenario and preemption model", async () => {
    const r = await lazymmu([
      "matrix",
      "--arch",
      "sparc64@v6.14",
      "sparc64@v6.15",
      "--scenario",
      "remap-pte-range-set-ptes",
      "--format",
      "json",
      "--out",
      join(tmp, "cx-m"),
    ]);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.columns).toEqual([
      "remap-pte-range-set-ptes (none)",
      "remap-pte-range-set-ptes (full)",
      "remap-pte-range-set-ptes (rt)",
    ]);
    expect(m.results).toHaveLength(6);
    // No sparc64 kernel is PREEMPT_RT: those two cells are n/a, with the reason, not run.
    const na = m.results.filter((x: { verdict: string }) => x.verdict === "n/a");
    expect(
      na.map((x: { arch: string; preemption: string }) => `${x.arch} ${x.preemption}`),
    ).toEqual(["sparc64@v6.14 rt", "sparc64@v6.15 rt"]);
    for (const x of na) expect(x.why).toMatch(/ARCH_SUPPORTS_RT/);
    expect(m.notApplicable).toBe(2);
    const old = m.results.filter(
      (x: { arch: string; verdict: string }) => x.arch === "sparc64@v6.14" && x.verdict !== "n/a",
    );
    expect(old).toHaveLength(2);
    for (const x of old)
      expect(x.violations.map((v: { rule: string }) => v.rule)).toContain("no-nesting");
  });
});

describe("bad input: exit 2, the pinned message, nothing written", () => {
  const golden = JSON.parse(
    readFileSync(join(ROOT, "test", "golden", "cli-errors.json"), "utf8"),
  ) as {
    cases: { args: string[]; stderr: string }[];
  };
  for (const c of golden.cases) {
    it(c.args.join(" "), async () => {
      const out = join(tmp, "cx-bad");
      const r = await lazymmu([...c.args.map((a) => a.replace("<TMP>", tmp)), "--out", out]);
      const expected = c.stderr
        .replaceAll("<TMP>", tmp)
        .replace("<ARCHS>", architectures.map((a) => a.id).join(", "))
        .replace("<SCENARIOS>", scenarios.map((s) => s.id).join(", "))
        .replace("<SPECS>", bundledIds().join(", "));
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(expected);
      expect(r.stdout).toBe("");
      expect(files(out)).toEqual([]);
    });
  }
});
