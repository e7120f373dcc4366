// The type of an observable value, as the rule checker reasons about it: what the
// declarations of the observable world (state.ts, events.ts) are written in.

/** The type of an observable value, as the rule checker reasons about it. */
export type FieldType =
  | "number"
  | "string"
  | "boolean"
  /** A value of any shape (an argument, an architecture's per-CPU field). */
  | "value"
  | { readonly list: FieldType }
  /** A record whose keys are data (addresses, flag names), all with values of one type. */
  | { readonly map: FieldType }
  /** A record with these fields and no others. */
  | { readonly fields: Readonly<Record<string, FieldType>> };

/** A value as rules see it (the rule language's values: checker/rules/expr.ts). */
export type ViewValue =
  | null
  | number
  | string
  | boolean
  | readonly ViewValue[]
  | { readonly [k: string]: ViewValue };

/** The TypeScript type a declared field type stands for. */
export type TypeOf<T> = T extends "number"
  ? number
  : T extends "string"
    ? string
    : T extends "boolean"
      ? boolean
      : T extends "value"
        ? number | string | boolean
        : T extends { readonly list: infer E }
          ? readonly TypeOf<E>[]
          : T extends { readonly map: infer E }
            ? Readonly<Record<string, TypeOf<E>>>
            : T extends { readonly fields: infer F }
              ? { readonly [K in keyof F]: TypeOf<F[K]> }
              : never;

export type FieldsOf<F> = { readonly [K in keyof F]: TypeOf<F[K]> };
