// The explorer on a toy system, independent of the kernel model: a counter pair that can
// step either counter, with a rule and a final state chosen per test.

import { describe, expect, it } from "vitest";
import { explore, type Limits, type System } from "../checker/explore/bfs";

interface Toy {
  readonly a: number;
  readonly b: number;
}

interface Broken {
  readonly rule: string;
  readonly at: Toy;
}

/** Counters a and b each step by one up to `max`; `bad` says which states break the rule. */
function toy(
  max: number,
  opts: { bad?: (s: Toy) => boolean; stuck?: (s: Toy) => boolean; start?: Toy } = {},
): System<Toy, Broken> {
  const bad = opts.bad ?? (() => false);
  const stuck = opts.stuck ?? (() => false);
  return {
    initial: opts.start ?? { a: 0, b: 0 },
    successors: (s) => {
      if (stuck(s)) return [];
      const out: Toy[] = [];
      if (s.a < max) out.push({ a: s.a + 1, b: s.b });
      if (s.b < max) out.push({ a: s.a, b: s.b + 1 });
      return out.map((next) => ({ next, violations: [] }));
    },
    stateViolations: (s) => (bad(s) ? [{ rule: "bad", at: s }] : []),
    key: (s) => Uint8Array.of(s.a, s.b),
    decode: (k) => ({ a: k[0] ?? 0, b: k[1] ?? 0 }),
    done: (s) => s.a === max && s.b === max,
    ruleOf: (v) => v.rule,
  };
}

const forever: Limits = { maxStates: 1_000_000, timeoutMs: 1e9, now: () => 0 };

/** Replays choices on the system: the state they reach. */
function follow(sys: System<Toy, Broken>, path: readonly number[]): Toy {
  let s = sys.initial;
  for (const k of path) {
    const t = sys.successors(s)[k];
    if (!t) throw new Error(`choice ${k} is not enabled`);
    s = t.next;
  }
  return s;
}

describe("explore() on a toy system", () => {
  it("visits every state once and counts every transition", () => {
    const r = explore(toy(3), forever);
    expect(r.stats.states).toBe(16);
    // 2 * 3 * 4 edges: a-steps and b-steps
    expect(r.stats.transitions).toBe(24);
    expect(r.stats.depth).toBe(6);
    expect(r.stoppedBy).toBeNull();
    expect(r.findings).toEqual([]);
  });

  it("reports a shortest path to a violation, which replays to it", () => {
    const sys = toy(5, { bad: (s) => s.a === 2 && s.b === 3 });
    const r = explore(sys, forever);
    const f = r.findings[0];
    expect(f?.kind).toBe("rule");
    expect(f?.path.length).toBe(5);
    expect(follow(sys, f?.path ?? [])).toEqual({ a: 2, b: 3 });
  });

  it("checks the initial state: a violation there has an empty path", () => {
    const r = explore(toy(2, { bad: (s) => s.a === 0 && s.b === 0 }), forever);
    expect(r.findings).toEqual([
      { kind: "rule", violation: { rule: "bad", at: { a: 0, b: 0 } }, path: [] },
    ]);
  });

  it("reports a deadlock where a state that is not final has no successor", () => {
    const sys = toy(3, { stuck: (s) => s.a === 1 && s.b === 1 });
    const r = explore(sys, forever);
    const d = r.findings.find((f) => f.kind === "deadlock");
    expect(d?.path.length).toBe(2);
    expect(follow(sys, d?.path ?? [])).toEqual({ a: 1, b: 1 });
    expect(explore(toy(3), forever).findings.some((f) => f.kind === "deadlock")).toBe(false);
  });

  it("keeps a choice past 255 successors exact: the path replays", () => {
    // From the initial state, 400 successors (a = 1 .. 400); the rule breaks two steps past
    // successor 300, by b.
    const wide: System<Toy, Broken> = {
      ...toy(0),
      successors: (s) =>
        s.a === 0
          ? Array.from({ length: 400 }, (_, k) => ({ next: { a: k + 1, b: 0 }, violations: [] }))
          : s.b < 2
            ? [{ next: { a: s.a, b: s.b + 1 }, violations: [] }]
            : [],
      stateViolations: (s) => (s.a === 301 && s.b === 2 ? [{ rule: "bad", at: s }] : []),
      key: (s) => Uint8Array.of(s.a & 0xff, s.a >> 8, s.b),
      decode: (k) => ({ a: (k[0] ?? 0) | ((k[1] ?? 0) << 8), b: k[2] ?? 0 }),
      done: () => true,
    };
    const f = explore(wide, forever).findings[0];
    expect(f?.path).toEqual([300, 0, 0]);
    expect(follow(wide, f?.path ?? [])).toEqual({ a: 301, b: 2 });
  });

  it("stops at max-states with exactly that many states", () => {
    for (const n of [1, 2, 7, 15]) {
      const r = explore(toy(3), { ...forever, maxStates: n });
      expect(r.stats.states).toBe(n);
      expect(r.stoppedBy).toBe("max-states");
    }
    // A limit the run never needs to pass is not hit.
    const whole = explore(toy(3), { ...forever, maxStates: 16 });
    expect(whole.stats.states).toBe(16);
    expect(whole.stoppedBy).toBeNull();
  });

  it("stops on timeout, as measured by the clock it is given", () => {
    let t = 0;
    const clock = () => t;
    const sys = toy(50);
    const slow: System<Toy, Broken> = {
      ...sys,
      successors: (s) => {
        t += 10; // each expansion takes 10 ms of the fake clock
        return sys.successors(s);
      },
    };
    const r = explore(slow, { maxStates: 1_000_000, timeoutMs: 95, now: clock });
    expect(r.stoppedBy).toBe("timeout");
    expect(r.stats.seconds).toBeCloseTo(0.1);
    // The tenth expansion passes 95 ms: levels 0 to 3 (1 + 2 + 3 + 4 states) were expanded,
    // which found level 4 (5 states) too.
    expect(r.stats.states).toBe(15);
  });
});
