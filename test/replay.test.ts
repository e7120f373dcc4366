// `lazymmu replay`: every trace the verdict matrix writes reproduces (exit 0); a tampered
// trace does not, and says at which step and what differs (exit 1); malformed input exits
// 2 with the message pinned in test/golden/trace-errors.txt (file paths normalised).

import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, tempDir } from "./cli";
import { ROOT } from "./helpers";
import { MIGRATION_TRACE, matrixTraces } from "./traces";

let dir = "";
let files: string[] = [];
let work = "";

beforeAll(() => {
  ({ dir, files } = matrixTraces());
  work = tempDir("replay");
});

type Json = Record<string, unknown> & { states: Record<string, unknown>[] };

function load(): Json {
  return JSON.parse(readFileSync(join(dir, MIGRATION_TRACE), "utf8")) as Json;
}

function write(name: string, content: unknown): string {
  const p = join(work, name);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}

/** A path into the parsed trace, for tampering. */
function at(x: unknown, ...path: (string | number)[]): Record<string, unknown> {
  let v = x;
  for (const k of path) v = (v as Record<string | number, unknown>)[k];
  return v as Record<string, unknown>;
}

describe("replay of every trace the matrix writes", () => {
  it("the matrix writes traces", () => {
    expect(files.length).toBeGreaterThan(0);
  });
  it("each one reproduces: exit 0", () => {
    for (const f of files) {
      const r = cli(["replay", f]);
      expect(r.stderr, f).toBe("");
      expect(r.stdout, f).toMatch(/^reproduced: /);
      expect(r.code, f).toBe(0);
    }
  });
});

