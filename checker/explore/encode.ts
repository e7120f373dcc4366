// Canonical encoding of a state: the visited-set key. Object keys are written in sorted
// order, so two equal states always encode alike whatever order their keys were made in.
// Immer shares unchanged subtrees between a state and its successors, so encodings are
// cached by object identity and most of a successor's encoding is a cache hit.

const cache = new WeakMap<object, string>();

export function canonical(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "number":
    case "boolean":
      return String(value);
    case "string":
      return JSON.stringify(value);
    case "object":
      return encodeObject(value as object);
    default:
      throw new Error(`cannot encode a ${typeof value} in a state`);
  }
}

function encodeObject(o: object): string {
  const hit = cache.get(o);
  if (hit !== undefined) return hit;
  let out: string;
  if (Array.isArray(o)) {
    out = `[${o.map(canonical).join(",")}]`;
  } else {
    const rec = o as Record<string, unknown>;
    const keys = Object.keys(rec).sort();
    const parts: string[] = [];
    for (const k of keys) {
      const v = rec[k];
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${canonical(v)}`);
    }
    out = `{${parts.join(",")}}`;
  }
  cache.set(o, out);
  return out;
}
