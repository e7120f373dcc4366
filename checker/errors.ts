// Errors the user can cause, as values with a stable code from a closed list. The CLI
// prints them and exits 2; nothing else throws for bad input.

export const ERROR_CODES = {
  "file-not-found":
    "A file named on the command line does not exist, cannot be read, or is not a regular file of bounded size.",
  "bad-json": "A file is not well-formed JSON.",
  "bad-spec":
    "A spec file breaks specs/spec.schema.json, repeats a rule id, or has a rule that cannot be evaluated (a path the event kind lacks, an unbound name, an operand of the wrong type, a bad extends or drop).",
  "unknown-arch": "No architecture model has this id (see `lazymmu list`).",
  "unknown-scenario": "No scenario has this id (see `lazymmu list`).",
  "unknown-preemption": "The preemption model is not one of none, full, rt.",
  "bad-usage": "An unknown command or flag, or a flag with a bad value.",
  "bad-trace": "A file is not a lazymmu ITF trace.",
  "bad-model-file":
    "A file given to --load does not compile, throws while loading, exports no model, or exports a model or scenario that is malformed, lacks a required hook or reuses an id.",
  "model-file-changed":
    "A trace was made with a model from a file (--load) that is not loaded now, or whose content has changed since.",
  "bad-report":
    "A file given to `lazymmu merge` is not a JSON report of `lazymmu matrix`, or the shards do not make up one whole run.",
  "bad-kernel-tree":
    "--kernel names no kernel tree, or the tree lacks a file the architecture needs.",
  "unsupported-c":
    "The kernel source uses a C construct the front end does not read (model/source).",
  "unbound-call":
    "A call in the kernel source reaches neither a definition in the files read nor a binding.",
  "bad-config": "A --config entry is not CONFIG_NAME=value.",
  "not-built":
    "No kernel had this architecture model, scenario and preemption model together (see the reason); --any-era runs it anyway, as a what-if.",
  "incompatible-api":
    "The architecture model and the scenario named are written for different lazy MMU APIs (v7.0 hooks need v7.0 callers).",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface UserError {
  readonly code: ErrorCode;
  /** The file at fault, when there is one. */
  readonly file?: string;
  /** Where in it: a JSON pointer, or line:column for malformed JSON. */
  readonly where?: string;
  readonly message: string;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: UserError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(error: UserError): Result<T> {
  return { ok: false, error };
}

export function formatError(e: UserError): string {
  const place = [e.file, e.where].filter((x) => x !== undefined && x !== "").join(": at ");
  return `lazymmu: error [${e.code}]: ${place === "" ? "" : `${place}: `}${e.message}`;
}

/** Ends every switch over a closed union. */
export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
