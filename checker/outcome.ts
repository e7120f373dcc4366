// What one run of the checker can come to, as plain data (no closures, no classes), and
// the exit code each stands for. `error` is a run that could not finish because the model
// (or the checker) threw: its message and the choices that reached it are kept, and the
// other runs go on. `n/a` is a cell describing no kernel ever built (produced where the
// models declare which kernels existed).

export type Verdict = "pass" | "fail" | "incomplete" | "n/a" | "error";

/** The process exit codes, one meaning each. */
export const EXIT = {
  ok: 0,
  violation: 1,
  usage: 2,
  incomplete: 3,
  internal: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Why a run threw: the message, and the successor choices from the initial state. */
export interface RunError {
  readonly message: string;
  readonly choices: readonly number[];
}

/**
 * The exit code of a set of runs. An error outweighs everything (no verdict of that run can
 * be trusted); `verify` then reports a violation before a cut-short run, while `matrix` and
 * `compare`, whose violations are their table's content, report any cut-short run with 3.
 */
export function exitCode(
  runs: readonly { readonly verdict: Verdict; readonly stoppedBy: string | null }[],
  violationsAre: "findings" | "content",
): ExitCode {
  if (runs.some((r) => r.verdict === "error")) return EXIT.internal;
  const cut = runs.some((r) => r.stoppedBy !== null);
  if (violationsAre === "content") return cut ? EXIT.incomplete : EXIT.ok;
  if (runs.some((r) => r.verdict === "fail")) return EXIT.violation;
  return cut ? EXIT.incomplete : EXIT.ok;
}

/** A thrown value as one line of text, without its stack. */
export function errorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0] ?? text;
}
