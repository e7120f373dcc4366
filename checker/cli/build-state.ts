// Whether dist/ is older than the sources it is compiled from, in a source checkout: one
// answer for bin/lazymmu (which warns), `npm start` and `npm run lazymmu` (which rebuild
// only then, scripts/build.js) and the test run's global setup. `npm run build` marks each
// build by writing BUILT_STAMP; a source or build input newer than it is stale.
// Plain Node (no TypeScript at run time): bin/lazymmu loads the compiled copy of this file.

import { type Dirent, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Written by scripts/build.js after each successful tsc run. */
export const BUILT_STAMP = join("dist", ".built");

const SOURCE_DIRS = ["model", "checker", "scripts"] as const;
/** Files compiled in or steering the compiler (the bundled specs themselves are read at run time). */
const BUILD_INPUTS = [
  "tsconfig.json",
  "tsconfig.build.json",
  "package.json",
  join("specs", "spec.schema.json"),
] as const;

function isSource(name: string): boolean {
  return name.endsWith(".ts") || name.endsWith(".json");
}

function newerIn(dir: string, built: number): string | undefined {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const found = newerIn(p, built);
      if (found !== undefined) return found;
    } else if (isSource(e.name) && statSync(p).mtimeMs > built) return p;
  }
  return undefined;
}

/**
 * The first source (relative to `root`) newer than the last build, `dist/` when there is
 * no build, or undefined when the build is current.
 */
export function staleSource(root: string): string | undefined {
  let built: number;
  try {
    built = statSync(join(root, BUILT_STAMP)).mtimeMs;
  } catch {
    return "dist/";
  }
  for (const f of BUILD_INPUTS) {
    try {
      if (statSync(join(root, f)).mtimeMs > built) return f;
    } catch {
      // an absent file is not newer
    }
  }
  for (const d of SOURCE_DIRS) {
    const found = newerIn(join(root, d), built);
    if (found !== undefined) return relative(root, found);
  }
  return undefined;
}
