// The file system edge: reading spec files, listing the bundled ones, and writing
// counterexamples atomically (a temporary file, then rename).

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fail, type Result } from "../errors";
import { parseSpec } from "../spec/parse";
import type { Spec } from "../spec/types";

export const PACKAGE_ROOT = resolve(__dirname, "..", "..");
export const SPECS_DIR = join(PACKAGE_ROOT, "specs");
export const DEFAULT_SPEC = "lazy-mmu-v6.15";

export function readText(path: string): Result<string> {
  try {
    return { ok: true, value: readFileSync(path, "utf8") };
  } catch {
    return fail({ code: "file-not-found", file: path, message: "cannot read this file" });
  }
}

/** The bundled specs, by id. */
export function bundledSpecs(): Result<Spec>[] {
  return readdirSync(SPECS_DIR)
    .filter((f) => f.endsWith(".json") && f !== "spec.schema.json")
    .sort()
    .map((f) => loadSpecFile(join(SPECS_DIR, f)));
}

function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel.startsWith("..") ? p : rel;
}

export function loadSpecFile(path: string): Result<Spec> {
  const text = readText(path);
  if (!text.ok) return fail({ ...text.error, file: displayPath(path) });
  return parseSpec(text.value, displayPath(path));
}

/** `--spec` takes a bundled spec id (lazy-mmu-v6.15) or a path to a spec file. */
export function resolveSpec(arg: string | undefined): Result<Spec> {
  const name = arg ?? DEFAULT_SPEC;
  if (/^[a-z0-9][a-z0-9.-]*$/.test(name) && !name.endsWith(".json")) {
    const bundled = join(SPECS_DIR, `${name}.json`);
    return loadSpecFile(bundled);
  }
  return loadSpecFile(name);
}

export function writeAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/**
 * The spec a trace was checked against: `--spec` when given, else the file the trace names
 * (relative to the working directory, then to the package), else the bundled spec of that id.
 */
export function resolveTraceSpec(
  meta: { readonly spec: string; readonly specPath: string },
  override: string | undefined,
  traceFile: string,
): Result<Spec> {
  if (override !== undefined) return resolveSpec(override);
  const candidates = [
    resolve(meta.specPath),
    resolve(PACKAGE_ROOT, meta.specPath),
    join(SPECS_DIR, `${meta.spec}.json`),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) {
    return fail({
      code: "file-not-found",
      file: traceFile,
      where: "/#meta/specPath",
      message: `the spec this trace was checked against (${meta.specPath}, id ${meta.spec}) cannot be found; name it with --spec`,
    });
  }
  const spec = loadSpecFile(found);
  if (spec.ok && spec.value.id !== meta.spec) {
    return fail({
      code: "bad-trace",
      file: traceFile,
      where: "/#meta/spec",
      message: `the trace names spec "${meta.spec}" but ${displayPath(found)} holds spec "${spec.value.id}"; name the right one with --spec`,
    });
  }
  return spec;
}
