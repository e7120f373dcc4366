// The rule language: small JSON expressions over what the checker observes, compiled once
// into closures. Forms (each an object with one operator key, or a literal):
//   literals                  1, "x", true, null
//   {"var": "ctx.lazyDepth"}  a path into the environment (event, ctx, state, bound names)
//   {"not": e} {"and": [e..]} {"or": [e..]} {"implies": [a, b]}
//   {"eq": [a, b]} ne lt le gt ge
//   {"in": [x, list-or-record]} {"get": [record-or-list, key]} {"count": list}
//   {"forall": {"var": "a", "in": list, "holds": e}} and "exists" likewise
//   {"effective": addr}       the latest PTE change at addr is in effect (after the event)

import { isEffective, unsyncedEntry } from "../../model/kernel/hardware";
import type { Kernel } from "../../model/kernel/state";

export type Value =
  | null
  | number
  | string
  | boolean
  | readonly Value[]
  | { readonly [k: string]: Value };

export type Expr =
  | null
  | number
  | string
  | boolean
  | { readonly var: string }
  | { readonly not: Expr }
  | { readonly and: readonly Expr[] }
  | { readonly or: readonly Expr[] }
  | { readonly implies: readonly [Expr, Expr] }
  | { readonly eq: readonly [Expr, Expr] }
  | { readonly ne: readonly [Expr, Expr] }
  | { readonly lt: readonly [Expr, Expr] }
  | { readonly le: readonly [Expr, Expr] }
  | { readonly gt: readonly [Expr, Expr] }
  | { readonly ge: readonly [Expr, Expr] }
  | { readonly in: readonly [Expr, Expr] }
  | { readonly get: readonly [Expr, Expr] }
  | { readonly count: Expr }
  | { readonly forall: Quantifier }
  | { readonly exists: Quantifier }
  | { readonly effective: Expr };

export interface Quantifier {
  readonly var: string;
  readonly in: Expr;
  readonly holds: Expr;
}

/** What an expression is evaluated against. `notes` collects why an `effective` failed. */
export interface Env {
  readonly vars: Readonly<Record<string, Value>>;
  readonly state: Kernel;
  readonly notes: string[];
  /** The addresses of those notes, as data. */
  readonly addrs: string[];
}

export type Compiled = (env: Env) => Value;

const COMPARE = {
  eq: (a: Value, b: Value) => deepEqual(a, b),
  ne: (a: Value, b: Value) => !deepEqual(a, b),
  lt: (a: Value, b: Value) => num(a) < num(b),
  le: (a: Value, b: Value) => num(a) <= num(b),
  gt: (a: Value, b: Value) => num(a) > num(b),
  ge: (a: Value, b: Value) => num(a) >= num(b),
} as const;

type CompareOp = keyof typeof COMPARE;

