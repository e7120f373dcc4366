// One declaration of the kernel state's fields and their kinds (model/kernel/state.ts is the
// type; this is its shape as data). The explorer's packed state key, its decoder and the
// scratch copies the explorer runs steps on are all derived from it (checker/explore/
// codec.ts), and so are the traces' ITF encoding and decoding (checker/trace/state-fields.ts,
// which reads `values` and `set` below, the codec ignores them). Adding a field to the state
// means adding it to the type and to this declaration (and to model/machine/observed-state.ts,
// which the compiler also asks for: the facts readers see of it, its place in the rules'
// state view); the type below makes
// the compiler refuse a declaration that misses a field or gives one the wrong kind.

import type {
  Cpu,
  Frame,
  Ghost,
  Hardware,
  IrqContext,
  IrqFrame,
  Kernel,
  QueuedUpdate,
  Task,
} from "./state";

/** How one field is stored, by what its type is. */
export type Kind =
  | { readonly kind: "int" }
  | { readonly kind: "bool" }
  /**
   * A string from a small set (ids, names, addresses): stored as an interned number. A
   * field typed as a union of literals lists them in `values` (traces refuse others).
   */
  | { readonly kind: "string"; readonly values?: readonly string[] }
  /** A `Val`: a number, a string or a boolean. */
  | { readonly kind: "val" }
  /** Null, or absent (`undefined`) when `absent` is set, or a value of kind `of`. */
  | { readonly kind: "optional"; readonly of: Kind; readonly absent?: true }
  /** `set`: strings the model keeps sorted and without repeats (an ITF set in traces). */
  | { readonly kind: "list"; readonly of: Kind; readonly set?: true }
  /** String keys chosen at run time (PTE addresses, flags, locals): stored sorted. */
  | { readonly kind: "record"; readonly of: Kind }
  /** Fixed fields, stored in declaration order. */
  | { readonly kind: "struct"; readonly fields: Readonly<Record<string, Kind>> };

/** The kind a value of type `T` must be declared with. */
export type KindOf<T> = null extends T
  ? { readonly kind: "optional"; readonly of: KindOf<NonNullable<T>> }
  : undefined extends T
    ? { readonly kind: "optional"; readonly of: KindOf<NonNullable<T>>; readonly absent: true }
    : [T] extends [boolean]
      ? { readonly kind: "bool" }
      : [T] extends [number]
        ? { readonly kind: "int" }
        : [T] extends [string]
          ? string extends T
            ? { readonly kind: "string" }
            : { readonly kind: "string"; readonly values: readonly T[] }
          : [T] extends [number | string | boolean]
            ? { readonly kind: "val" }
            : [T] extends [readonly (infer E)[]]
              ? { readonly kind: "list"; readonly of: KindOf<E>; readonly set?: true }
              : string extends keyof T
                ? { readonly kind: "record"; readonly of: KindOf<T[string & keyof T]> }
                : {
                    readonly kind: "struct";
                    readonly fields: { readonly [K in keyof T]-?: KindOf<T[K]> };
                  };

const int = { kind: "int" } as const;
const bool = { kind: "bool" } as const;
const str = { kind: "string" } as const;
const val = { kind: "val" } as const;
const list = <K extends Kind>(of: K) => ({ kind: "list", of }) as const;
/** A sorted list of strings without repeats. */
const set = { kind: "list", of: str, set: true } as const;
const record = <K extends Kind>(of: K) => ({ kind: "record", of }) as const;
const optional = <K extends Kind>(of: K) => ({ kind: "optional", of }) as const;
/** An optional property (`x?: T`): absent rather than null when it has no value. */
const absentOr = <K extends Kind>(of: K) => ({ kind: "optional", of, absent: true }) as const;

const frame: KindOf<Frame> = {
  kind: "struct",
  fields: { proc: str, pc: int, args: record(val), locals: record(val), result: absentOr(str) },
};

const ghost: KindOf<Ghost> = {
  kind: "struct",
  fields: { lazyDepth: int, regions: list(list(str)), wrote: record(int) },
};

const task: KindOf<Task> = {
  kind: "struct",
  fields: {
    id: str,
    stack: list(frame),
    status: { kind: "string", values: ["running", "runnable", "sleeping", "done"] },
    cpu: int,
    preemptCount: int,
    migrationDisabled: int,
    atSleepPoint: bool,
    flags: record(val),
    ghost,
  },
};

const irqFrame: KindOf<IrqFrame> = {
  kind: "struct",
  fields: { source: str, stack: list(frame), preemptCount: int, ghost },
};

const irq: KindOf<IrqContext> = {
  kind: "struct",
  fields: { ...irqFrame.fields, interrupted: optional(irqFrame) },
};

const queued: KindOf<QueuedUpdate> = {
  kind: "struct",
  fields: { addr: str, value: int, op: absentOr({ kind: "string", values: ["tlb-flush"] }) },
};

const cpu: KindOf<Cpu> = {
  kind: "struct",
  fields: {
    id: int,
    current: optional(str),
    irqsEnabled: bool,
    irq: optional(irq),
    arch: record(val),
    queued: list(queued),
    batch: list(str),
  },
};

const hardware: KindOf<Hardware> = {
  kind: "struct",
  fields: { stale: set, unsynced: set, tlb: set, overtaken: set },
};

export const kernelSchema: KindOf<Kernel> = {
  kind: "struct",
  fields: {
    cpus: list(cpu),
    tasks: list(task),
    irqFired: record(int),
    locks: record(optional(str)),
    pte: record(int),
    intended: record(int),
    shared: record(val),
    hw: hardware,
    halted: optional(str),
  },
};
