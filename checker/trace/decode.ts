// Small readers for the plain-JSON parts of a trace (the #meta objects): each takes the
// value and the JSON pointer it sits at, and throws ItfShapeError naming that pointer and
// what was expected there. Shared by read.ts (the current format) and legacy.ts.

import { ItfShapeError } from "./itf";
import { pointer } from "./itf-check";

export type Rec = Readonly<Record<string, unknown>>;

export function record(x: unknown, path: string, what: string): Rec {
  if (x === null || typeof x !== "object" || Array.isArray(x)) throw new ItfShapeError(path, what);
  return x as Rec;
}

export function str(o: Rec, path: string, k: string): string {
  const v = o[k];
  if (typeof v !== "string") throw new ItfShapeError(`${path}/${pointer(k)}`, "a string");
  return v;
}

export function optStr(o: Rec, path: string, k: string): string | undefined {
  return o[k] === undefined ? undefined : str(o, path, k);
}

export function bool(o: Rec, path: string, k: string): boolean {
  const v = o[k];
  if (typeof v !== "boolean") throw new ItfShapeError(`${path}/${pointer(k)}`, "a boolean");
  return v;
}

export function nat(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw new ItfShapeError(path, "a whole number");
  return v;
}

export function int(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v))
    throw new ItfShapeError(path, "an integer");
  return v;
}

export function strings(o: Rec, path: string, k: string): string[] {
  const v = o[k];
  const at = `${path}/${pointer(k)}`;
  if (!Array.isArray(v)) throw new ItfShapeError(at, "a list of strings");
  return v.map((x, i) => {
    if (typeof x !== "string") throw new ItfShapeError(`${at}/${i}`, "a string");
    return x;
  });
}

export function list(o: Rec, path: string, k: string, what: string): readonly unknown[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new ItfShapeError(`${path}/${pointer(k)}`, what);
  return v;
}

/** One of a closed list of strings. */
export function oneOf<T extends string>(o: Rec, path: string, k: string, allowed: readonly T[]): T {
  const v = str(o, path, k);
  const hit = allowed.find((a) => a === v);
  if (hit === undefined)
    throw new ItfShapeError(`${path}/${pointer(k)}`, `one of ${allowed.join(", ")}`);
  return hit;
}
