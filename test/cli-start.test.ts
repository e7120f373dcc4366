// The compiled command line starts fast: bin/lazymmu runs dist/ (no TypeScript compiler at
// run time, unless a command compiles a model file given with --load), and `--help` and
// `--version` load no model, spec or checker code; a bare `lazymmu` prints the usage and
// exits 2, as every CLI does; a checkout whose sources are newer than its build says so.

import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { lazymmuProcess } from "./cli";
import { ROOT } from "./helpers";

const MAIN = join(ROOT, "dist", "checker", "cli", "main.js");

it("--help lists every command, exit 0, and loads neither the models nor ts-node", () => {
  const probe = `
    const m = require(${JSON.stringify(MAIN)});
    m.execute(["--help"]).then((o) => {
      const loaded = Object.keys(require.cache);
      console.log(JSON.stringify({
        exit: o.exit,
        help: o.stdout,
        heavy: loaded.filter((f) => /[\\\\/](model|ajv|immer|ts-node|typescript)[\\\\/]/.test(f)),
      }));
    });`;
  const r = spawnSync("node", ["-e", probe], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  const out = JSON.parse(r.stdout);
  expect(out.exit).toBe(0);
  expect(out.heavy).toEqual([]);
  for (const c of ["list", "verify", "matrix", "merge", "compare", "show", "replay", "html"])
    expect(out.help).toMatch(new RegExp(`^ {2}${c} `, "m"));
});

it("a command loads the TypeScript compiler only to compile a model file (--load)", () => {
  // Every command imports the model-file loader; the compiler is 0.3 s of CPU to load.
  const probe = (args: readonly string[]) => `
    const m = require(${JSON.stringify(MAIN)});
    m.execute(${JSON.stringify(args)}, m.IN_PROCESS).then((o) => {
      const loaded = Object.keys(require.cache);
      console.log(JSON.stringify({
        exit: o.exit,
        typescript: loaded.some((f) => /[\\/]node_modules[\\/]typescript[\\/]/.test(f)),
      }));
    });`;
  const run = (args: readonly string[]) => {
    const r = spawnSync("node", ["-e", probe(args)], { encoding: "utf8" });
    return JSON.parse(r.stdout) as { exit: number; typescript: boolean };
  };
  expect(run(["list"])).toEqual({ exit: 0, typescript: false });
  const example = join(ROOT, "examples", "vmap-pages-error-path.ts");
  expect(run(["list", "--load", example])).toEqual({ exit: 0, typescript: true });
});

it("--version prints the package's version", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const r = lazymmuProcess(["--version"]);
  expect(r.code).toBe(0);
  expect(r.stdout.trim()).toBe(pkg.version);
});

it("no arguments: the usage on stderr, exit 2", () => {
  const r = lazymmuProcess([]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^lazymmu: error \[bad-usage\]: no command given\n\nUsage: lazymmu /);
});

it("warns, once, when a source file is newer than the build in dist/ (a checkout not rebuilt)", () => {
  // A copy of the checkout's layout whose dist/ is this build and whose model/ has a file
  // written after it: the repository's own files are not touched.
  const root = mkdtempSync(join(tmpdir(), "lazymmu-stale-"));
  mkdirSync(join(root, "bin"));
  copyFileSync(join(ROOT, "bin", "lazymmu"), join(root, "bin", "lazymmu"));
  copyFileSync(join(ROOT, "tsconfig.build.json"), join(root, "tsconfig.build.json"));
  symlinkSync(join(ROOT, "dist"), join(root, "dist"));
  mkdirSync(join(root, "checker"));
  mkdirSync(join(root, "model", "arch"), { recursive: true });
  const edited = join(root, "model", "arch", "mine.ts");
  writeFileSync(edited, "export {};\n");
  const built = statSync(join(ROOT, "dist", ".built")).mtime;
  const run = () =>
    spawnSync(process.execPath, [join(root, "bin", "lazymmu"), "--version"], { encoding: "utf8" });
  const before = new Date(built.getTime() - 60_000);
  utimesSync(join(root, "tsconfig.build.json"), before, before);
  utimesSync(edited, built, new Date(built.getTime() + 60_000));
  const stale = run();
  expect(stale.status).toBe(0);
  expect(stale.stderr).toBe(
    "lazymmu: warning: model/arch/mine.ts is newer than the build in dist/: run `npm run build` (or `npm run lazymmu -- ...`, which builds first)\n",
  );
  utimesSync(edited, before, before);
  expect(run().stderr).toBe("");
});
