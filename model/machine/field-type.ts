// The type of an observable value, as the rule checker reasons about it: what the
// declarations of the observable world (vocabulary.ts, observed-state.ts) are written in.

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
