// What a command returns, and what it may ask of the process around it. Commands write to
// no stream and never exit: they return their output and exit code, or the user error that
// stopped them, and main.ts alone writes and exits.

import type { UserError } from "../errors";
import { EXIT, type ExitCode } from "../outcome";
import type { RunProgress } from "../report/progress";
import type { CellRunner } from "./runner";

// One definition of the exit codes (4: a model or internal error), in checker/outcome.ts.
export { EXIT, type ExitCode };

export interface Output {
  readonly stdout: string;
  readonly stderr: string;
  readonly exit: ExitCode;
  /**
   * An internal error's report (message, stack trace, arguments, versions): the process
   * edge writes it to a file and names the file on stderr, so no stack trace reaches the
   * terminal unless `--debug` asks for it.
   */
  readonly crashReport?: string;
}

/** A command's result: what to print and the exit code, or a user error (exit 2). */
export type Outcome = Output | { readonly error: UserError };

export function output(stdout: string, exit: ExitCode = EXIT.ok, stderr = ""): Output {
  return { stdout, stderr, exit };
}

export function userError(error: UserError): Outcome {
  return { error };
}

/** The effects a command may use, supplied by main.ts (or by a test). */
export interface Context {
  /** How cells run: on a worker pool from the command line, in process in tests. */
  readonly runner: CellRunner;
  /** Told how a long run is going; absent under --quiet. */
  readonly progress?: (p: RunProgress) => void;
  /** Aborted when the user presses Ctrl-C: runs end with what was done. */
  readonly signal?: AbortSignal;
  /** Milliseconds, for elapsed times and ETAs. */
  readonly now: () => number;
  /**
   * Prints a warning at once, before a long run (the command line); absent, a command puts
   * its warnings at the head of its stderr.
   */
  readonly warn?: (text: string) => void;
}
