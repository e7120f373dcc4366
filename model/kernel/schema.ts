// One declaration of the kernel state's fields and their kinds (model/kernel/state.ts is the
// type; this is its shape as data). The explorer's packed state key, its decoder and the
// scratch copies the explorer runs steps on are all derived from it (checker/explore/
// codec.ts), so adding a field to the state means adding it to the type and to this
// declaration; the type below makes the compiler refuse a declaration that misses a field
// or gives one the wrong kind.

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
  /** A string from a small set (ids, names, addresses): stored as an interned number. */
  | { readonly kind: "string" }
  /** A `Val`: a number, a string or a boolean. */
  | { readonly kind: "val" }
  /** Null, or absent (`undefined`) when `absent` is set, or a value of kind `of`. */
  | { readonly kind: "optional"; readonly of: Kind; readonly absent?: true }
  | { readonly kind: "list"; readonly of: Kind }
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
          ? { readonly kind: "string" }
          : [T] extends [number | string | boolean]
            ? { readonly kind: "val" }
            : [T] extends [readonly (infer E)[]]
              ? { readonly kind: "list"; readonly of: KindOf<E> }
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
    status: str,
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

const queued: KindOf<QueuedUpdate> = { kind: "struct", fields: { addr: str, value: int } };

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
  fields: { stale: list(str), unsynced: list(str) },
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
    hw: hardware,
    halted: optional(str),
  },
};
