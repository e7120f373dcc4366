// How a field of the kernel state is declared (model/kernel/state.ts, one entry per field),
// and what is derived from a table of such entries: the struct kind the packed layout and
// the ITF codec are compiled from, the field's TypeScript type, the initial value, the facts
// the renderers show and the rules' view of it. Adding a field to the state is adding an
// entry to a table; nothing else lists the fields.

import type { FieldType, ViewValue } from "./field-type";
import { type Kind, ruleTypeOf, type TypeOfKind } from "./kind";

/** One fact a field contributes: its part of the state, name within its owner, value. */
export interface FactOut<F extends string = string> {
  readonly field: F;
  readonly name: string;
  readonly value: string;
  /** For a list-valued fact, its items as shown. */
  readonly items?: readonly string[];
}

/** What a field's facts are computed with, besides its value. */
export interface Seen {
  /** The CPU, task or state the field is part of. */
  readonly owner: Readonly<Record<string, unknown>>;
  /** Where a context with this call stack is: its procedures and the op it runs next. */
  readonly where: (stack: readonly { readonly proc: string; readonly pc: number }[]) => string;
}

// A method's parameters are compared both ways (bivariantly): a field of numbers is then a
// field of a table of fields of any type, whose functions are only ever given their own
// field's value.
type Bivariant<A extends unknown[], R> = { f(...args: A): R }["f"];

/**
 * How rules see a field: under its own name or `name`, as a value of `type` (by default its
 * kind's: kind.ts ruleTypeOf), read by `get` (by default the value itself).
 */
export interface RuleView<V> {
  readonly name?: string;
  readonly type?: FieldType;
  readonly get?: Bivariant<[V], ViewValue>;
  /**
   * Its view names no CPU (and nothing a CPU's number decides), so renumbering the CPUs
   * leaves it as it is and a rule may read it under CPU symmetry (checker/explore/symmetry.ts).
   */
  readonly cpuFree?: true;
  /**
   * Its view names no task (and nothing a task's identity decides), so swapping tasks that
   * run the same program leaves it as it is (checker/explore/symmetry.ts).
   */
  readonly taskFree?: true;
}

/** What a field says besides its kind: its first value, what readers see of it. */
export interface FieldOpts<V, B, F extends string> {
  /** Its value in the initial state, from what the machine boots with. */
  readonly init: Bivariant<[B], V>;
  /** The facts the renderers show of it (`hidden`: none; another fact says it). */
  readonly facts: "hidden" | Bivariant<[V, Seen], readonly FactOut<F>[]>;
  /** Its place in the rules' view (`true`: under its name, as it is); absent: rules do not read it. */
  readonly rules?: true | RuleView<V>;
  /** For a field added after traces were first written: what a trace without it stands for. */
  readonly old?: V;
}

/** One field: how it is stored, its first value, what readers see of it. */
export type Field<K, V, B, F extends string> = { readonly kind: K } & FieldOpts<V, B, F>;

/** The fields of a CPU, a task or the whole state, in the order they are stored. */
export type Table<B, F extends string> = Readonly<Record<string, Field<Kind, unknown, B, F>>>;

/** Whether values of kind `K` are rule-language values as they are (no structs in them). */
type Plain<K> = K extends { readonly kind: "int" | "bool" | "string" | "val" }
  ? true
  : K extends { readonly kind: "optional" | "list" | "record"; readonly of: infer O }
    ? Plain<O>
    : false;

/** The declaration helper of a table whose fields boot from `B` and show facts of kind `F`. */
export function fieldsOf<B, F extends string>() {
  // The kind alone decides K: the value types below are read from it, never inferred.
  return <K>(
    kind: K,
    d: {
      readonly init: (boot: B) => NoInfer<TypeOfKind<K>>;
      readonly facts: "hidden" | ((v: NoInfer<TypeOfKind<K>>, seen: Seen) => readonly FactOut<F>[]);
      readonly rules?: NoInfer<(Plain<K> extends true ? true : never) | RuleView<TypeOfKind<K>>>;
      readonly old?: NoInfer<TypeOfKind<K>>;
    },
  ): Field<K, NoInfer<TypeOfKind<K>>, B, F> => ({ kind, ...d });
}

