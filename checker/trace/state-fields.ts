// The kernel state's fields for the trace side. Their one declaration is the model's
// (model/kernel/state.ts, whose struct kind model/kernel/schema.ts `kernelSchema` is, from
// which the explorer's packed key is compiled too): the shapes here are derived from it, and
// generic walks over plain data driven by them are the ITF encoding and decoding (Apalache
// ADR-015, with Quint's variants).

import { type Kind, kernelSchema } from "../../model/kernel/schema";
import type { Kernel } from "../../model/kernel/state";
import { type Itf, ItfShapeError } from "./itf-value";

/** What kind of value a field holds, as traces write it. */
export type Shape =
  | { readonly t: "int" }
  | { readonly t: "str" }
  | { readonly t: "bool" }
  /** A scalar the model stores (model/kernel/state.ts `Val`): a number, string or boolean. */
  | { readonly t: "val" }
  | { readonly t: "enum"; readonly values: readonly string[]; readonly says: string }
  | { readonly t: "opt"; readonly of: Shape }
  /** An optional property (`x?: T`) of a record: written only when set. */
  | { readonly t: "absent"; readonly of: Shape }
  | { readonly t: "list"; readonly of: Shape }
  /** A list of strings the model keeps sorted and without repeats: an ITF set. */
  | { readonly t: "set" }
  /** A record with keys chosen by the model (PTE addresses, flags, locals): an ITF map. */
  | { readonly t: "map"; readonly of: Shape }
  /** `old`: what a trace written before a field was added stands for, in ITF. */
  | {
      readonly t: "record";
      readonly fields: Readonly<Record<string, Shape>>;
      readonly old: Readonly<Record<string, Itf>>;
    };

