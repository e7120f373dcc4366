// The file system edge: reading spec files, listing the bundled ones, and writing
// counterexamples atomically (a temporary file, then rename).

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fail, ok, type Result } from "../errors";
import { parseSpec } from "../spec/parse";
import type { Spec } from "../spec/types";
import type { TraceFile } from "./job";
import { PACKAGE_ROOT } from "./package-root";

export { PACKAGE_ROOT };
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
  return bundledIds().map((id) => loadSpecFile(join(SPECS_DIR, `${id}.json`)));
}

function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel.startsWith("..") ? p : rel;
}

/**
 * A spec file, its errors naming the path as the user wrote it. The spec's `path` (which
 * traces record) is relative to the package for a bundled spec and absolute otherwise, so
 * that a trace made with `--spec ../my.json` replays from any directory.
 */
export function loadSpecFile(path: string): Result<Spec> {
  const text = readText(path);
  if (!text.ok) return fail({ ...text.error, file: displayPath(path) });
  const spec = parseSpec(text.value, displayPath(path));
  if (!spec.ok) return spec;
  const abs = resolve(path);
  const inPackage = relative(PACKAGE_ROOT, abs);
  const recorded = inPackage.startsWith("..") || isAbsolute(inPackage) ? abs : inPackage;
  return ok({ ...spec.value, path: recorded });
}

/** `--spec` takes a bundled spec id (lazy-mmu-v6.15) or a path to a spec file. */
export function resolveSpec(arg: string | undefined): Result<Spec> {
  const name = arg ?? DEFAULT_SPEC;
  if (/^[a-z0-9][a-z0-9.-]*$/.test(name) && !name.endsWith(".json")) {
    const bundled = join(SPECS_DIR, `${name}.json`);
    if (!existsSync(bundled) && !existsSync(name)) {
      const ids = bundledIds();
      return fail({
        code: "file-not-found",
        message: `no bundled spec "${name}" and no file of that name; bundled specs: ${ids.join(", ")}`,
      });
    }
    return loadSpecFile(existsSync(bundled) ? bundled : name);
  }
  return loadSpecFile(name);
}

/** The ids of the bundled specs, from their file names. */
export function bundledIds(): string[] {
  return readdirSync(SPECS_DIR)
    .filter((f) => f.endsWith(".json") && f !== "spec.schema.json")
    .sort()
    .map((f) => f.replace(/\.json$/, ""));
}

export function writeAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/**
 * Writes a finished cell's traces and removes the ones an earlier run of the same cell left
 * (files in `<out>/<dirs>` whose names start with `prefix`, e.g. `full-`): a rule that no
 * longer fails leaves no old trace beside the new ones.
 */
export function replaceCellTraces(
  out: string,
  dirs: readonly string[],
  prefix: string,
  files: readonly TraceFile[],
): void {
  const dir = join(out, ...dirs);
  const keep = new Set(files.map((f) => resolve(f.path)));
  if (existsSync(dir)) {
    for (const f of readdirSync(dir)) {
      const p = resolve(dir, f);
      const trace = f.endsWith(".itf.json") || f.endsWith(".txt");
      if (f.startsWith(prefix) && trace && !keep.has(p)) rmSync(p, { force: true });
    }
  }
  for (const f of files) writeAtomic(f.path, f.content);
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
