// What the JSON schema cannot say about a spec's rules, checked when the spec is loaded so
// that a rule never silently checks nothing: every variable path exists in the vocabulary
// of the event kind it is read in (model/machine/vocabulary.ts, from model/kernel/events.ts), quantifier variables are
// bound, `explain` placeholders are known, operators get operands of the types they
// accept (rules/operators.ts), and `fn` filters only events that carry a function. Each
// problem names its JSON pointer. Recursion here is bounded: the JSON reader refuses
// nesting deeper than MAX_JSON_DEPTH before the value reaches this file.

import {
  type FieldType,
  KINDS_WITH_FN,
  scopeOf,
  type Trigger,
} from "../../model/machine/vocabulary";
import type { Expr } from "../rules/expr";
import { isOperator, OPERATORS, type OperandType } from "../rules/operators";
import { placeholdersOf } from "../rules/paths";
import type { Rule } from "./types";

export interface Problem {
  readonly where: string;
  readonly message: string;
}

/** What the checker knows of an expression's value: a declared type, or a literal null. */
type Ty = FieldType | "null";

type Scope = ReadonlyMap<string, Ty>;

/** The first problem in these rules, with pointers under `base` (e.g. `/rules`). */
export function checkRules(rules: readonly Rule[], base: string): Problem | undefined {
  const problems: Problem[] = [];
  rules.forEach((rule, i) => {
    rule.checks.forEach((c, j) => {
      const at = `${base}/${i}/checks/${j}`;
      const trigger = c.on.event;
      if (c.on.fn !== undefined && !KINDS_WITH_FN.has(trigger)) {
        problems.push({
          where: `${at}/on/fn`,
          message: `${trigger === "bug" ? '"bug" events are not filtered by function (test event.fn, the function that fired it, in an expression)' : `"${trigger}" events carry no function`}, so an "fn" filter would never match; "fn" filters ${[...KINDS_WITH_FN].map((k) => `"${k}"`).join(", ")} events`,
        });
        return;
      }
      const scope = new Map<string, Ty>(Object.entries(scopeOf(trigger)));
      const ctx: Walk = { problems, trigger, scope };
      typeOf(c.require, `${at}/require`, ctx);
      if (c.explain !== undefined) checkExplain(c.explain, `${at}/explain`, ctx);
    });
  });
  return problems[0];
}

interface Walk {
  readonly problems: Problem[];
  readonly trigger: Trigger;
  readonly scope: Scope;
}

function checkExplain(text: string, where: string, w: Walk): void {
  for (const path of placeholdersOf(text)) {
    const r = resolvePath(path, w);
    if ("error" in r) {
      w.problems.push({ where, message: `placeholder {${path}}: ${r.error}` });
      return;
    }
  }
}

type Found = { readonly t: Ty } | { readonly error: string };

/** A path's type, or why it names nothing (a sentence). */
function resolvePath(path: string, w: Walk): Found {
  const [head = "", ...rest] = path.split(".");
  let t = w.scope.get(head);
  if (t === undefined) {
    const names = [...w.scope.keys()].join(", ");
    return {
      error: `unknown name "${head}": a check on ${triggerName(w.trigger)} may read ${names}`,
    };
  }
  let at = head;
  for (const part of rest) {
    const next = member(t, part, at);
    if ("error" in next) return next;
    t = next.t;
    at = `${at}.${part}`;
  }
  return { t };
}

function member(t: Ty, part: string, at: string): Found {
  if (t === "value") return { t: "value" };
  if (t === "null" || typeof t === "string")
    return { error: `${at} is ${describe(t)} and has no "${part}"` };
  if ("list" in t) {
    return /^\d+$/.test(part)
      ? { t: t.list }
      : { error: `${at} is ${describe(t)}; index it with a number, not "${part}"` };
  }
  if ("map" in t) return { t: t.map };
  if (Object.hasOwn(t.fields, part)) return { t: t.fields[part] as FieldType };
  const names = Object.keys(t.fields);
  const guess = closest(part, names);
  return {
    error: `${at} has no field "${part}"${guess === undefined ? "" : ` (did you mean "${guess}"?)`}; its fields are ${names.join(", ")}`,
  };
}

