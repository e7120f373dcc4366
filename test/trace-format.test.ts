// The trace format's versions: a lazymmu-trace/2 trace carries each step's action and events
// as data (the context as {kind, id, cpu}) and the addresses its violation concerns; a trace
// written before that (lazymmu-trace/1, kept in test/fixtures/trace-v1/, written by the
// checker at commit 727683e) is still read and replayed against today's model; `show` and `html` refuse it saying which
// version it is; a version lazymmu does not know is refused by all three.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { eventMeta, traceDocument } from "../checker/trace/document";
import { readTrace } from "../checker/trace/read";
import { cli, tempDir } from "./cli";
import { ROOT, run } from "./helpers";

const V1 = join(ROOT, "test", "fixtures", "trace-v1");
const V1_MIGRATION = join(V1, "sparc64-v6.14-migration.itf.json");
const V1_BUG = join(V1, "sparc64-v6.14-no-kernel-bug.itf.json");

type Json = Record<string, unknown> & { states: Record<string, unknown>[] };

let work = "";
let current = "";
const cell = run("sparc64@v6.5", "apply-to-pte-range-init-mm", "full");
const migration = cell.violations.find((v) => v.rule === "immediate-outside");

beforeAll(() => {
  work = tempDir("trace-format");
  if (!migration) throw new Error("the migration cell no longer fails immediate-outside");
  current = join(work, "current.itf.json");
  writeFileSync(current, JSON.stringify(traceDocument(cell, migration)));
});

const load = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Json;
const write = (name: string, x: unknown) => {
  const p = join(work, name);
  writeFileSync(p, JSON.stringify(x));
  return p;
};
const stepMeta = (t: Json, i: number) => t.states[i]?.["#meta"] as Record<string, unknown>;

describe("lazymmu-trace/2", () => {
  it("records the step's context as {kind, id, cpu} and its events as data", () => {
    const t = load(current);
    expect((t["#meta"] as Record<string, unknown>).trace).toBe("lazymmu-trace/2");
    const step = stepMeta(t, 1);
    expect(step.context).toEqual({ kind: "task", id: "A", cpu: 0 });
    const events = t.states.flatMap(
      (s) => (s["#meta"] as { events: Record<string, unknown>[] }).events,
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: "call",
        fn: "set_pte_at",
        context: { kind: "task", id: "B", cpu: 0 },
        args: expect.objectContaining({ addr: "user:0", value: 2 }),
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ kind: "bug", check: "smp_processor_id-preemptible", fatal: false }),
    );
  });

  it("records the addresses the violation concerns, as the monitor reported them", () => {
    const t = load(current);
    expect((t["#meta"] as Record<string, unknown>).addrs).toEqual(["user:0"]);
  });

  it("reads back to the events the model's transitions produced", () => {
    const r = readTrace(readFileSync(current, "utf8"), current);
    if (!r.ok || r.value.version !== 2) throw new Error("not read as lazymmu-trace/2");
    r.value.steps.forEach((s, i) => {
      expect(s.meta.events).toEqual(migration?.steps[i]?.events.map(eventMeta));
    });
  });

  it("replays, and an edited event diverges at its step", () => {
    expect(cli(["replay", current]).code).toBe(0);
    const t = load(current);
    const i = t.states.findIndex((s) => (s["#meta"] as { events: unknown[] }).events.length > 0);
    const events = stepMeta(t, i).events as Record<string, unknown>[];
    const first = events[0];
    if (first) first.context = { kind: "irq", id: "kfence@cpu0", cpu: 0 };
    const r = cli(["replay", write("event.itf.json", t)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`diverges from the model at step ${i}`);
    expect(r.stdout).toContain("#meta.events: trace has");
  });

  it("refuses an event of a kind it does not know, naming where", () => {
    const t = load(current);
    const i = t.states.findIndex((s) => (s["#meta"] as { events: unknown[] }).events.length > 0);
    (stepMeta(t, i).events as Record<string, unknown>[])[0] = {
      kind: "teleport",
      context: { kind: "task", id: "A", cpu: 0 },
    };
    const r = cli(["replay", write("kind.itf.json", t)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`at /states/${i}/#meta/events/0/kind: expected one of call, return`);
  });
});

describe("a lazymmu-trace/2 trace written before the shared variables existed", () => {
  it("reads them as none and replays", () => {
    const t = load(current);
    t.vars = (t.vars as string[]).filter((v) => v !== "shared");
    for (const st of t.states) delete st.shared;
    const r = cli(["replay", write("no-shared.itf.json", t)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("lazymmu-trace/1, written before the steps carried data", () => {
  // Both were written against sparc64@v6.14 before its set_pte_at() went through the era's
  // set_ptes() (which enters and leaves lazy mode itself): replay reads them and checks them
  // against today's model, which is how a user learns that the model was corrected.
  it("is read and checked against today's model: the corrected set_pte_at() nesting shows", () => {
    const r = cli(["replay", V1_MIGRATION]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("diverges from the model at step 8");
    expect(r.stdout).toContain(
      '#meta.fn: trace has "__set_pte_at", model has "arch_enter_lazy_mmu_mode"',
    );
    const bug = cli(["replay", V1_BUG]);
    expect(bug.stderr).toBe("");
    expect(bug.code).toBe(1);
    expect(bug.stdout).toContain("every step matches the model");
    expect(bug.stdout).toContain("fired in arch_enter_lazy_mmu_mode, arch/sparc/mm/tlb.c");
  });

  it("still has its action fields checked: an edited label diverges", () => {
    const t = load(V1_MIGRATION);
    stepMeta(t, 7).label = "spin_lock(ptl:kernel)";
    const r = cli(["replay", write("v1-label.itf.json", t)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("at step 7");
    expect(r.stdout).toContain('#meta.label: trace has "spin_lock(ptl:kernel)"');
  });

  it("is refused by show and html with a message saying which version it is", () => {
    for (const args of [["show"], ["html", "-o", join(work, "v1.html")]]) {
      const [name, ...rest] = args;
      const r = cli([name ?? "show", V1_MIGRATION, ...rest]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('"lazymmu-trace/1" is the trace format of an earlier lazymmu');
      expect(r.stderr).toContain("`lazymmu replay` still reads it");
    }
  });
});

describe("a trace format lazymmu does not know", () => {
  it("is refused by replay, show and html, naming the version found", () => {
    const t = load(current);
    (t["#meta"] as Record<string, unknown>).trace = "lazymmu-trace/9";
    const f = write("v9.itf.json", t);
    for (const cmd of ["replay", "show", "html"]) {
      const r = cli([cmd, f]);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr, cmd).toContain('at /#meta/trace: expected "lazymmu-trace/2"');
      expect(r.stderr, cmd).toContain('got "lazymmu-trace/9"');
    }
  });
});
