// `npm run fuzz -- --seconds N [--seed S]`: feeds the command line mutated specs, mutated
// traces and random rule expressions for N seconds and fails on any stack trace, any exit
// code outside 0-3 (4 means lazymmu itself broke, which bad input must never cause), or a
// hang. The inputs run in a child process that writes each input to disk before it runs it,
// so that when the child stops answering the parent kills it and keeps the input that hung.
// Exit 0 when nothing was found, 1 with the findings listed (and saved under the work dir).

import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execute } from "../checker/cli/main";
import { OPERATORS, type OperatorName } from "../checker/rules/operators";
import { CONTEXT_FIELDS, EVENT_FIELDS, TRIGGERS } from "../model/machine/vocabulary";
import { mulberry32 } from "./random";

const ROOT = join(__dirname, "..");
/** An input that takes longer than this is a hang. */
const HANG_MS = 30_000;

interface Finding {
  readonly kind: "stack-trace" | "exit-code" | "hang";
  readonly input: string;
  readonly args: readonly string[];
  readonly detail: string;
}

function flag(args: readonly string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} expects a positive number`);
  return v;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const WEIRD = [
  "toString",
  "__proto__",
  "constructor",
  "",
  "\u0000",
  "\uFEFF",
  "ctx.lazyDeph",
  "ctx.regionWrite",
  "a\nb",
  "x".repeat(300),
  "{ctx.nope}",
  "..",
  "../../etc/passwd",
  "/dev/zero",
];

async function child(seconds: number, seed: number, work: string): Promise<void> {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const specs = ["lazy-mmu-v6.15", "lazy-mmu-v7.0", "lazy-mmu-original"].map(
    (id) => JSON.parse(readFileSync(join(ROOT, "specs", `${id}.json`), "utf8")) as Json,
  );
  const traceDir = join(work, "traces");
  const gen = await quiet(() =>
    execute([
      "verify",
      "--arch",
      "sparc64@v6.14",
      "--scenario",
      "apply-to-pte-range-init-mm",
      "--preemption",
      "full",
      "--out",
      traceDir,
    ]),
  );
  if (gen.code !== 1) throw new Error(`could not make seed traces (exit ${gen.code})`);
  const traces = listFiles(traceDir)
    .filter((f) => f.endsWith(".itf.json"))
    .map((f) => readFileSync(f, "utf8"));

  const paths = [
    ...Object.keys(CONTEXT_FIELDS).map((k) => `ctx.${k}`),
    ...Object.values(EVENT_FIELDS).flatMap((f) => Object.keys(f).map((k) => `event.${k}`)),
    "state.tasks",
    "state.tasks.0.flags",
    "state.cpus.0.arch",
    "ctx.nope",
    "x",
  ];
  const ops = Object.keys(OPERATORS) as OperatorName[];
  const randomExpr = (depth: number): Json => {
    if (depth <= 0 || rand() < 0.25) {
      const r = rand();
      if (r < 0.3) return { var: pick(paths) };
      if (r < 0.5) return Math.floor(rand() * 4) - 1;
      if (r < 0.6) return pick([true, false, null]);
      return pick(WEIRD);
    }
    const op = pick(ops);
    const shape = OPERATORS[op].form.shape;
    switch (shape) {
      case "path":
        return { var: pick(paths) };
      case "unary":
        return { [op]: randomExpr(depth - 1) };
      case "list":
        return { [op]: [randomExpr(depth - 1), randomExpr(depth - 1)] };
      case "pair":
        return { [op]: [randomExpr(depth - 1), randomExpr(depth - 1)] };
      case "quantifier":
        return {
          [op]: {
            var: pick(["a", "ctx", "x"]),
            in: randomExpr(depth - 1),
            holds: randomExpr(depth - 1),
          },
        };
    }
  };
  const mutate = (v: Json, depth = 0): Json => {
    const r = rand();
    if (r < 0.08) return pick(WEIRD);
    if (r < 0.12) return randomExpr(3);
    if (r < 0.14) return rand() < 0.5 ? DEEP_SHALLOW : DEEP_VERY;
    if (r < 0.16) return null;
    if (Array.isArray(v)) {
      if (v.length > 0 && rand() < 0.2)
        return v.filter((_, i) => i !== Math.floor(rand() * v.length));
      return v.map((x) => (rand() < 0.3 ? mutate(x, depth + 1) : x));
    }
    if (v !== null && typeof v === "object") {
      const out: { [k: string]: Json } = {};
      for (const [k, x] of Object.entries(v)) {
        if (rand() < 0.05) continue;
        const key = rand() < 0.03 ? pick(WEIRD) : k;
        out[key] = rand() < 0.3 ? mutate(x, depth + 1) : x;
      }
      return out;
    }
    if (typeof v === "number") return pick([-1, 0, 1.5, 2 ** 60, v + 1]);
    if (typeof v === "string") return rand() < 0.5 ? pick(WEIRD) : `${v}x`;
    return v;
  };
  const bytes = (text: string): string => {
    const r = rand();
    if (r < 0.3) return text.slice(0, Math.floor(rand() * text.length));
    if (r < 0.5) {
      const i = Math.floor(rand() * text.length);
      return text.slice(0, i) + String.fromCharCode(Math.floor(rand() * 256)) + text.slice(i + 1);
    }
    if (r < 0.6) return `\uFEFF${text}`;
    if (r < 0.7) return text.replaceAll("\n", "\r\n");
    return text;
  };

  const findings: Finding[] = [];
  const deadline = Date.now() + seconds * 1000;
  const out = join(work, "out");
  let runs = 0;
  const counts: Record<string, number> = {};
  while (Date.now() < deadline) {
    const kind = pick(["spec", "spec", "expr", "trace", "trace"] as const);
    let text: string;
    let args: string[];
    const file = join(work, kind === "trace" ? "input.itf.json" : "input.json");
    if (kind === "trace") {
      const t = JSON.parse(pick(traces)) as Json;
      text = bytes(withDeep(JSON.stringify(mutate(t), null, 1)));
      args = [pick(["replay", "show", "html"]), file];
      if (args[0] === "html") args.push("-o", join(out, "page.html"));
    } else {
      const base = pick(specs);
      const spec =
        kind === "expr"
          ? {
              ...(base as { [k: string]: Json }),
              rules: [
                {
                  id: "fuzz",
                  obligation: "caller",
                  text: "a random rule",
                  checks: [
                    {
                      on: { event: pick(TRIGGERS) },
                      require: randomExpr(4),
                      explain: `{${pick(paths)}}`,
                    },
                  ],
                },
              ],
            }
          : mutate(base);
      text = bytes(withDeep(JSON.stringify(spec, null, 1)));
      args = [
        "verify",
        "--spec",
        file,
        "--arch",
        pick(["generic", "sparc64@v6.14", "sparc64@v7.0"]),
        "--scenario",
        pick(["zap-pte-range", "v7-irq-api"]),
        "--max-states",
        "200",
        "--timeout",
        "5",
        "--out",
        out,
      ];
    }
    writeFileSync(file, text);
    writeFileSync(join(work, "current.json"), JSON.stringify({ args, input: file }));
    const r = await quiet(() => execute(args));
    runs++;
    counts[`exit ${r.code}`] = (counts[`exit ${r.code}`] ?? 0) + 1;
    const save = () => {
      const keep = join(
        work,
        `finding-${findings.length}${kind === "trace" ? ".itf.json" : ".json"}`,
      );
      copyFileSync(file, keep);
      return keep;
    };
    if (/\n\s+at .+\(.*:\d+:\d+\)/.test(r.stderr) || /\n\s+at .+:\d+:\d+\n/.test(r.stderr)) {
      findings.push({ kind: "stack-trace", input: save(), args, detail: r.stderr.slice(0, 500) });
    } else if (r.code < 0 || r.code > 3) {
      findings.push({
        kind: "exit-code",
        input: save(),
        args,
        detail: `exit ${r.code}: ${r.stderr.slice(0, 300)}`,
      });
    }
  }
  writeFileSync(join(work, "summary.json"), JSON.stringify({ runs, counts, findings }, null, 2));
}

/** Runs a command in process and returns what it would print; a throw escaping it is a finding too. */
async function quiet(
  f: () => Promise<{ exit: number; stdout: string; stderr: string }>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const out = await f();
    return { code: out.exit, stdout: out.stdout, stderr: out.stderr };
  } catch (e) {
    return { code: -1, stdout: "", stderr: `\n${e instanceof Error ? e.stack : String(e)}` };
  }
}

/** Tokens replaced in the text by deep nesting (JSON.stringify cannot write it itself). */
const DEEP_SHALLOW = "\u0001deep-300\u0001";
const DEEP_VERY = "\u0001deep-100000\u0001";

function withDeep(text: string): string {
  const nest = (n: number) => `${"[".repeat(n)}0${"]".repeat(n)}`;
  return text
    .replaceAll(JSON.stringify(DEEP_SHALLOW), nest(300))
    .replaceAll(JSON.stringify(DEEP_VERY), nest(100_000));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

function parent(seconds: number, seed: number): void {
  const work = mkdtempSync(join(tmpdir(), "lazymmu-fuzz-"));
  mkdirSync(join(work, "out"), { recursive: true });
  const c = spawn(
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      __filename,
      "--child",
      String(seconds),
      String(seed),
      work,
    ],
    { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NODE_ENV: "production" } },
  );
  const current = join(work, "current.json");
  let hung = false;
  const watch = setInterval(() => {
    if (existsSync(current) && Date.now() - statSync(current).mtimeMs > HANG_MS) {
      hung = true;
      copyFileSync(current, join(work, "hang.json"));
      c.kill("SIGKILL");
    }
  }, 1000);
  c.on("exit", (code) => {
    clearInterval(watch);
    const summaryFile = join(work, "summary.json");
    const summary = existsSync(summaryFile)
      ? (JSON.parse(readFileSync(summaryFile, "utf8")) as {
          runs: number;
          counts: Record<string, number>;
          findings: Finding[];
        })
      : { runs: 0, counts: {}, findings: [] };
    if (hung) {
      summary.findings.push({
        kind: "hang",
        input: join(work, "hang.json"),
        args: [],
        detail: readFileSync(join(work, "hang.json"), "utf8"),
      });
    } else if (code !== 0 && !existsSync(summaryFile)) {
      summary.findings.push({
        kind: "exit-code",
        input: "",
        args: [],
        detail: `the fuzzer itself exited ${code}`,
      });
    }
    const counts = Object.entries(summary.counts)
      .sort()
      .map(([k, n]) => `${k}: ${n}`)
      .join(", ");
    process.stdout.write(
      `fuzz: seed ${seed}, ${summary.runs} inputs in ${seconds}s (${counts}); work dir ${work}\n`,
    );
    for (const f of summary.findings)
      process.stdout.write(
        `  ${f.kind}: ${f.args.join(" ")} (input kept as ${f.input})\n    ${f.detail.split("\n").join("\n    ")}\n`,
      );
    process.stdout.write(`fuzz: ${summary.findings.length} finding(s)\n`);
    process.exitCode = summary.findings.length === 0 ? 0 : 1;
  });
}

const argv = process.argv.slice(2);
if (argv[0] === "--child") {
  void child(Number(argv[1]), Number(argv[2]), String(argv[3]));
} else {
  parent(flag(argv, "--seconds", 30), flag(argv, "--seed", 1 + (Date.now() % 100_000)));
}
