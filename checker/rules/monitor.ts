// Compiles a spec into a monitor: given the events of one transition and the state it
// reached, which rules failed, and why in words.

import type { Kernel } from "../../model/kernel/state";
import type { Listen, Observation } from "../../model/machine/observe";
import { stateView } from "../../model/machine/observed-state";
import type { EventKind, Rule, Spec } from "../spec/types";
import { type Compiled, compile, type Env, truthy, type Value } from "./expr";

export interface Violation {
  readonly rule: Rule;
  /** Which of the rule's checks failed. */
  readonly check: number;
  /** The check's explanation, filled in from the event. */
  readonly message: string;
  /** Why each PTE the check asked about was not in effect. */
  readonly notes: readonly string[];
  /** The PTE addresses it concerns: the event's, and each one an `effective` found not in effect. */
  readonly addrs: readonly string[];
}

interface CompiledCheck {
  readonly rule: Rule;
  readonly index: number;
  readonly fns: ReadonlySet<string> | undefined;
  readonly require: Compiled;
  readonly explain: string;
}

export interface Monitor {
  readonly spec: Spec;
  /** The events some rule reads: the explorer records only these. */
  readonly listens: Listen;
  /** Violations caused by one transition's events, judged on the state it reached. */
  transition(events: readonly Observation[], post: Kernel): Violation[];
  /** Violations of state invariants (checks on `state`), including the initial state. */
  state(s: Kernel): Violation[];
  /** The ids of the rules some check of which has been evaluated so far (not vacuous). */
  triggered(): ReadonlySet<string>;
}

export function monitor(spec: Spec): Monitor {
  const byEvent = new Map<EventKind, CompiledCheck[]>();
  for (const rule of spec.rules) {
    rule.checks.forEach((c, index) => {
      const list = byEvent.get(c.on.event) ?? [];
      list.push({
        rule,
        index,
        fns: c.on.fn === undefined ? undefined : new Set(c.on.fn),
        require: compile(c.require),
        explain: c.explain ?? `rule ${rule.id} does not hold`,
      });
      byEvent.set(c.on.event, list);
    });
  }
  const stateChecks = byEvent.get("state") ?? [];
  // Which rules were ever asked: a rule whose checks never ran passes without checking. A
  // rule made only of prohibitions holds by the event's absence, which is what it says; it
  // counts as asked from the start. A prohibition is `"require": false` (this event must not
  // happen) or a check on a kernel debug check firing (`bug`: it must not fire, or only in
  // the code the rule excuses, as no-kernel-bug excuses caller code).
  const prohibition = (c: Rule["checks"][number]) => c.require === false || c.on.event === "bug";
  const triggered = new Set<string>(
    spec.rules.filter((r) => r.checks.every(prohibition)).map((r) => r.id),
  );

  function run(
    checks: readonly CompiledCheck[],
    vars: Record<string, Value>,
    s: Kernel,
    out: Violation[],
    addr?: string,
  ) {
    for (const c of checks) {
      triggered.add(c.rule.id);
      const env: Env = { vars, state: s, notes: [], addrs: [] };
      if (!truthy(c.require(env))) {
        const addrs = [...new Set([...(addr === undefined ? [] : [addr]), ...env.addrs])].sort();
        out.push({
          rule: c.rule,
          check: c.index,
          message: fill(c.explain, env),
          notes: env.notes,
          addrs,
        });
      }
    }
  }

  // The checks an event of this kind (and function) concerns, computed once per pair: the
  // explorer asks for every call and return it records.
  // Keyed by kind, then function ("" for none): no string is built per event.
  const concerned = new Map<string, Map<string, readonly CompiledCheck[]>>();
  const relevantTo = (
    kind: Observation["kind"],
    fn: string | undefined,
  ): readonly CompiledCheck[] => {
    let byFn = concerned.get(kind);
    if (byFn === undefined) {
      byFn = new Map();
      concerned.set(kind, byFn);
    }
    let hit = byFn.get(fn ?? "");
    if (hit === undefined) {
      hit = (byEvent.get(kind) ?? []).filter(
        (c) => c.fns === undefined || (fn !== undefined && c.fns.has(fn)),
      );
      byFn.set(fn ?? "", hit);
    }
    return hit;
  };
  const listens: Listen = (kind, fn) => relevantTo(kind, fn).length > 0;

  return {
    spec,
    listens,
    transition(events, post) {
      const out: Violation[] = [];
      for (const e of events) {
        const fn =
          e.kind === "call" || e.kind === "return" || e.kind === "might-sleep" ? e.fn : undefined;
        const relevant = relevantTo(e.kind, fn);
        if (relevant.length === 0) continue;
        const { ctx, ...event } = e;
        run(
          relevant,
          {
            event: event as unknown as Value,
            ctx: ctx as unknown as Value,
            state: stateView(post),
          },
          post,
          out,
          eventAddr(e),
        );
      }
      return out;
    },
    state(s) {
      const out: Violation[] = [];
      if (stateChecks.length > 0) run(stateChecks, { state: stateView(s) }, s, out);
      return out;
    },
    triggered: () => triggered,
  };
}

/** The PTE address an event is about, if any: a read's, or a PTE function's `addr` argument. */
function eventAddr(e: Observation): string | undefined {
  if (e.kind === "read") return e.addr;
  if (e.kind !== "call" && e.kind !== "return") return undefined;
  const a = e.args.addr;
  return typeof a === "string" ? a : undefined;
}

function fill(template: string, env: Env): string {
  return template.replace(/\{([A-Za-z0-9_.]+)\}/g, (_, path: string) => {
    const v = compile({ var: path })(env);
    return typeof v === "string" ? v : JSON.stringify(v);
  });
}
