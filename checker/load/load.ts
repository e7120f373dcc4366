// Loads a user's model file (`--load FILE`): compiles it, runs it with `lazymmu/api` bound
// to this checker's own API module, and registers what it exports with defineArch() and
// defineScenario() beside the built-in ones, remembering the file and its content hash.
// Everything is checked before anything is registered: a file with one bad model adds none.
// Running the file is the one effect here (the user's code runs); the caller reads it.

import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";
import * as api from "../../model/api";
import { archRegistry } from "../../model/arch/index";
import type { ArchModel } from "../../model/arch/types";
import type { Origin } from "../../model/registry";
import { extraScenarioRegistry, scenarioRegistry } from "../../model/scenarios/index";
import type { Scenario } from "../../model/scenarios/types";
import { fail, ok, type Result, type UserError } from "../errors";
import { compileModelFile, lineOfId } from "./compile";

/** What a loaded file added. */
export interface LoadedFile {
  readonly origin: Origin;
  readonly archs: readonly ArchModel[];
  readonly scenarios: readonly Scenario[];
}

/** The module names a model file may import the API by. */
const API_NAMES = new Set(["lazymmu/api", "lazymmu"]);

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function bad(file: string, message: string, line?: number): UserError {
  return {
    code: "bad-model-file",
    file,
    ...(line === undefined ? {} : { where: `line ${line}` }),
    message,
  };
}

/** Runs the compiled module; its exports, or the error it threw while loading. */
function evaluate(js: string, file: string): Result<Record<string, unknown>> {
  const req = createRequire(file);
  const requireFor = (id: string): unknown => (API_NAMES.has(id) ? api : req(id));
  const module = { exports: {} as Record<string, unknown> };
  try {
    const wrapper = new Script(
      `(function (exports, require, module, __filename, __dirname) {${js}\n})`,
      { filename: file },
    ).runInThisContext() as (...a: unknown[]) => void;
    wrapper(module.exports, requireFor, module, file, dirname(file));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return fail(bad(file, `the file threw while loading: ${message}`));
  }
  return ok(module.exports);
}

/** Exported values, and the values of exported lists, that defineArch/defineScenario made. */
function definitions(exports: Record<string, unknown>): api.Definition[] {
  const out: api.Definition[] = [];
  for (const v of Object.values(exports)) {
    for (const x of Array.isArray(v) ? v : [v]) {
      const d = api.definedAs(x);
      if (d !== undefined && !out.includes(d)) out.push(d);
    }
  }
  return out;
}

function idTaken(d: api.Definition): boolean {
  if (d.kind === "arch") return archRegistry.find(d.model.id) !== undefined;
  const id = d.scenario.id;
  return scenarioRegistry.find(id) !== undefined || extraScenarioRegistry.find(id) !== undefined;
}

const loadedFiles: LoadedFile[] = [];

/** The files loaded so far in this process, with their content hashes. */
export function loadedOrigins(): readonly Origin[] {
  return loadedFiles.map((f) => f.origin);
}

/** Loads `file` (whose content is `source`) and registers its models and scenarios. */
export function loadModelFile(file: string, source: string): Result<LoadedFile> {
  // The same file with the same content is loaded once: naming it twice is not a clash.
  const again = loadedFiles.find(
    (f) => f.origin.file === file && f.origin.sha256 === sha256(source),
  );
  if (again !== undefined) return ok(again);
  const js = compileModelFile(source, file);
  if (!js.ok) return js;
  const exports = evaluate(js.value, file);
  if (!exports.ok) return exports;
  const defined = definitions(exports.value);
  if (defined.length === 0) {
    return fail(
      bad(
        file,
        "it exports no model or scenario (wrap each in defineArch() or defineScenario() from lazymmu/api and export it)",
      ),
    );
  }
  const ids = new Set<string>();
  for (const d of defined) {
    const value = d.kind === "arch" ? d.model : d.scenario;
    const problems = d.kind === "arch" ? api.archProblems(value) : api.scenarioProblems(value);
    const id: unknown = value.id;
    const line = typeof id === "string" ? lineOfId(source, file, id) : undefined;
    const what = `${d.kind === "arch" ? "architecture model" : "scenario"} ${typeof id === "string" ? `"${id}"` : "(no id)"}`;
    if (problems.length > 0) return fail(bad(file, `${what}: ${problems.join("; ")}`, line));
    const key = `${d.kind}:${value.id}`;
    if (ids.has(key) || idTaken(d))
      return fail(bad(file, `${what}: the id is already taken`, line));
    ids.add(key);
  }
  const origin: Origin = { file, sha256: sha256(source) };
  const archs: ArchModel[] = [];
  const scenarios: Scenario[] = [];
  for (const d of defined) {
    if (d.kind === "arch") {
      archRegistry.add(d.model, origin);
      archs.push(d.model);
    } else {
      scenarioRegistry.add(d.scenario, origin, [extraScenarioRegistry]);
      scenarios.push(d.scenario);
    }
  }
  const loaded: LoadedFile = { origin, archs, scenarios };
  loadedFiles.push(loaded);
  return ok(loaded);
}
