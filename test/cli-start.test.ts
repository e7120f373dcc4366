// The compiled command line starts fast: bin/lazymmu runs dist/ (no TypeScript compiler at
// run time), and `--help` and `--version` load no model, spec or checker code; a bare
// `lazymmu` prints the usage and exits 2, as every CLI does.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
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
