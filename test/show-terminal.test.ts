// How `show` picks its width and colour (checker/report/show-terminal.ts): flags first, then
// $COLUMNS / FORCE_COLOR / NO_COLOR / TERM, then the terminal; and the same end to end.

import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { showTerminal } from "../checker/report/show-terminal";
import { cli } from "./cli";
import { MIGRATION_TRACE, matrixTraces } from "./traces";

const base = { env: {}, isTTY: false } as const;

describe("show's terminal conventions", () => {
  it("width: --width, else $COLUMNS, else the terminal's, else 100", () => {
    expect(showTerminal({ ...base, width: "90", env: { COLUMNS: "70" }, columns: 60 })).toEqual({
      ok: true,
      width: 90,
      color: false,
    });
    expect(showTerminal({ ...base, env: { COLUMNS: "70" }, columns: 60 })).toMatchObject({
      width: 70,
    });
    expect(showTerminal({ ...base, columns: 60 })).toMatchObject({ width: 60 });
    expect(showTerminal(base)).toMatchObject({ width: 100 });
    expect(showTerminal({ ...base, env: { COLUMNS: "12" } })).toMatchObject({ width: 40 });
    expect(showTerminal({ ...base, env: { COLUMNS: "wide" }, columns: 61 })).toMatchObject({
      width: 61,
    });
    expect(showTerminal({ ...base, width: "7" })).toEqual({
      ok: false,
      message: '--width expects a whole number from 40 to 1000, got "7"',
    });
  });

  it("colour: the flag, else FORCE_COLOR, else NO_COLOR, else TERM=dumb, else a TTY", () => {
    const c = (x: Partial<Parameters<typeof showTerminal>[0]>) => {
      const t = showTerminal({ ...base, ...x });
      return t.ok && t.color;
    };
    expect(c({ isTTY: true })).toBe(true);
    expect(c({ isTTY: false })).toBe(false);
    expect(c({ isTTY: true, env: { NO_COLOR: "1" } })).toBe(false);
    expect(c({ isTTY: true, env: { NO_COLOR: "" } })).toBe(true);
    expect(c({ isTTY: true, env: { TERM: "dumb" } })).toBe(false);
    expect(c({ env: { FORCE_COLOR: "1" } })).toBe(true);
    expect(c({ env: { FORCE_COLOR: "1", NO_COLOR: "1" } })).toBe(true);
    expect(c({ isTTY: true, env: { FORCE_COLOR: "0" } })).toBe(false);
    expect(c({ color: false, env: { FORCE_COLOR: "1" } })).toBe(false);
    expect(c({ color: true, env: { NO_COLOR: "1" } })).toBe(true);
  });

  it("end to end: COLUMNS lays out the trace, FORCE_COLOR colours a pipe, NO_COLOR does not", () => {
    const file = join(matrixTraces().dir, MIGRATION_TRACE);
    vi.stubEnv("COLUMNS", "64");
    vi.stubEnv("FORCE_COLOR", "1");
    try {
      const r = cli(["show", file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("\x1b[");
      const plain = cli(["show", file, "--no-color"]);
      const widest = Math.max(...plain.stdout.split("\n").map((l) => l.length));
      expect(widest).toBeLessThanOrEqual(64);
      expect(widest).toBeGreaterThan(56);
      vi.stubEnv("FORCE_COLOR", undefined);
      vi.stubEnv("NO_COLOR", "1");
      expect(cli(["show", file, "--width", "80"]).stdout).not.toContain("\x1b[");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("show FILE.txt says to use the .itf.json beside it", () => {
    const txt = join(matrixTraces().dir, MIGRATION_TRACE).replace(/\.itf\.json$/, ".txt");
    const r = cli(["show", txt]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("this is the text form of a counterexample");
    expect(r.stderr).toContain(`use ${txt.replace(/\.txt$/, ".itf.json")} beside it`);
  });
});
