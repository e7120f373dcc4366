// `lazymmu html` without a browser: the page is self-contained (no external script, style,
// font or image), and nothing a trace carries can break out of the page as HTML or script.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, tempDir } from "./cli";
import { MIGRATION_TRACE, matrixTraces } from "./traces";

let dir = "";
let work = "";

beforeAll(() => {
  ({ dir } = matrixTraces());
  work = tempDir("html");
});

describe("html", () => {
  it("writes one self-contained page", () => {
    const out = join(work, "page.html");
    const r = cli(["html", join(dir, MIGRATION_TRACE), "-o", out]);
    expect(r.code).toBe(0);
    const page = readFileSync(out, "utf8");
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<script[^>]+src=/i);
    expect(page).not.toMatch(/<link /i);
    expect(page).not.toMatch(/@import|url\(/i);
    expect(page).toContain("Content-Security-Policy");
    expect(page).toContain('id="step-9"');
  });

  it("writes to standard output without -o", () => {
    const r = cli(["html", join(dir, MIGRATION_TRACE)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<!doctype html>/);
  });

  it("escapes what the trace says, in the HTML and in the embedded data", () => {
    const t = JSON.parse(readFileSync(join(dir, MIGRATION_TRACE), "utf8"));
    t["#meta"].violation = "</script><script>alert(1)</script>";
    t["#meta"].text = "<img src=x onerror=alert(1)>";
    const file = join(work, "evil.itf.json");
    writeFileSync(file, JSON.stringify(t));
    const r = cli(["html", file]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("<script>alert(1)");
    expect(r.stdout).not.toContain("<img src=x");
    expect(r.stdout).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(r.stdout).toContain("\\u003c/script>\\u003cscript>alert(1)");
  });
});
