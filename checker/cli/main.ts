// The lazymmu command line. `execute` parses the arguments, runs the command and returns
// what to print and the exit code; `cli` is the process edge, the only place that writes to
// stdout and stderr, draws progress, handles Ctrl-C and sets the exit code. Anything thrown
// that is not a user error is a bug of lazymmu's: one line and exit 4; the stack trace goes
// to a crash report file that the line names (to stderr instead with `--debug`).

import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatError, type UserError, unreachable } from "../errors";
import { errorMessage } from "../outcome";
import type { RunProgress } from "../report/progress";
import { type Context, EXIT, type Outcome, type Output } from "./command";
import { tuneEngine } from "./engine";
import { defaultWorkers, parseWorkers } from "./flags";
import { workerPool } from "./pool";
import { type Invocation, parseArgv, usage } from "./program";
import { progressWriter } from "./progress-writer";
import { type CellRunner, inProcessRunner } from "./runner";

/** What the process around a command provides; tests give less. */
export interface Edge {
  /** The runner for `--workers N` (undefined when the flag is absent). */
  readonly runner: (workers: number | undefined) => CellRunner;
  readonly progress?: (p: RunProgress) => void;
  readonly signal?: AbortSignal;
  readonly now: () => number;
  readonly warn?: (text: string) => void;
}

/** In process: cells run in this thread unless --workers asks for the pool. */
export const IN_PROCESS: Edge = {
  runner: (w) => (w === undefined ? inProcessRunner : workerPool(w)),
  now: () => performance.now(),
};

function wantsJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === "--format=json" || (a === "--format" && argv[i + 1] === "json"));
}

/** A user error: as a line, or as a JSON object under --format json; exit 2. */
export function errorOutput(e: UserError, json: boolean): Output {
  const stderr = json
    ? `${JSON.stringify({ error: { code: e.code, ...(e.file === undefined ? {} : { file: e.file }), ...(e.where === undefined ? {} : { where: e.where }), message: e.message } })}\n`
    : `${formatError(e)}\n`;
  return { stdout: "", stderr, exit: EXIT.usage };
}

function context(inv: Invocation, edge: Edge): Context | UserError {
  const raw: unknown = inv.flags.workers;
  const workers = parseWorkers(typeof raw === "string" ? raw : undefined);
  if (!workers.ok) return workers.error;
  const runner = edge.runner(typeof raw === "string" ? workers.value : undefined);
  const quiet = inv.flags.quiet === true;
  return {
    runner,
    now: edge.now,
    ...(edge.signal === undefined ? {} : { signal: edge.signal }),
    ...(edge.warn === undefined ? {} : { warn: edge.warn }),
    ...(quiet || edge.progress === undefined ? {} : { progress: edge.progress }),
  };
}

/** What parsing decided: the output already (help, version, bad usage), or a command to run. */
export type Prepared =
  | { readonly kind: "done"; readonly output: Output }
  | {
      readonly kind: "run";
      readonly invocation: Invocation;
      readonly ctx: Context;
      readonly json: boolean;
    };

export function prepare(argv: readonly string[], edge: Edge): Prepared {
  const json = wantsJson(argv);
  const parsed = parseArgv(argv);
  switch (parsed.kind) {
    case "info":
      return { kind: "done", output: { stdout: parsed.stdout, stderr: "", exit: EXIT.ok } };
    case "usage-error": {
      const out = errorOutput({ code: "bad-usage", message: parsed.message }, json);
      const output = argv.length === 0 ? { ...out, stderr: `${out.stderr}\n${usage()}` } : out;
      return { kind: "done", output };
    }
    case "run": {
      const ctx = context(parsed.invocation, edge);
      if ("code" in ctx) return { kind: "done", output: errorOutput(ctx, json) };
      return { kind: "run", invocation: parsed.invocation, ctx, json };
    }
    default:
      return unreachable(parsed);
  }
}

export function finish(outcome: Outcome, json: boolean): Output {
  return "error" in outcome ? errorOutput(outcome.error, json) : outcome;
}

/** An internal error (a bug of lazymmu's, not bad input): one line, exit 4. */
export function internalError(err: unknown, debug: boolean, argv: readonly string[] = []): Output {
  const stack = err instanceof Error && err.stack !== undefined ? `${err.stack}\n` : "";
  const line = `lazymmu: internal error: ${errorMessage(err)}\n`;
  if (debug) return { stdout: "", stderr: `${line}${stack}`, exit: EXIT.internal };
  const crashReport = [
    `lazymmu internal error, ${new Date().toISOString()}`,
    `arguments: ${JSON.stringify(argv)}`,
    `node ${process.version} on ${process.platform}-${process.arch}`,
    "",
    stack === "" ? errorMessage(err) : stack,
  ].join("\n");
  return { stdout: "", stderr: line, exit: EXIT.internal, crashReport };
}

/**
 * Writes an internal error's report where the user can attach it to a bug report, and
 * says where; when that fails, says how to see the stack trace instead.
 */
export function writeCrashReport(
  report: string,
  write: (path: string, text: string) => void = (p, t) => writeFileSync(p, t, { flag: "wx" }),
  dir: string = tmpdir(),
): string {
  const stamp = new Date().toISOString().replaceAll(":", "-").replaceAll(".", "-");
  const path = join(dir, `lazymmu-crash-${stamp}-${process.pid}.log`);
  try {
    write(path, report);
    return `lazymmu: the stack trace is in ${path}; please attach it to a report\n`;
  } catch {
    return "lazymmu: (run again with --debug for the stack trace; please report it)\n";
  }
}

/**
 * Runs one command and returns what to print. `--debug` (anywhere) is taken out of the
 * arguments: it only adds the stack trace to an internal error.
 */
export async function execute(argv: readonly string[], edge: Edge = IN_PROCESS): Promise<Output> {
  const debug = argv.includes("--debug");
  try {
    const p = prepare(
      argv.filter((a) => a !== "--debug"),
      edge,
    );
    if (p.kind === "done") return p.output;
    const mod = await p.invocation.load();
    return finish(await mod.run(p.invocation.args, p.invocation.flags, p.ctx), p.json);
  } catch (err) {
    return internalError(err, debug, argv);
  }
}

/** The process edge: runs a command, prints what it returns, sets the exit code. */
export async function cli(argv: readonly string[]): Promise<void> {
  tuneEngine();
  const abort = new AbortController();
  const onSigint = () => {
    // A second Ctrl-C ends the process the usual way.
    process.off("SIGINT", onSigint);
    abort.abort();
  };
  process.on("SIGINT", onSigint);
  const now = () => performance.now();
  const drawer = progressWriter(
    (s) => process.stderr.write(s),
    process.stderr.isTTY === true,
    now,
    {
      columns: process.stderr.columns,
    },
  );
  const out = await execute(argv, {
    runner: (w) => workerPool(w ?? defaultWorkers()),
    progress: drawer.update,
    signal: abort.signal,
    now,
    warn: (s) => process.stderr.write(s),
  });
  drawer.end();
  process.off("SIGINT", onSigint);
  if (out.stdout !== "") process.stdout.write(out.stdout);
  if (out.stderr !== "") process.stderr.write(out.stderr);
  if (out.crashReport !== undefined) process.stderr.write(writeCrashReport(out.crashReport));
  process.exitCode = out.exit;
}

if (require.main === module) void cli(process.argv.slice(2));
