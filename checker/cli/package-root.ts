// Where the package is installed, from the sources (checker/cli) or from the compiled
// JavaScript (dist/checker/cli) alike, and its version for --version.

import { readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

function packageRoot(): string {
  const up = resolve(__dirname, "..", "..");
  return basename(up) === "dist" ? dirname(up) : up;
}

export const PACKAGE_ROOT = packageRoot();

export function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8"));
  const v = typeof pkg === "object" && pkg !== null ? Reflect.get(pkg, "version") : undefined;
  return typeof v === "string" ? v : "unknown";
}
