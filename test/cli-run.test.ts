// The run commands as a CI uses them: the worker pool gives the same bytes as one thread,
// shards merge into the report one machine prints (markdown, json, ktap), KTAP parses as
// TAP, progress and --quiet, the summary and --failures, JSON errors, and the papercuts
// (stale traces, relative spec paths, compare's positional specs, duplicate ids, list).

import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { type FinalResults, Parser } from "tap-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Edge, IN_PROCESS } from "../checker/cli/main";
import { workerPool } from "../checker/cli/pool";
import { progressWriter } from "../checker/cli/progress-writer";
import { matrixReport } from "../checker/report/json";
import { matrixKtap } from "../checker/report/ktap";
import { progressLine, type RunProgress } from "../checker/report/progress";
import type { CellSummary } from "../checker/report/summary";
import { cli, cliRun, filesUnder, tempDir } from "./cli";
import { ROOT } from "./helpers";

const home = process.cwd();
let tmp = "";

beforeAll(() => {
  tmp = tempDir("run");
  process.chdir(tmp);
});
afterAll(() => process.chdir(home));

/**
 * Six small cells: two sparc64 eras on remap_pte_range() under each preemption model; the
 * two rt cells are n/a (no sparc64 kernel is PREEMPT_RT), so four run.
 */
const SMALL = [
  "--arch",
  "sparc64@v6.14",
  "sparc64@v6.15",
  "--scenario",
  "remap-pte-range-set-ptes",
];

const untimed = (s: string) =>
  s
    .replace(/"seconds": [\d.e-]+/g, '"seconds": 0')
    .replace(/[\d.]+s of exploration/, "Ts of exploration");

const files = (dir: string) => filesUnder(dir).map((f) => f.slice(dir.length));

describe("the worker pool", () => {
  it("prints byte for byte what one thread prints, and writes the same traces", async () => {
    const pooled: Edge = { ...IN_PROCESS, runner: (w) => workerPool(w ?? 2) };
    const one = await cliRun(
      ["matrix", ...SMALL, "--format", "json", "--workers", "1", "--out", "w1"],
      pooled,
    );
    const two = await cliRun(
      ["matrix", ...SMALL, "--format", "json", "--workers", "3", "--out", "w1"],
      pooled,
    );
    const inline = await cliRun(["matrix", ...SMALL, "--format", "json", "--out", "w1"]);
    expect(one.code).toBe(0);
    expect(untimed(two.stdout)).toBe(untimed(one.stdout));
    expect(untimed(inline.stdout)).toBe(untimed(one.stdout));
    const md1 = await cliRun(["matrix", ...SMALL, "--workers", "1", "--out", "w2"], pooled);
    const md3 = await cliRun(["matrix", ...SMALL, "--workers", "3", "--out", "w3"], pooled);
    expect(untimed(md3.stdout)).toBe(untimed(md1.stdout));
    expect(files("w3")).toEqual(files("w2"));
    expect(files("w2").length).toBeGreaterThan(0);
    for (const f of files("w2"))
      expect(readFileSync(`w3${f}`, "utf8")).toBe(readFileSync(`w2${f}`, "utf8"));
  });
});

describe("--shard and merge", () => {
  for (const format of ["markdown", "json", "ktap"]) {
    it(`merging the shards' JSON gives the unsharded ${format} report`, async () => {
      const whole = await cliRun(["matrix", ...SMALL, "--format", format, "--out", "s"]);
      const parts: string[] = [];
      const seen: number[] = [];
      for (const i of [1, 2, 3, 4]) {
        const r = await cliRun([
          "matrix",
          ...SMALL,
          "--format",
          "json",
          "--shard",
          `${i}/4`,
          "--out",
          "s",
        ]);
        expect(r.code).toBe(0);
        const shard = JSON.parse(r.stdout);
        expect(shard.shard).toEqual({ index: i, count: 4, cells: 6 });
        seen.push(...shard.results.map((x: { cell: number }) => x.cell));
        const file = `shard-${format}-${i}.json`;
        writeFileSync(file, r.stdout);
        parts.push(file);
      }
      expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5]);
      const merged = cli(["merge", ...parts.reverse(), "--format", format]);
      expect(merged.code).toBe(whole.code);
      expect(untimed(merged.stdout)).toBe(untimed(whole.stdout));
    });
  }

  it("refuses a set of shards that misses one, or a report of another format version", async () => {
    const r = await cliRun([
      "matrix",
      ...SMALL,
      "--format",
      "json",
      "--shard",
      "1/2",
      "--out",
      "s",
    ]);
    writeFileSync("half.json", r.stdout);
    const missing = cli(["merge", "half.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("[bad-report]");
    expect(missing.stderr).toContain("3 of 6 cells are in none of the reports");
    expect(cli(["merge", "half.json", "half.json"]).stderr).toContain("is in two reports");
    writeFileSync("v0.json", JSON.stringify({ ...JSON.parse(r.stdout), formatVersion: 0 }));
    const old = cli(["merge", "v0.json"]);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain("v0.json: at /formatVersion: this lazymmu reads format version 1");
  });
});

