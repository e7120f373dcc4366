// Turns a spec file's text into a Spec, or a UserError that names the file, the place in
// it (a JSON pointer, or line:column for malformed JSON) and what was expected.

import type { ErrorObject, ValidateFunction } from "ajv";
import { TRIGGERS } from "../../model/machine/vocabulary";
import schema from "../../specs/spec.schema.json";
import { fail, ok, type Result } from "../errors";
import { parseJsonText } from "../json";
import { OPERATOR_NAMES } from "../rules/operators";
import { checkRules } from "./check";
import { specValidator } from "./spec-validator";
import type { Rule, Spec } from "./types";

// The schema file is what editors read; the vocabulary is what the checker evaluates. They
// must list the same triggers and operators, or a spec could validate and not evaluate.
const schemaTriggers = schema.definitions.trigger.properties.event.enum;
const schemaOperators = Object.keys(schema.definitions.form.properties);
if (
  schemaTriggers.join() !== TRIGGERS.join() ||
  schemaOperators.sort().join() !== [...OPERATOR_NAMES].sort().join()
) {
  throw new Error(
    "checker error: specs/spec.schema.json lists other triggers or operators than model/kernel/events.ts and checker/rules/operators.ts (run `npm run spec-schema`)",
  );
}

/** A spec as written in one file, before the spec it `extends` is merged in. */
interface SpecFile extends Omit<Spec, "path"> {
  readonly extends?: string;
  readonly drop?: readonly string[];
}

/** Loads the spec named by an `extends` (a bundled id or a path), relative to `from`. */
export type ResolveParent = (ref: string, from: string) => Result<Spec>;

export function parseSpec(text: string, path: string, resolveParent?: ResolveParent): Result<Spec> {
  const json = parseJsonText(text, path);
  if (!json.ok) return json;
  const bad = (where: string, message: string): Result<Spec> =>
    fail({ code: "bad-spec", file: path, where, message });
  // The schema describes a SpecFile (as ajv.compile<SpecFile> would assert).
  const validate = specValidator() as ValidateFunction<SpecFile>;
  if (!validate(json.value)) {
    const e = pickError(validate.errors ?? []);
    return bad(e.instancePath || "/", describe(e));
  }
  const spec = json.value;
  if (spec.extends === undefined && spec.rules.length === 0)
    return bad(
      "/rules",
      "expected at least 1 item(s), got 0 (only a spec that extends another may add none)",
    );
  const seen = new Map<string, number>();
  for (const [i, r] of spec.rules.entries()) {
    const first = seen.get(r.id);
    if (first !== undefined) {
      return bad(
        `/rules/${i}/id`,
        `rule id "${r.id}" is already used by /rules/${first}; rule ids must be unique`,
      );
    }
    seen.set(r.id, i);
  }
  const problem = checkRules(spec.rules, "/rules");
  if (problem !== undefined) return bad(problem.where, problem.message);
  const { drop, extends: parentRef, ...own } = spec;
  if (parentRef === undefined) {
    if (drop !== undefined) return bad("/drop", "only a spec that extends another can drop rules");
    return ok({ ...own, path });
  }
  if (resolveParent === undefined)
    return bad("/extends", `spec "${parentRef}" cannot be looked up from here`);
  const parent = resolveParent(parentRef, path);
  if (!parent.ok) return parent;
  const rules: Rule[] = [];
  const dropped = new Set(drop ?? []);
  for (const [k, id] of (drop ?? []).entries()) {
    if (!parent.value.rules.some((r) => r.id === id))
      return bad(`/drop/${k}`, `spec "${parent.value.id}" has no rule "${id}" to drop`);
    if (seen.has(id))
      return bad(
        `/drop/${k}`,
        `rule "${id}" is both dropped and defined in /rules/${seen.get(id)}`,
      );
  }
  for (const r of parent.value.rules) {
    if (dropped.has(r.id)) continue;
    rules.push(spec.rules.find((x) => x.id === r.id) ?? r);
  }
  for (const r of spec.rules) if (!parent.value.rules.some((x) => x.id === r.id)) rules.push(r);
  return ok({ ...own, rules, extends: parent.value.id, path });
}

/**
 * Of ajv's errors, the one a person should read: the deepest place, and there the most
 * specific keyword. An anyOf over expression forms says less than what broke inside the
 * branch that fits the value's type, and a type error from the other branch least.
 */
function pickError(errors: readonly ErrorObject[]): ErrorObject {
  const specificity = (e: ErrorObject) =>
    e.keyword === "anyOf" || e.keyword === "oneOf" ? 0 : e.keyword === "type" ? 1 : 2;
  const rank = (e: ErrorObject) => e.instancePath.split("/").length * 10 + specificity(e);
  const sorted = [...errors].sort((a, b) => rank(b) - rank(a));
  const first = sorted[0];
  if (!first) throw new Error("ajv reported failure without errors");
  return first;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `missing required property "${String(p.missingProperty)}"`;
    case "additionalProperties":
      return `unknown property "${String(p.additionalProperty)}"${hint(e)}`;
    case "enum":
      return `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${JSON.stringify(e.data)}`;
    case "type":
      return `expected ${article(String(p.type))}, got ${typeName(e.data)}`;
    case "pattern":
      return `${JSON.stringify(e.data)} does not match the pattern ${String(p.pattern)}`;
    case "minItems":
      return `expected at least ${String(p.limit)} item(s), got ${(e.data as unknown[]).length}`;
    case "maxItems":
      return `expected at most ${String(p.limit)} item(s), got ${(e.data as unknown[]).length}`;
    case "minLength":
      return "expected a non-empty string";
    case "minProperties":
    case "maxProperties":
      return `an expression object has exactly one operator key (${OPERATOR_NAMES.join(", ")})`;
    case "anyOf":
    case "oneOf":
      return "not a valid expression: expected a literal or an object with one operator key";
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

/** The operators, as the schema's expression form lists them. */
const FORM_OPERATORS = [...schemaOperators].sort().join();

function hint(e: ErrorObject): string {
  // The expression form, told by its properties (the validator generated at build time
  // holds a copy of the schema, not this module's object).
  const props = (e.parentSchema as { properties?: object } | undefined)?.properties;
  return props !== undefined && Object.keys(props).sort().join() === FORM_OPERATORS
    ? ` (expression operators: ${OPERATOR_NAMES.join(", ")})`
    : "";
}

function article(t: string): string {
  const names = t.split(",").map((x) => (x === "array" || x === "object" ? `an ${x}` : `a ${x}`));
  return names.join(" or ");
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;
}
