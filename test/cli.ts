// Runs the lazymmu command line in process and returns what it would print, so that CLI
// tests check exit codes, output and error messages without spawning a process per call.
// `cli` is synchronous, for the commands that run no cells (show, replay, html, list...);
// `cliRun` awaits the ones that do (verify, matrix, compare), in this thread unless
// --workers asks for the pool.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as compare from "../checker/cli/commands/compare";
import * as extract from "../checker/cli/commands/extract";
import * as html from "../checker/cli/commands/html";
import * as list from "../checker/cli/commands/list";
import * as matrix from "../checker/cli/commands/matrix";
import * as merge from "../checker/cli/commands/merge";
import * as replay from "../checker/cli/commands/replay";
import * as show from "../checker/cli/commands/show";
import * as verify from "../checker/cli/commands/verify";
import { type Edge, execute, finish, IN_PROCESS, prepare } from "../checker/cli/main";
import type { CommandModule } from "../checker/cli/program";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const MODULES: Readonly<Record<string, CommandModule>> = {
  compare,
  extract,
  html,
  list,
  matrix,
  merge,
  replay,
  show,
  verify,
};

export function cli(args: readonly string[]): CliResult {
  const p = prepare(args, IN_PROCESS);
  if (p.kind === "done") return { code: p.output.exit, ...p.output };
  const mod = MODULES[p.invocation.command];
  if (mod === undefined) throw new Error(`test/cli.ts does not know ${p.invocation.command}`);
  const outcome = mod.run(p.invocation.args, p.invocation.flags, p.ctx);
  if (outcome instanceof Promise) throw new Error(`${p.invocation.command} runs cells: use cliRun`);
  const out = finish(outcome, p.json);
  return { code: out.exit, stdout: out.stdout, stderr: out.stderr };
}

export async function cliRun(args: readonly string[], edge: Edge = IN_PROCESS): Promise<CliResult> {
  const out = await execute(args, edge);
  return { code: out.exit, stdout: out.stdout, stderr: out.stderr };
}

/** The commands that read a kernel tree (extract, --kernel) load the C parser first: async. */
export const cliAsync = cliRun;

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `lazymmu-${prefix}-`));
}

/**
 * Every file under `dir` (none when it does not exist), full paths, sorted. While a command
 * is writing there, a temporary file can be renamed away during the scan, which Node's
 * recursive readdir reports as ENOENT: the scan is then taken again.
 */
export function filesUnder(dir: string): string[] {
  for (let attempt = 0; ; attempt++) {
    if (!existsSync(dir)) return [];
    try {
      return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => join(d.parentPath, d.name))
        .sort();
    } catch (err) {
      const gone = err instanceof Error && "code" in err && err.code === "ENOENT";
      if (!gone || attempt >= 20) throw err;
    }
  }
}

/**
 * Runs `bin/lazymmu` in a process of its own, as a user's shell would: for what only a real
 * process shows (start-up, what is loaded, the process edge). `preload` is a module given
 * to node with `-r`; `env` is added to this process's environment.
 */
export function lazymmuProcess(
  args: readonly string[],
  preload?: string,
  env: NodeJS.ProcessEnv = {},
): { readonly code: number | null; readonly stdout: string; readonly stderr: string } {
  const node = preload === undefined ? [] : ["-r", preload];
  const bin = join(__dirname, "..", "bin", "lazymmu");
  const r = spawnSync(process.execPath, [...node, bin, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
