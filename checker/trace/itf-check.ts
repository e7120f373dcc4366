// Is a JSON value a well-formed ITF expression (Apalache ADR-015, with Quint's variants and
// {"#unserializable"})? Independent of lazymmu's state shape: a string, a boolean, an
// integer (a JSON integer in [-(2^53)+1, 2^53-1], or {"#bigint": "[-][0-9]+"}), a list, a
// record (no field name starting with "#"), {"#tup": [...]}, {"#set": [...]}, {"#map":
// [[k, v], ...]}, a variant {"tag": "...", "value": ...}. Reading a trace runs this before
// decoding, and the ITF tests run it on every trace the matrix writes.

import { ItfShapeError } from "./itf-value";
import { isDecimal } from "./state-fields";

/** A JSON pointer segment (RFC 6901): "~" and "/" escaped. */
export function pointer(segment: string | number): string {
  return String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
}

const TAGGED = new Set(["#bigint", "#tup", "#set", "#map", "#unserializable"]);

export function checkItfValue(x: unknown, path: string): void {
  if (typeof x === "string" || typeof x === "boolean") return;
  if (typeof x === "number") {
    if (!Number.isSafeInteger(x))
      throw new ItfShapeError(path, "an integer in [-(2^53)+1, 2^53-1]");
    return;
  }
  if (Array.isArray(x)) {
    for (const [i, y] of x.entries()) checkItfValue(y, `${path}/${i}`);
    return;
  }
  if (x === null || typeof x !== "object")
    throw new ItfShapeError(path, "an ITF value (null is not one)");
  const o = x as Record<string, unknown>;
  const keys = Object.keys(o);
  const tagged = keys.filter((k) => k.startsWith("#"));
  if (tagged.length > 0) checkTagged(o, keys, path);
  else if (keys.length === 2 && keys.includes("tag") && keys.includes("value")) {
    if (typeof o.tag !== "string")
      throw new ItfShapeError(`${path}/tag`, "a variant's tag, a string");
    checkItfValue(o.value, `${path}/value`);
  } else {
    for (const k of keys) checkItfValue(o[k], `${path}/${pointer(k)}`);
  }
}

function checkTagged(o: Record<string, unknown>, keys: readonly string[], path: string): void {
  const k = keys[0];
  if (keys.length !== 1 || k === undefined || !TAGGED.has(k)) {
    throw new ItfShapeError(
      path,
      'one of {"#bigint"}, {"#tup"}, {"#set"}, {"#map"}, {"#unserializable"} alone, or a record whose field names do not start with "#"',
    );
  }
  const v = o[k];
  const at = `${path}/${pointer(k)}`;
  switch (k) {
    case "#bigint":
      if (typeof v !== "string" || !isDecimal(v))
        throw new ItfShapeError(at, 'a decimal integer as a string, "[-][0-9]+"');
      return;
    case "#unserializable":
      if (typeof v !== "string") throw new ItfShapeError(at, "a string");
      return;
    case "#map":
      if (!Array.isArray(v)) throw new ItfShapeError(at, "a list of [key, value] pairs");
      v.forEach((p: unknown, i) => {
        if (!Array.isArray(p) || p.length !== 2)
          throw new ItfShapeError(`${at}/${i}`, "a [key, value] pair");
        checkItfValue(p[0], `${at}/${i}/0`);
        checkItfValue(p[1], `${at}/${i}/1`);
      });
      return;
    default:
      if (!Array.isArray(v)) throw new ItfShapeError(at, "a list");
      for (const [i, y] of v.entries()) checkItfValue(y, `${at}/${i}`);
  }
}
