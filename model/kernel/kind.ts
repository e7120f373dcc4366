// The language the kernel state's fields are declared in (model/kernel/state.ts): how a
// value is stored, by what its type is. The TypeScript type of a declared value is computed
// from its kind (`TypeOfKind`), the explorer compiles its packed layout, decoder and copy
// from it (checker/explore/codec.ts), and the traces their ITF encoding (checker/trace/
// state-fields.ts).

import type { FieldType } from "./field-type";

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
  /**
   * Fixed fields, stored in declaration order. `old`: for fields added after traces were
   * first written, the value a trace that lacks one stands for.
   */
  | {
      readonly kind: "struct";
      readonly fields: Readonly<Record<string, Kind>>;
      readonly old?: Readonly<Record<string, unknown>>;
    };

export type Struct = Extract<Kind, { kind: "struct" }>;

/** A scalar the model stores: PTE values, CPU ids, flags, counters. */
export type Val = number | string | boolean;

/** The TypeScript type of a value of kind `K`. */
export type TypeOfKind<K> = K extends { readonly kind: "int" }
  ? number
  : K extends { readonly kind: "bool" }
    ? boolean
    : K extends { readonly kind: "string"; readonly values: readonly (infer V)[] }
      ? V
      : K extends { readonly kind: "string" }
        ? string
        : K extends { readonly kind: "val" }
          ? Val
          : K extends { readonly kind: "optional"; readonly of: infer O; readonly absent: true }
            ? TypeOfKind<O> | undefined
            : K extends { readonly kind: "optional"; readonly of: infer O }
              ? TypeOfKind<O> | null
              : K extends { readonly kind: "list"; readonly of: infer O }
                ? readonly TypeOfKind<O>[]
                : K extends { readonly kind: "record"; readonly of: infer O }
                  ? Readonly<Record<string, TypeOfKind<O>>>
                  : K extends { readonly kind: "struct"; readonly fields: infer F }
                    ? StructOf<F>
                    : never;

/** The fields declared `absentOr` (optional properties, `x?: T`). */
type AbsentKeys<F> = {
  [P in keyof F]: F[P] extends { readonly absent: true } ? P : never;
}[keyof F];

type Flat<T> = { [P in keyof T]: T[P] } & {};

type StructOf<F> = Flat<
  { readonly [P in Exclude<keyof F, AbsentKeys<F>>]: TypeOfKind<F[P]> } & {
    readonly [P in AbsentKeys<F>]?: Exclude<TypeOfKind<F[P]>, undefined>;
  }
>;

export const int = { kind: "int" } as const;
export const bool = { kind: "bool" } as const;
export const str = { kind: "string" } as const;
export const val = { kind: "val" } as const;
/** One of these strings. */
export const oneOf = <const V extends readonly string[]>(...values: V) =>
  ({ kind: "string", values }) as const;
export const list = <K extends Kind>(of: K) => ({ kind: "list", of }) as const;
/** A sorted list of strings without repeats. */
export const set = { kind: "list", of: str, set: true } as const;
export const record = <K extends Kind>(of: K) => ({ kind: "record", of }) as const;
export const optional = <K extends Kind>(of: K) => ({ kind: "optional", of }) as const;
/** An optional property (`x?: T`): absent rather than null when it has no value. */
export const absentOr = <K extends Kind>(of: K) =>
  ({ kind: "optional", of, absent: true }) as const;
export const struct = <const F extends Readonly<Record<string, Kind>>>(fields: F) =>
  ({ kind: "struct", fields }) as const;

/** How rules see a value of kind `k` (the rule language's types, field-type.ts). */
export function ruleTypeOf(k: Kind): FieldType {
  switch (k.kind) {
    case "int":
      return "number";
    case "bool":
      return "boolean";
    case "string":
      return "string";
    case "val":
    case "optional":
      return "value";
    case "list":
      return { list: ruleTypeOf(k.of) };
    case "record":
      return { map: ruleTypeOf(k.of) };
    case "struct":
      return {
        fields: Object.fromEntries(Object.entries(k.fields).map(([n, f]) => [n, ruleTypeOf(f)])),
      };
  }
}