describe("--format ktap", () => {
  it("is KTAP version 1 that a TAP parser reads: a test per scenario, a subtest per cell", async () => {
    const selection = [
      "matrix",
      "--arch",
      "sparc64@v6.14",
      "sparc64@v6.15",
      "--scenario",
      "remap-pte-range-set-ptes",
      "apply-to-pte-range-init-mm",
      "--out",
      "k",
    ];
    const r = await cliRun([...selection, "--format", "ktap"]);
    const json = JSON.parse((await cliRun([...selection, "--format", "json"])).stdout);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("KTAP version 1");
    const top = parse(r.stdout);
    expect(top.plan).toMatchObject({ start: 1, end: 2 });
    expect(top.count).toBe(2);
    expect(top.ok).toBe(false);
    // Each subtest is a KTAP document of its own, two spaces in.
    const blocks = subtests(lines);
    expect(blocks.map((b) => b.name)).toEqual([
      "remap-pte-range-set-ptes",
      "apply-to-pte-range-init-mm",
    ]);
    for (const b of blocks) {
      const cells: { scenario: string; arch: string; preemption: string; verdict: string }[] =
        json.results.filter((x: { scenario: string }) => x.scenario === b.name);
      const failing = cells
        .filter((c) => c.verdict === "fail")
        .map((c) => `${c.arch} ${c.preemption}`);
      expect(failing.length).toBeGreaterThan(0);
      const sub = parse(b.text);
      expect(sub.count).toBe(6);
      expect(sub.plan).toMatchObject({ start: 1, end: 6 });
      expect(sub.failures.map((f) => f.name)).toEqual(failing);
    }
    expect(r.stdout).toMatch(
      /^ {2}# sparc64@v6\.14 full: violated no-nesting \(caller\): .+\n {2}# trace: k\/lazy-mmu-v6\.15\/sparc64@v6\.14\/apply-to-pte-range-init-mm\/full-no-nesting\.itf\.json$/m,
    );
  });

  it("marks a cell a limit cut short not ok with TIMEOUT", async () => {
    const r = await cliRun([
      "matrix",
      "--arch",
      "sparc64@v6.15",
      "--scenario",
      "apply-to-pte-range-init-mm",
      "--preemption",
      "full",
      "--max-states",
      "20",
      "--format",
      "ktap",
      "--out",
      "k2",
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("  not ok 1 sparc64@v6.15 full # TIMEOUT stopped by --max-states");
    expect(parse(r.stdout).ok).toBe(false);
  });
});

function parse(text: string): FinalResults {
  let result: FinalResults | undefined;
  const p = new Parser((r) => {
    result = r;
  });
  p.end(text);
  if (result === undefined) throw new Error("tap-parser gave no result");
  return result;
}

/** The nested KTAP documents: lines two spaces in, from a version line to the parent's result. */
function subtests(lines: readonly string[]): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    if (line === "  KTAP version 1") current = [];
    if (current !== undefined && line.startsWith("  ")) current.push(line.slice(2));
    else if (current !== undefined) {
      const m = /^(?:not )?ok \d+ (\S+)/.exec(line);
      out.push({ name: m?.[1] ?? "?", text: `${current.join("\n")}\n` });
      current = undefined;
    }
  }
  return out;
}

describe("the matrix report", () => {
  it("starts with a summary: cells, failures by rule, incomplete, n/a; JSON has a format version and each failure's trace", async () => {
    const md = await cliRun(["matrix", ...SMALL, "--out", "m"]);
    const [first, second] = md.stdout.split("\n");
    expect(first).toBe("spec: lazy-mmu-v6.15; 6 cells: 2 pass, 2 fail, 0 incomplete, 2 n/a");
    expect(second).toMatch(/^failures by rule: .*no-nesting 2/);
    const json = JSON.parse(
      (await cliRun(["matrix", ...SMALL, "--format", "json", "--out", "m"])).stdout,
    );
    expect(json.format).toBe("lazymmu-report");
    expect(json.formatVersion).toBe(1);
    expect(json.summary).toMatchObject({ cells: 6, pass: 2, fail: 2, incomplete: 0, "n/a": 2 });
    expect(json.notApplicable).toBe(2);
    expect(json.summary.failuresByRule["no-nesting"]).toBe(2);
    for (const r of json.results)
      for (const v of r.violations) expect(existsSync(v.trace), v.trace).toBe(true);
  });

  it("--failures lists only the failing cells, a rule and its trace a row", async () => {
    const r = await cliRun(["matrix", ...SMALL, "--failures", "--out", "f"]);
    expect(r.code).toBe(0);
    const rows = r.stdout.split("\n").filter((l) => l.startsWith("| sparc64"));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows)
      expect(row).toMatch(
        /^\| sparc64@v6\.14 \| remap-pte-range-set-ptes \| (none|full|rt) \| [a-z-]+ \| f\/.+\.itf\.json \|$/,
      );
    const json = JSON.parse(
      (await cliRun(["matrix", ...SMALL, "--failures", "--format", "json", "--out", "f"])).stdout,
    );
    expect(json.results.map((x: { verdict: string }) => x.verdict)).toEqual(["fail", "fail"]);
  });
});