function typeOf(e: Expr, where: string, w: Walk): Ty {
  if (e === null) return "null";
  if (typeof e === "number") return "number";
  if (typeof e === "string") return "string";
  if (typeof e === "boolean") return "boolean";
  const key = Object.keys(e)[0] ?? "";
  if (!isOperator(key)) return "value"; // the schema refuses these before we are called
  const operand = (e as Record<string, unknown>)[key];
  const at = `${where}/${key}`;
  const op = OPERATORS[key];
  switch (op.form.shape) {
    case "path": {
      const r = resolvePath(String(operand), w);
      if ("error" in r) {
        w.problems.push({ where: at, message: r.error });
        return "value";
      }
      return r.t;
    }
    case "unary": {
      const t = typeOf(operand as Expr, at, w);
      expect(t, op.form.operand, key, at, w);
      return resultOf(op.result, t);
    }
    case "list":
      (operand as readonly Expr[]).forEach((x, i) => {
        typeOf(x, `${at}/${i}`, w);
      });
      return "boolean";
    case "pair": {
      const [a, b] = operand as readonly [Expr, Expr];
      const ta = typeOf(a, `${at}/0`, w);
      const tb = typeOf(b, `${at}/1`, w);
      expect(ta, op.form.operands[0], key, `${at}/0`, w);
      expect(tb, op.form.operands[1], key, `${at}/1`, w);
      if (key === "get") return elementOf(ta, b);
      return resultOf(op.result, ta);
    }
    case "quantifier": {
      const q = operand as { readonly var: string; readonly in: Expr; readonly holds: Expr };
      const over = typeOf(q.in, `${at}/in`, w);
      expect(over, "list", key, `${at}/in`, w);
      if (w.scope.has(q.var)) {
        w.problems.push({
          where: `${at}/var`,
          message: `"${q.var}" is already a name here; a quantifier variable must not hide it`,
        });
      }
      const elem: Ty = typeof over === "object" && "list" in over ? over.list : "value";
      const inner: Walk = { ...w, scope: new Map([...w.scope, [q.var, elem]]) };
      typeOf(q.holds, `${at}/holds`, inner);
      return "boolean";
    }
  }
}

function resultOf(r: "boolean" | "number" | "element" | "path", operand: Ty): Ty {
  if (r === "boolean" || r === "number") return r;
  return operand;
}

function elementOf(t: Ty, key: Expr): Ty {
  if (typeof t !== "object") return "value";
  if ("list" in t) return t.list;
  if ("map" in t) return t.map;
  if (typeof key === "string" && Object.hasOwn(t.fields, key)) return t.fields[key] as FieldType;
  return "value";
}

function expect(t: Ty, want: OperandType, op: string, where: string, w: Walk): void {
  if (want === "any" || t === "value" || fits(t, want)) return;
  const what: Record<Exclude<OperandType, "any">, string> = {
    number: "a number",
    string: "a string",
    list: "a list",
    collection: "a list or a record",
  };
  w.problems.push({
    where,
    message: `"${op}" expects ${what[want]} here, but this is ${describe(t)}`,
  });
}

function fits(t: Ty, want: Exclude<OperandType, "any">): boolean {
  switch (want) {
    case "number":
    case "string":
      return t === want;
    case "list":
      return typeof t === "object" && "list" in t;
    case "collection":
      return typeof t === "object";
  }
}

function describe(t: Ty): string {
  if (t === "null") return "null";
  if (t === "value") return "a value";
  if (typeof t === "string") return `a ${t}`;
  if ("list" in t) {
    const e = t.list;
    return typeof e === "string" && e !== "value" ? `a list of ${e}s` : "a list";
  }
  return "a record";
}

function triggerName(t: Trigger): string {
  return t === "state" ? "states" : `"${t}" events`;
}

/** The name within two edits of `word`, for a "did you mean" hint. */
function closest(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const n of names) {
    const d = distance(word.toLowerCase(), n.toLowerCase());
    if (d < bestD) {
      best = n;
      bestD = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, sub));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
