// The validator of specs/spec.schema.json, by ajv. Compiling the schema costs about 0.2 s of
// CPU (loading ajv and generating its code), in every command that reads a spec, on the
// way to its first exploration. So the build (scripts/build.js) writes the validator ajv
// generates for this schema and these options as a module of its own beside this one's
// compiled file (ajv's "standalone" code), which loads in a few milliseconds; run from the
// TypeScript sources (the tests, ts-node) or from a build without it, the schema is
// compiled here instead. Both are the same validator: test/spec-validator.test.ts holds
// them to the same verdicts and errors.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import schema from "../../specs/spec.schema.json";

/** How ajv compiles the schema, at build time and at run time alike. */
const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true };

/** The generated module's file name, in this module's directory of the build. */
export const GENERATED_VALIDATOR = "spec-validator.generated.js";

let validator: ValidateFunction | undefined;

/** The schema's validator: the generated one where the build wrote it, else compiled now. */
export function specValidator(): ValidateFunction {
  validator ??= generated() ?? compiled();
  return validator;
}

function generated(): ValidateFunction | undefined {
  const file = join(__dirname, GENERATED_VALIDATOR);
  if (!__filename.endsWith(".js") || !existsSync(file)) return undefined;
  return require(file) as ValidateFunction;
}

/** The schema compiled at run time. */
export function compiled(): ValidateFunction {
  const { default: Ajv } = require("ajv") as typeof import("ajv");
  return new Ajv(AJV_OPTIONS).compile(schema);
}

/** The module the build writes as GENERATED_VALIDATOR: ajv's code for the schema. */
export function generatedValidator(): string {
  const { default: standalone } =
    require("ajv/dist/standalone") as typeof import("ajv/dist/standalone");
  const { default: Ajv } = require("ajv") as typeof import("ajv");
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  return standalone(ajv, ajv.compile(schema));
}