/** The struct kind of a table: its fields' kinds, in order. */
export type KindOfTable<T> = {
  readonly kind: "struct";
  readonly fields: { readonly [P in keyof T]: T[P] extends { readonly kind: infer K } ? K : never };
};

/** The TypeScript type of a value a table declares. */
export type TypeOfTable<T> = TypeOfKind<KindOfTable<T>>;

type AnyTable = Table<never, string>;

export function kindOfTable<T extends AnyTable>(t: T): KindOfTable<T> {
  const fields = Object.fromEntries(Object.entries(t).map(([k, f]) => [k, f.kind]));
  const old = Object.fromEntries(
    Object.entries(t).flatMap(([k, f]) => (f.old === undefined ? [] : [[k, f.old]])),
  );
  // The entries are the table's, in its order: the struct of its fields' kinds.
  return (
    Object.keys(old).length === 0 ? { kind: "struct", fields } : { kind: "struct", fields, old }
  ) as KindOfTable<T>;
}

/** A table's value in the initial state: each field's `init`, in the table's order. */
export function initOf<B, T extends Table<B, string>>(t: T, boot: B): TypeOfTable<T> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(t)) out[k] = t[k]?.init(boot);
  // Each init gives a value of its field's kind (fieldsOf types it so).
  return out as TypeOfTable<T>;
}

/** The facts an owner's table gives, in the order of `rank` (fact fields in display order). */
export function factsOf<F extends string>(
  t: Table<never, F>,
  owner: Readonly<Record<string, unknown>>,
  where: Seen["where"],
  rank: ReadonlyMap<F, number>,
): FactOut<F>[] {
  const seen: Seen = { owner, where };
  const out: FactOut<F>[] = [];
  for (const k of Object.keys(t)) {
    const f = t[k]?.facts;
    if (f !== undefined && f !== "hidden") out.push(...f(owner[k], seen));
  }
  // Stable: facts of one field keep their order.
  return out.sort((a, b) => (rank.get(a.field) ?? 0) - (rank.get(b.field) ?? 0));
}

interface ViewEntry {
  readonly key: string;
  readonly name: string;
  readonly type: FieldType;
  readonly get: ((v: unknown) => ViewValue) | undefined;
  readonly cpuFree: boolean;
  readonly taskFree: boolean;
}

function viewEntries(t: AnyTable): ViewEntry[] {
  return Object.entries(t).flatMap(([key, f]) => {
    const r = f.rules;
    if (r === undefined) return [];
    const own = r === true ? {} : r;
    return [
      {
        key,
        name: own.name ?? key,
        type: own.type ?? ruleTypeOf(f.kind),
        get: own.get,
        cpuFree: own.cpuFree === true,
        taskFree: own.taskFree === true,
      },
    ];
  });
}

/** What rules see of an owner: the fields of its view, with their types, and how to read it. */
export interface Viewer {
  readonly fields: Readonly<Record<string, FieldType>>;
  /** The names of the fields whose views name no CPU (`cpuFree`). */
  readonly cpuFree: ReadonlySet<string>;
  /** The names of the fields whose views name no task (`taskFree`). */
  readonly taskFree: ReadonlySet<string>;
  /** Every field's view, or only those named in `names` (what the monitor's checks read). */
  readonly view: (
    owner: Readonly<Record<string, unknown>>,
    names?: ReadonlySet<string>,
  ) => { readonly [k: string]: ViewValue };
}

/** The rules' view of a table's owners, worked out once (the monitor reads it per state). */
export function viewerOf(t: AnyTable): Viewer {
  const entries = viewEntries(t);
  return {
    fields: Object.fromEntries(entries.map((e) => [e.name, e.type])),
    cpuFree: new Set(entries.filter((e) => e.cpuFree).map((e) => e.name)),
    taskFree: new Set(entries.filter((e) => e.taskFree).map((e) => e.name)),
    view: (owner, names) => {
      const out: Record<string, ViewValue> = {};
      for (const e of entries) {
        if (names !== undefined && !names.has(e.name)) continue;
        const v = owner[e.key];
        // Without `get`, fieldsOf admits only a field whose values are view values.
        out[e.name] = e.get === undefined ? (v as ViewValue) : e.get(v);
      }
      return out;
    },
  };
}
