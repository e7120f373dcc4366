// Turns a spec file's text into a Spec, or a UserError that names the file, the place in
// it (a JSON pointer, or line:column for malformed JSON) and what was expected.

import Ajv, { type ErrorObject } from "ajv";
import schema from "../../specs/spec.schema.json";
import { fail, ok, type Result } from "../errors";
import type { Spec } from "./types";

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
const validate = ajv.compile(schema);

export function parseSpec(text: string, path: string): Result<Spec> {
  const json = parseJson(text, path);
  if (!json.ok) return json;
  if (!validate(json.value)) {
    const e = pickError(validate.errors ?? []);
    return fail({
      code: "bad-spec",
      file: path,
      where: e.instancePath || "/",
      message: describe(e),
    });
  }
  const spec = json.value as Omit<Spec, "path">;
  const seen = new Map<string, number>();
  for (const [i, r] of spec.rules.entries()) {
    const first = seen.get(r.id);
    if (first !== undefined) {
      return fail({
        code: "bad-spec",
        file: path,
        where: `/rules/${i}/id`,
        message: `rule id "${r.id}" is already used by /rules/${first}; rule ids must be unique`,
      });
    }
    seen.set(r.id, i);
  }
  return ok({ ...spec, path });
}

export function parseJson(text: string, path: string): Result<unknown> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(msg);
    let where: string | undefined;
    if (pos?.[1] !== undefined) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split("\n").length;
      const column = Number(pos[1]) - before.lastIndexOf("\n");
      where = `line ${line}, column ${column}`;
    }
    const reason = msg.replace(/^JSON\.parse: /, "").replace(/ in JSON at position \d+.*$/, "");
    return fail({
      code: "bad-json",
      file: path,
      ...(where === undefined ? {} : { where }),
      message: `not valid JSON: ${reason}`,
    });
  }
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
      return "an expression object has exactly one operator key (var, not, and, or, implies, eq, ne, lt, le, gt, ge, in, get, count, forall, exists, effective)";
    case "anyOf":
    case "oneOf":
      return "not a valid expression: expected a literal or an object with one operator key";
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

function hint(e: ErrorObject): string {
  return e.parentSchema === schema.definitions.form
    ? " (expression operators: var, not, and, or, implies, eq, ne, lt, le, gt, ge, in, get, count, forall, exists, effective)"
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
