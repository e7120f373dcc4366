// The file system edge: reading spec and trace files (regular files only, bounded in size,
// every failure a user error naming the file), resolving a spec's `extends`, checking an
// output directory before any work, listing the bundled specs, and writing
// counterexamples atomically (a temporary file, then rename).

import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fail, ok, type Result, type UserError } from "../errors";
import { parseSpec } from "../spec/parse";
import type { Spec } from "../spec/types";
import { PACKAGE_ROOT } from "./package-root";

export { PACKAGE_ROOT };
export const SPECS_DIR = join(PACKAGE_ROOT, "specs");
export const DEFAULT_SPEC = "lazy-mmu-v6.15";

/** Larger spec or trace files are refused: the largest trace lazymmu writes is far smaller. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** How many specs an `extends` chain may hold. */
const MAX_EXTENDS = 16;

export function readText(path: string): Result<string> {
  const refuse = (message: string): Result<string> =>
    fail({ code: "file-not-found", ...(path === "" ? {} : { file: path }), message });
  if (path === "") return refuse("an empty path names no file");
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return refuse("this is a directory, not a file");
    // A device, pipe or socket may never end (/dev/zero) or block (a FIFO): never opened.
    if (!st.isFile()) return refuse("this is not a regular file (a device, pipe or socket?)");
    size = st.size;
  } catch (err) {
    return refuse(fsReason(err, path));
  }
  if (size > MAX_INPUT_BYTES)
    return refuse(`this file is ${size} bytes; lazymmu reads files of at most ${MAX_INPUT_BYTES}`);
  try {
    const text = readFileSync(path, "utf8");
    if (text.length > MAX_INPUT_BYTES)
      return refuse(`this file holds more than ${MAX_INPUT_BYTES} characters`);
    return ok(text);
  } catch (err) {
    return refuse(fsReason(err, path));
  }
}

/** Why a file system call failed, in words (never the raw message, which repeats the path). */
function fsReason(err: unknown, path: string): string {
  const code = err instanceof Error && "code" in err ? String(err.code) : "";
  switch (code) {
    case "ENOENT":
      return isDanglingLink(path)
        ? "this is a symbolic link to a file that does not exist"
        : "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTDIR":
      return "a part of this path is a file, not a directory";
    case "EISDIR":
      return "this is a directory, not a file";
    case "ELOOP":
      return "too many symbolic links (a loop?)";
    case "ENAMETOOLONG":
      return "the path is too long";
    default:
      return `cannot read this file (${code || "unknown reason"})`;
  }
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
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
  const spec = loadChain(path, []);
  if (!spec.ok) return spec;
  const abs = resolve(path);
  const inPackage = relative(PACKAGE_ROOT, abs);
  const recorded = inPackage.startsWith("..") || isAbsolute(inPackage) ? abs : inPackage;
  return ok({ ...spec.value, path: recorded });
}

function loadChain(path: string, chain: readonly string[]): Result<Spec> {
  const shown = path === "" ? path : displayPath(path);
  const text = readText(path);
  if (!text.ok) return fail({ ...text.error, ...(shown === "" ? {} : { file: shown }) });
  return specFromText(text.value, shown, resolve(path), chain);
}

/**
 * A spec from its text, shown to the user as `shown`; an `extends` is looked up as a
 * bundled id or relative to `here` (the file's absolute path).
 */
export function specFromText(
  text: string,
  shown: string,
  here: string,
  chain: readonly string[] = [],
): Result<Spec> {
  return parseSpec(text, shown, (ref) => {
    const parent = isSpecId(ref) ? join(SPECS_DIR, `${ref}.json`) : resolve(dirname(here), ref);
    const seen = [...chain, here];
    const bad = (message: string): Result<Spec> =>
      fail({ code: "bad-spec", file: shown, where: "/extends", message });
    if (seen.includes(parent))
      return bad(`"${ref}" extends this spec again: a spec cannot extend itself, even indirectly`);
    if (seen.length >= MAX_EXTENDS)
      return bad(`more than ${MAX_EXTENDS} specs in one extends chain`);
    if (isSpecId(ref) && !existsSync(parent))
      return bad(`no bundled spec "${ref}" (see \`lazymmu list\`), and not a path to a .json file`);
    return loadChain(parent, seen);
  });
}

/** A bundled spec id (lazy-mmu-v6.15) rather than a path. */
function isSpecId(name: string): boolean {
  return /^[a-z0-9][a-z0-9.-]*$/.test(name) && !name.endsWith(".json");
}

/** `--spec` takes a bundled spec id (lazy-mmu-v6.15) or a path to a spec file. */
export function resolveSpec(arg: string | undefined): Result<Spec> {
  const name = arg ?? DEFAULT_SPEC;
  if (isSpecId(name)) {
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

/**
 * Checks, before any work, that `dir` is or can be made a directory that can be written:
 * missing levels are created and a probe file written, then both are removed again, so
 * that a run never ends in a crash after minutes of exploration.
 */
export function checkOutDir(dir: string, flag: string): UserError | undefined {
  const refuse = (message: string): UserError => ({
    code: "bad-usage",
    ...(dir === "" ? {} : { file: dir }),
    message: `${flag} ${message}`,
  });
  if (dir === "") return refuse("needs a directory; an empty path names none");
  const made: string[] = [];
  try {
    for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
      if (isDanglingLink(d)) return refuse("is a symbolic link to a directory that does not exist");
      made.push(d);
      if (made.length > 64) return refuse("is too deep below an existing directory");
    }
    const top = made.length === 0 ? resolve(dir) : dirname(made[made.length - 1] ?? dir);
    if (!statSync(top).isDirectory())
      return refuse(
        top === resolve(dir) ? "is a file, not a directory" : `is under ${top}, which is a file`,
      );
    accessSync(top, constants.W_OK | constants.X_OK);
    for (const d of [...made].reverse()) mkdirSync(d);
    const probe = join(resolve(dir), `.lazymmu-probe-${process.pid}`);
    writeFileSync(probe, "");
    rmSync(probe);
    return undefined;
  } catch (err) {
    return refuse(
      `cannot be written (${fsReason(err, dir).replace("no such file", "no such directory")})`,
    );
  } finally {
    for (const d of made) {
      try {
        rmdirSync(d);
      } catch {
        // Not ours to remove after all (another process filled it): leave it.
      }
    }
  }
}

/** `path` can be written as a file: not a directory, in a directory that can be written. */
export function checkOutFile(path: string, flag: string): UserError | undefined {
  if (path === "")
    return { code: "bad-usage", message: `${flag} needs a file; an empty path names none` };
  try {
    if (statSync(path).isDirectory())
      return {
        code: "bad-usage",
        file: path,
        message: `${flag} is a directory; name a file to write`,
      };
  } catch {
    // Absent (or a dangling link, which the rename replaces): its directory decides.
  }
  return checkOutDir(dirname(resolve(path)), flag);
}

/** Writes a temporary file, then renames it: a reader never sees half a file, and a failed write leaves none. */
export function writeAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** A file a run writes (a trace, its text form): where, and what. */
export interface TraceFile {
  readonly path: string;
  readonly content: string;
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
