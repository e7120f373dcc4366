// A kernel source tree as the C front end sees it: files read by path relative to the tree's
// root, a name for the model id, and the errors that reading it can raise. Reading the disk
// is the caller's (the CLI hands in a reader), so that the front end stays pure.

/** Files of a kernel tree, relative to its root (`arch/sparc/mm/tlb.c`). */
export interface KernelTree {
  /** `git describe` of the tree, or its directory: the `<arch>@tree:<name>` in model ids. */
  readonly name: string;
  /** The file's text, or undefined when the tree has no such file. */
  read(path: string): string | undefined;
}

/** What went wrong reading C: where, what, and what would fix it. */
export interface SourceProblem {
  readonly kind: "unsupported" | "unbound" | "missing-file" | "bad-config";
  /** `file:line`, or the file alone. */
  readonly at: string;
  readonly message: string;
  readonly fix: string;
}

/** Thrown inside the front end only; derive() turns it into a value at its boundary. */
export class SourceFailure extends Error {
  constructor(readonly problem: SourceProblem) {
    super(`${problem.at}: ${problem.message}`);
  }
}

export function fail(kind: SourceProblem["kind"], at: string, message: string, fix: string): never {
  throw new SourceFailure({ kind, at, message, fix });
}