describe("replay of a tampered trace: exit 1 at the right step", () => {
  it("an edited state diverges at that step, naming the fact", () => {
    const t = load();
    at(t, "states", 5, "tasks", 1).preemptCount = { "#bigint": "3" };
    const r = cli(["replay", write("state.itf.json", t)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("diverges from the model at step 5");
    expect(r.stdout).toContain("B preempt_count: trace has 3, model has 0");
  });
  it("an edit the kernel facts do not show is named by its field", () => {
    const t = load();
    at(t, "states", 3, "tasks", 0, "ghost").regions = [["user:9"]];
    const r = cli(["replay", write("ghost.itf.json", t)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("at step 3");
    expect(r.stdout).toContain('tasks/0 (A)/ghost/regions/0/0: trace has "user:9"');
  });
  it("an edited action diverges at that step", () => {
    const t = load();
    at(t, "states", 7, "#meta").label = "spin_lock(ptl:kernel)";
    const r = cli(["replay", write("label.itf.json", t)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("at step 7");
    expect(r.stdout).toContain(
      '#meta.label: trace has "spin_lock(ptl:kernel)", model has "spin_lock(ptl:user)"',
    );
  });
  it("a choice the model does not enable diverges at that step", () => {
    const t = load();
    (at(t, "#meta").choices as number[])[2] = 40;
    const r = cli(["replay", write("choice.itf.json", t)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("at step 3");
    expect(r.stdout).toContain("choice 40, but the model enables only");
  });
  it("a trace cut before the violation does not reproduce it", () => {
    const t = load();
    t.states.pop();
    (at(t, "#meta").choices as number[]).pop();
    const r = cli(["replay", write("cut.itf.json", t)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("every step matches the model");
    expect(r.stdout).toContain("at step 8 the last step does not violate immediate-outside");
  });
  it("a violation message that is not the model's does not reproduce", () => {
    const t = load();
    at(t, "#meta").violation = "something else";
    const r = cli(["replay", write("message.itf.json", t)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("immediate-outside is violated, but not as recorded");
  });
});

/** Malformed inputs: each must exit 2 with a message naming file, pointer and expectation. */
const MALFORMED: readonly { name: string; make: () => unknown }[] = [
  { name: "not JSON", make: () => '{"#meta": {' },
  { name: "a JSON array", make: () => [] },
  { name: "no #meta", make: () => ({ vars: [], states: [] }) },
  {
    name: "another tool's ITF trace",
    make: () => ({ "#meta": { format: "ITF" }, vars: ["x"], states: [{ x: true }] }),
  },
  {
    name: "an unknown architecture model",
    make: () => {
      const t = load();
      at(t, "#meta").arch = "vax@v1.0";
      return t;
    },
  },
  {
    name: "an unknown scenario",
    make: () => {
      const t = load();
      at(t, "#meta").scenario = "no-such-scenario";
      return t;
    },
  },
  {
    name: "an unknown preemption model",
    make: () => {
      const t = load();
      at(t, "#meta").preemption = "voluntary";
      return t;
    },
  },
  {
    name: "a spec that cannot be found",
    make: () => {
      const t = load();
      at(t, "#meta").spec = "no-such-spec";
      at(t, "#meta").specPath = "specs/no-such-spec.json";
      return t;
    },
  },
  {
    name: "fewer states than choices",
    make: () => {
      const t = load();
      t.states.pop();
      return t;
    },
  },
  {
    name: "a choice that is not a whole number",
    make: () => {
      const t = load();
      (at(t, "#meta").choices as unknown[])[1] = "one";
      return t;
    },
  },
  {
    name: "a missing variable",
    make: () => {
      const t = load();
      delete at(t, "states", 2).hw;
      return t;
    },
  },
  {
    name: "a string where an integer is expected",
    make: () => {
      const t = load();
      at(t, "states", 4, "tasks", 1).preemptCount = "1";
      return t;
    },
  },
  {
    name: "a set where a list is expected",
    make: () => {
      const t = load();
      at(t, "states", 4, "cpus", 0).batch = { "#set": [] };
      return t;
    },
  },
  {
    name: "a malformed #bigint",
    make: () => {
      const t = load();
      at(t, "states", 1, "cpus", 1).id = { "#bigint": "1.5" };
      return t;
    },
  },
  {
    name: "a #map entry that is not a pair",
    make: () => {
      const t = load();
      at(t, "states", 6, "pte")["#map"] = [["user:0"]];
      return t;
    },
  },
  {
    name: "a set with a repeated element",
    make: () => {
      const t = load();
      at(t, "states", 9, "hw").stale = { "#set": ["user:0", "user:0"] };
      return t;
    },
  },
  {
    name: "a step #meta out of order",
    make: () => {
      const t = load();
      at(t, "states", 2, "#meta").index = 7;
      return t;
    },
  },
  {
    name: "a task status the model does not have",
    make: () => {
      const t = load();
      at(t, "states", 3, "tasks", 0).status = "zombie";
      return t;
    },
  },
];

describe("malformed input: exit 2 with a pinned message", () => {
  it("matches test/golden/trace-errors.txt", () => {
    const lines: string[] = [];
    for (const m of MALFORMED) {
      const file = write("bad.itf.json", m.make());
      const r = cli(["replay", file]);
      expect(r.code, m.name).toBe(2);
      expect(r.stdout, m.name).toBe("");
      lines.push(`${m.name}:`, `  ${r.stderr.trim().replaceAll(file, "<trace>")}`);
    }
    const missing = cli(["replay", join(work, "missing.itf.json")]);
    expect(missing.code).toBe(2);
    lines.push(
      "a file that does not exist:",
      `  ${missing.stderr.trim().replaceAll(join(work, "missing.itf.json"), "<trace>")}`,
    );
    const text = `${lines.join("\n")}\n`;
    const golden = join(ROOT, "test", "golden", "trace-errors.txt");
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, "utf8"));
  });
  it("finds the bundled spec by id when its path moved, and takes --spec", () => {
    const t = load();
    at(t, "#meta").specPath = "specs/moved-away.json";
    const file = write("moved.itf.json", t);
    expect(cli(["replay", file]).code).toBe(0);
    const r = cli(["replay", file, "--spec", "lazy-mmu-v6.15"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^reproduced: /);
  });
  it("show and html refuse the same input with exit 2", () => {
    const file = write("bad.itf.json", []);
    for (const cmd of [["show"], ["html", "-o", join(work, "x.html")]]) {
      const [name, ...rest] = cmd;
      const r = cli([name ?? "show", file, ...rest]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("[bad-trace]");
    }
  });
});

describe("the lazymmu binary", () => {
  it("exits 0, 1 and 2 as replay says", () => {
    const run = (file: string) =>
      spawnSync(process.execPath, [join(ROOT, "bin", "lazymmu"), "replay", file], {
        encoding: "utf8",
      }).status;
    const t = load();
    expect(run(join(dir, MIGRATION_TRACE))).toBe(0);
    at(t, "states", 5, "tasks", 1).preemptCount = { "#bigint": "3" };
    expect(run(write("bin-tampered.itf.json", t))).toBe(1);
    expect(run(write("bin-bad.itf.json", "[]"))).toBe(2);
  });
});
