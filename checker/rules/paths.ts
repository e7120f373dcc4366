// The paths a check names: each `{"var": "ctx.lazyDepth"}` in its expression and each
// `{ctx.id}` placeholder of its explanation. Read by the loader (checker/spec/check.ts
// types every one), the monitor (which builds only the views they read) and CPU symmetry
// (which is off when a rule reads a CPU number or a context's name).

/** A placeholder of an explanation: `{path}`. */
const PLACEHOLDER = /\{([A-Za-z0-9_.]+)\}/g;

/** Every `var` path an expression tree names, appended to `out`. */
export function varsOf(x: unknown, out: string[]): void {
  if (Array.isArray(x)) {
    for (const y of x) varsOf(y, out);
  } else if (typeof x === "object" && x !== null) {
    for (const [k, v] of Object.entries(x)) {
      if (k === "var" && typeof v === "string") out.push(v);
      else varsOf(v, out);
    }
  }
}

/**
 * Whether an expression tree judges the state itself beyond its `state.*` paths: an
 * `effective` test reads the PTEs and the hardware of the state the event reached.
 */
export function readsWholeState(x: unknown): boolean {
  if (Array.isArray(x)) return x.some(readsWholeState);
  if (typeof x !== "object" || x === null) return false;
  return Object.entries(x).some(([k, v]) => k === "effective" || readsWholeState(v));
}

/** The paths of an explanation's placeholders, in order. */
export function placeholdersOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) if (m[1] !== undefined) out.push(m[1]);
  return out;
}

/** An explanation with each placeholder replaced by what `value` gives for its path. */
export function fillPlaceholders(text: string, value: (path: string) => string): string {
  return text.replace(PLACEHOLDER, (_, path: string) => value(path));
}