describe("progress", () => {
  it("reports runs done of total and the states found, and nothing under --quiet", async () => {
    const seen: RunProgress[] = [];
    const edge: Edge = { ...IN_PROCESS, progress: (p) => seen.push(p) };
    await cliRun(["matrix", ...SMALL, "--out", "p"], edge);
    // Progress counts the runs: the two n/a cells are not run.
    expect(seen.at(-1)).toMatchObject({ done: 4, total: 4 });
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
    expect(seen.at(-1)?.states).toBeGreaterThan(0);
    const quiet: RunProgress[] = [];
    await cliRun(["matrix", ...SMALL, "--out", "p", "--quiet"], {
      ...IN_PROCESS,
      progress: (p) => quiet.push(p),
    });
    expect(quiet).toEqual([]);
  });
});

describe("errors under --format json", () => {
  it("are one JSON object on stderr with the code", async () => {
    const r = await cliRun(["verify", "--arch", "mips@v1", "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const e = JSON.parse(r.stderr);
    expect(e.error.code).toBe("unknown-arch");
    expect(e.error.message).toContain('"mips@v1"');
  });
});

describe("papercuts", () => {
  const ONE = [
    "--arch",
    "sparc64@v6.5",
    "--scenario",
    "apply-to-pte-range-init-mm",
    "--preemption",
    "full",
  ];

  it("verify replaces the stale traces of the run it repeats, and leaves other runs' alone", async () => {
    const dir = "stale/lazy-mmu-v6.15/sparc64@v6.5/apply-to-pte-range-init-mm";
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/full-a-rule-that-no-longer-fails.txt`, "old");
    writeFileSync(`${dir}/full-a-rule-that-no-longer-fails.itf.json`, "{}");
    writeFileSync(`${dir}/none-other.txt`, "another run's");
    const r = await cliRun(["verify", ...ONE, "--out", "stale"]);
    expect(r.code).toBe(1);
    const left = readdirSync(dir).sort();
    expect(left).not.toContain("full-a-rule-that-no-longer-fails.txt");
    expect(left).not.toContain("full-a-rule-that-no-longer-fails.itf.json");
    expect(left).toContain("none-other.txt");
    expect(left).toContain("full-immediate-outside.itf.json");
  });

  it("a trace made with a relative --spec path replays from any directory", async () => {
    mkdirSync("specs-here", { recursive: true });
    copyFileSync(join(ROOT, "specs", "lazy-mmu-v6.15.json"), "specs-here/mine.json");
    const r = await cliRun(["verify", ...ONE, "--spec", "specs-here/mine.json", "--out", "rel"]);
    expect(r.code).toBe(1);
    const trace = join(
      tmp,
      "rel/lazy-mmu-v6.15/sparc64@v6.5/apply-to-pte-range-init-mm/full-immediate-outside.itf.json",
    );
    const elsewhere = tempDir("elsewhere");
    process.chdir(elsewhere);
    try {
      const replayed = cli(["replay", trace]);
      expect(replayed.stderr).toBe("");
      expect(replayed.code).toBe(0);
    } finally {
      process.chdir(tmp);
    }
  });

  it("show FILE.txt names the .itf.json beside it", async () => {
    await cliRun(["verify", ...ONE, "--out", "txt"]);
    const txt =
      "txt/lazy-mmu-v6.15/sparc64@v6.5/apply-to-pte-range-init-mm/full-immediate-outside.txt";
    const r = cli(["show", txt]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `lazymmu: error [bad-trace]: ${txt}: this is the text form of a counterexample, written for people to read; the commands read its ITF form: use ${txt.replace(/\.txt$/, ".itf.json")} beside it\n`,
    );
  });

  it("compare --arch X A B takes A and B as its specs", async () => {
    const r = await cliRun([
      "compare",
      "--arch",
      "generic",
      "--scenario",
      "apply-to-pte-range-init-mm",
      "--preemption",
      "full",
      "lazy-mmu-original",
      "lazy-mmu-v6.15",
      "--out",
      "cmp",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("# lazy-mmu-original → lazy-mmu-v6.15");
    expect(r.stdout).toContain("under-ptl");
  });

  it("an id named twice runs once", async () => {
    const r = await cliRun([
      "verify",
      "--arch",
      "sparc64@v6.15",
      "sparc64@v6.15",
      "--scenario",
      "apply-to-pte-range-init-mm",
      "apply-to-pte-range-init-mm",
      "--preemption",
      "none",
      "--format",
      "json",
      "--out",
      "dup",
    ]);
    expect(JSON.parse(r.stdout).results).toHaveLength(1);
  });

  it("list aligns each section's second column", () => {
    const r = cli(["list"]);
    expect(r.code).toBe(0);
    const sections = r.stdout.split(/^\S.*:$/m).slice(1);
    expect(sections).toHaveLength(4);
    for (const s of sections) {
      const rows = s.split("\n").filter((l) => l.startsWith("  "));
      const starts = new Set(rows.map((l) => /^ {2}\S+ +/.exec(l)?.[0].length));
      expect(starts.size, s).toBe(1);
    }
  });
});

describe("the progress line", () => {
  const p = (done: number, elapsedSeconds: number): RunProgress => ({
    done,
    total: 40,
    states: 1_234_567,
    elapsedSeconds,
  });

  it("says runs done of total, states, states/s, elapsed and the time left", () => {
    expect(progressLine(p(10, 75))).toBe(
      "10/40 runs, 1,234,567 states, 16,461 states/s, 1:15 elapsed, ETA 3:45",
    );
    expect(progressLine(p(0, 3))).toMatch(/ETA -$/);
  });

  it("is redrawn in place on a terminal, and a plain line every 5 s otherwise", () => {
    let t = 0;
    const tty: string[] = [];
    const onTty = progressWriter(
      (s) => tty.push(s),
      true,
      () => t,
    );
    onTty.update(p(1, 1));
    t = 500;
    onTty.update(p(2, 1.5));
    onTty.end();
    expect(tty).toEqual([
      `\r\x1b[K${progressLine(p(1, 1))}`,
      `\r\x1b[K${progressLine(p(2, 1.5))}`,
      "\r\x1b[K",
    ]);
    t = 0;
    const piped: string[] = [];
    const onPipe = progressWriter(
      (s) => piped.push(s),
      false,
      () => t,
    );
    for (t = 0; t <= 12_000; t += 1000) onPipe.update(p(1, t / 1000));
    onPipe.end();
    const narrow: string[] = [];
    progressWriter(
      (s) => narrow.push(s),
      true,
      () => 0,
      { columns: 21 },
    ).update(p(1, 1));
    expect(narrow).toEqual([`\r\x1b[K${progressLine(p(1, 1)).slice(0, 20)}`]);
    expect(piped).toEqual([
      `progress: ${progressLine(p(1, 5))}\n`,
      `progress: ${progressLine(p(1, 10))}\n`,
    ]);
  });
});

describe("KTAP of n/a and error cells", () => {
  const base = {
    spec: "lazy-mmu-v6.15",
    commits: [],
    preemption: "full",
    violations: [],
    stats: { states: 0, transitions: 0, depth: 0, seconds: 0 },
  };
  const cells: CellSummary[] = [
    {
      ...base,
      cell: 0,
      arch: "a@v1",
      scenario: "s",
      verdict: "n/a",
      why: "no v1 kernel # ran this",
    },
    { ...base, cell: 1, arch: "a@v2", scenario: "s", verdict: "pass" },
    { ...base, cell: 2, arch: "a@v1", scenario: "t", verdict: "n/a", why: "never built" },
    { ...base, cell: 3, arch: "a@v2", scenario: "u", verdict: "error", why: "step threw" },
  ];
  it("skips n/a cells with the reason, and reports a model error as not ok # ERROR", () => {
    const text = matrixKtap(matrixReport(cells, {}));
    expect(text).toContain(
      "  ok 1 a@v1 full # SKIP no v1 kernel no. ran this\n  ok 2 a@v2 full\nok 1 s\n",
    );
    expect(text).toContain("ok 2 t # SKIP every cell n/a\n");
    expect(text).toContain("  not ok 1 a@v2 full # ERROR step threw\nnot ok 3 u\n");
    const top = parse(text);
    expect([top.count, top.fail]).toEqual([3, 1]);
  });
});