export function compile(e: Expr): Compiled {
  if (e === null || typeof e !== "object") return () => e;
  if ("var" in e) return compileVar(e.var);
  if ("not" in e) {
    const x = compile(e.not);
    return (env) => !truthy(x(env));
  }
  if ("and" in e) {
    const xs = e.and.map(compile);
    return (env) => xs.every((x) => truthy(x(env)));
  }
  if ("or" in e) {
    const xs = e.or.map(compile);
    return (env) => xs.some((x) => truthy(x(env)));
  }
  if ("implies" in e) {
    const [a, b] = e.implies.map(compile) as [Compiled, Compiled];
    return (env) => !truthy(a(env)) || truthy(b(env));
  }
  for (const op of Object.keys(COMPARE) as CompareOp[]) {
    if (op in e) {
      const [a, b] = (e as Record<CompareOp, readonly [Expr, Expr]>)[op].map(compile) as [
        Compiled,
        Compiled,
      ];
      const f = COMPARE[op];
      return (env) => f(a(env), b(env));
    }
  }
  if ("in" in e) {
    const [x, c] = e.in.map(compile) as [Compiled, Compiled];
    return (env) => {
      const coll = c(env);
      const v = x(env);
      if (Array.isArray(coll)) return coll.some((y) => deepEqual(y, v));
      if (coll !== null && typeof coll === "object") return Object.hasOwn(coll, String(v));
      return false;
    };
  }
  if ("get" in e) {
    const [c, k] = e.get.map(compile) as [Compiled, Compiled];
    return (env) => lookup(c(env), String(k(env)));
  }
  if ("count" in e) {
    const x = compile(e.count);
    return (env) => {
      const v = x(env);
      return Array.isArray(v) ? v.length : 0;
    };
  }
  if ("forall" in e || "exists" in e) {
    const q = "forall" in e ? e.forall : (e as { exists: Quantifier }).exists;
    const all = "forall" in e;
    const over = compile(q.in);
    const body = compile(q.holds);
    return (env) => {
      const xs = over(env);
      // The loader refuses a non-list where it can tell; a value that turns out not to be a
      // list at run time satisfies neither quantifier, so the check fails rather than passing.
      if (!Array.isArray(xs)) return false;
      for (const x of xs) {
        const r = truthy(body({ ...env, vars: { ...env.vars, [q.var]: x } }));
        if (all && !r) return false;
        if (!all && r) return true;
      }
      return all;
    };
  }
  if ("effective" in e) {
    const a = compile(e.effective);
    return (env) => {
      const addr = String(a(env));
      const ok = isEffective(env.state, addr);
      if (!ok) {
        env.notes.push(whyNotEffective(env.state, addr));
        env.addrs.push(addr);
      }
      return ok;
    };
  }
  throw new Error(`unknown expression form: ${Object.keys(e).join(",")}`);
}

function compileVar(path: string): Compiled {
  const parts = path.split(".");
  return (env) => {
    let v: Value = env.vars[parts[0] ?? ""] ?? null;
    for (let i = 1; i < parts.length; i++) v = lookup(v, parts[i] ?? "");
    return v;
  };
}

function lookup(v: Value, key: string): Value {
  if (Array.isArray(v)) return (v as readonly Value[])[Number(key)] ?? null;
  if (v !== null && typeof v === "object") {
    return Object.hasOwn(v, key) ? ((v as Record<string, Value>)[key] ?? null) : null;
  }
  return null;
}

export function truthy(v: Value): boolean {
  return v !== null && v !== false && v !== 0 && v !== "";
}

function num(v: Value): number {
  return typeof v === "number" ? v : Number.NaN;
}

/** Equality by content: lists element by element, records key by key in any order. */
function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    const bs = b as readonly Value[];
    return (a as readonly Value[]).every((x, i) => deepEqual(x, bs[i] ?? null));
  }
  const ra = a as { readonly [k: string]: Value };
  const rb = b as { readonly [k: string]: Value };
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  return keys.every((k) => Object.hasOwn(rb, k) && deepEqual(ra[k] ?? null, rb[k] ?? null));
}

/** Says, in kernel terms, why the latest change at `addr` is not in effect. */
export function whyNotEffective(s: Kernel, addr: string): string {
  const reasons: string[] = [];
  const mem = s.pte[addr] ?? 0;
  const want = s.intended[addr] ?? 0;
  if (mem !== want) {
    const q = s.cpus.filter((c) => c.queued.some((u) => u.addr === addr)).map((c) => c.id);
    reasons.push(
      `the page table holds ${mem} but ${want} was set` +
        (q.length > 0 ? ` (the update is still queued on CPU ${q.join(", ")})` : ""),
    );
  }
  if (s.hw.stale.includes(addr)) {
    const b = s.cpus.filter((c) => c.batch.includes(addr)).map((c) => c.id);
    reasons.push(
      "CPUs may still hold the old translation" +
        (b.length > 0 ? ` (its flush is batched on CPU ${b.join(", ")})` : ""),
    );
  }
  const owed = s.hw.unsynced
    .map(unsyncedEntry)
    .filter((e) => e.addr === addr)
    .map((e) => e.cpu);
  if (owed.length > 0)
    reasons.push(`the walker may not see it: a barrier is owed on CPU ${owed.join(", ")}`);
  return `PTE ${addr} not in effect: ${reasons.join("; ")}`;
}
