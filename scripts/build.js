#!/usr/bin/env node
// `npm run build`: compiles model/ and checker/ into dist/ (tsc -p tsconfig.build.json),
// writes the spec schema's validator (checker/spec/spec-validator.ts) and marks the build
// (dist/.built, checker/cli/build-state.ts). With --if-stale (npm start, npm run lazymmu,
// the test setup), compiles only when a source is newer than the mark, so that
// `npm ci && npm start` does not run tsc twice.
const { spawnSync } = require("node:child_process");
const { writeFileSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");

function stale() {
  try {
    return require(join(root, "dist", "checker", "cli", "build-state.js")).staleSource(root);
  } catch {
    return "dist/"; // no build yet (or one too old to have build-state.js)
  }
}

if (process.argv.includes("--if-stale") && stale() === undefined) process.exit(0);
const tsc = require.resolve("typescript/bin/tsc");
const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], {
  stdio: "inherit",
});
if (r.status !== 0) process.exit(r.status ?? 1);
// The spec schema's validator as ajv generates it (checker/spec/spec-validator.ts), so that
// a command loads it instead of compiling the schema.
const validator = require(join(root, "dist", "checker", "spec", "spec-validator.js"));
writeFileSync(
  join(root, "dist", "checker", "spec", validator.GENERATED_VALIDATOR),
  validator.generatedValidator(),
);
const { BUILT_STAMP } = require(join(root, "dist", "checker", "cli", "build-state.js"));
writeFileSync(join(root, BUILT_STAMP), "");