/** `a, b or c` */
const either = (xs: readonly string[]): string =>
  xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`;

/** A field's trace shape, from how the model declares it. */
export function shapeOf(k: Kind): Shape {
  switch (k.kind) {
    case "int":
      return { t: "int" };
    case "bool":
      return { t: "bool" };
    case "val":
      return { t: "val" };
    case "string":
      return k.values === undefined
        ? { t: "str" }
        : { t: "enum", values: k.values, says: either(k.values) };
    case "optional":
      return k.absent === true
        ? { t: "absent", of: shapeOf(k.of) }
        : { t: "opt", of: shapeOf(k.of) };
    case "list":
      if (k.set === true) {
        if (k.of.kind !== "string") throw new Error("checker error: a set of non-strings");
        return { t: "set" };
      }
      return { t: "list", of: shapeOf(k.of) };
    case "record":
      return { t: "map", of: shapeOf(k.of) };
    case "struct": {
      const fields = Object.fromEntries(
        Object.entries(k.fields).map(([n, f]) => [n, shapeOf(f)] as const),
      );
      const old = Object.fromEntries(
        Object.entries(k.old ?? {}).flatMap(([n, v]) => {
          const f = fields[n];
          return f === undefined ? [] : [[n, encode(f, v)] as const];
        }),
      );
      return { t: "record", fields, old };
    }
  }
}

// Encoding: integers as {"#bigint"}, maps as {"#map"} with sorted keys, sets as {"#set"},
// records as objects, lists as arrays, absent values as the variant None.

const NONE: Itf = { tag: "None", value: { "#tup": [] } };

export function encode(s: Shape, x: unknown): Itf {
  switch (s.t) {
    case "int":
      return { "#bigint": String(x) };
    case "str":
    case "bool":
    case "enum":
      return x as string | boolean;
    case "val":
      return typeof x === "number" ? { "#bigint": String(x) } : (x as string | boolean);
    case "opt":
      return x === null ? NONE : { tag: "Some", value: encode(s.of, x) };
    case "absent":
      return encode(s.of, x);
    case "list":
      return (x as readonly unknown[]).map((y) => encode(s.of, y));
    case "set":
      return { "#set": [...(x as readonly string[])].sort() };
    case "map": {
      const r = x as Readonly<Record<string, unknown>>;
      return {
        "#map": Object.keys(r)
          .sort()
          .map((k) => [k, encode(s.of, r[k])] as const),
      };
    }
    case "record": {
      const r = x as Readonly<Record<string, unknown>>;
      return Object.fromEntries(
        Object.entries(s.fields)
          .filter(([k, f]) => f.t !== "absent" || r[k] !== undefined)
          .map(([k, f]) => [k, encode(f, r[k])]),
      );
    }
  }
}

// Decoding. A value that does not have the expected shape throws ItfShapeError with the
// JSON pointer where it broke; the CLI turns that into a bad-trace error.

function obj(x: unknown, path: string): Readonly<Record<string, unknown>> {
  if (x === null || typeof x !== "object" || Array.isArray(x))
    throw new ItfShapeError(path, "an object");
  return x as Readonly<Record<string, unknown>>;
}

/** `[-]digits`: what ADR-015 allows in a {"#bigint"}. */
export const isDecimal = (s: string): boolean => {
  const digits = s.startsWith("-") ? s.slice(1) : s;
  return digits !== "" && [...digits].every((c) => c >= "0" && c <= "9");
};

// ADR-015 lets a writer put an integer in [-(2^53)+1, 2^53-1] as a plain JSON number: read
// those too, though lazymmu always writes {"#bigint"}.
function decodeInt(x: unknown, path: string): number {
  if (typeof x === "number" && Number.isSafeInteger(x)) return x;
  const expected = 'an integer {"#bigint": "..."}';
  if (x === null || typeof x !== "object" || Array.isArray(x))
    throw new ItfShapeError(path, expected);
  const s = (x as Readonly<Record<string, unknown>>)["#bigint"];
  if (typeof s !== "string" || !isDecimal(s)) throw new ItfShapeError(path, expected);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new ItfShapeError(path, "an integer the model can hold");
  return n;
}

function decodeStr(x: unknown, path: string): string {
  if (typeof x !== "string") throw new ItfShapeError(path, "a string");
  return x;
}

export function decode(s: Shape, x: unknown, path: string): unknown {
  switch (s.t) {
    case "int":
      return decodeInt(x, path);
    case "str":
      return decodeStr(x, path);
    case "bool":
      if (typeof x !== "boolean") throw new ItfShapeError(path, "a boolean");
      return x;
    case "val":
      return typeof x === "string" || typeof x === "boolean" ? x : decodeInt(x, path);
    case "enum":
      if (typeof x !== "string" || !s.values.includes(x)) throw new ItfShapeError(path, s.says);
      return x;
    case "opt": {
      const o = obj(x, path);
      if (o.tag === "None") return null;
      if (o.tag === "Some") return decode(s.of, o.value, `${path}/value`);
      throw new ItfShapeError(path, 'an option {"tag": "None" | "Some", "value": ...}');
    }
    case "absent":
      return decode(s.of, x, path);
    case "list":
      if (!Array.isArray(x)) throw new ItfShapeError(path, "a list");
      return x.map((y, i) => decode(s.of, y, `${path}/${i}`));
    case "set": {
      const xs = obj(x, path)["#set"];
      if (!Array.isArray(xs)) throw new ItfShapeError(path, 'a set {"#set": [...]}');
      const out = xs.map((y, i) => decodeStr(y, `${path}/#set/${i}`));
      out.forEach((y, i) => {
        if (out.indexOf(y) !== i)
          throw new ItfShapeError(
            `${path}/#set/${i}`,
            `an element not already in the set ("${y}" is)`,
          );
      });
      // The model keeps its sets sorted: a set decodes to its sorted list.
      return out.sort();
    }
    case "map": {
      const entries = obj(x, path)["#map"];
      if (!Array.isArray(entries)) throw new ItfShapeError(path, 'a map {"#map": [[k, v], ...]}');
      const seen = new Set<string>();
      const out = entries.map((e: unknown, i): [string, unknown] => {
        const at = `${path}/#map/${i}`;
        if (!Array.isArray(e) || e.length !== 2) throw new ItfShapeError(at, "a [key, value] pair");
        const k = decodeStr(e[0], `${at}/0`);
        if (seen.has(k))
          throw new ItfShapeError(`${at}/0`, `a key not already in the map ("${k}" is)`);
        seen.add(k);
        return [k, decode(s.of, e[1], `${at}/1`)];
      });
      // fromEntries, not assignment: a key such as "__proto__" stays an own property.
      return Object.fromEntries(out);
    }
    case "record": {
      const o = obj(x, path);
      return Object.fromEntries(
        Object.entries(s.fields)
          .filter(([k, f]) => f.t !== "absent" || o[k] !== undefined)
          .map(([k, f]) => [k, decode(f, o[k] ?? s.old[k], `${path}/${k}`)]),
      );
    }
  }
}

/** The kernel state, field by field, in the order traces write them. */
export const KERNEL: Shape = shapeOf(kernelSchema);

/** The ITF state variables: the kernel state's top-level fields. */
export const STATE_VARS = Object.keys(kernelSchema.fields) as readonly (keyof Kernel)[];

/**
 * State variables added after traces were first written, with the value a trace that lacks
 * them stands for (declared with the field, model/kernel/state.ts `old`), so older traces
 * still read and replay.
 */
export const LATER_VARS: Readonly<Partial<Record<keyof Kernel, Itf>>> =
  KERNEL.t === "record" ? KERNEL.old : {};
