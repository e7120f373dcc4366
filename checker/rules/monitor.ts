// Compiles a spec into a monitor: given the events of one transition and the state it
// reached, which rules failed, and why in words.

import type { Kernel } from "../../model/kernel/state";
import type { ContextView, Listen, Observation, ViewFields } from "../../model/machine/observe";
import { stateView } from "../../model/machine/observed-state";
import { KINDS_WITH_FN } from "../../model/machine/vocabulary";
import type { EventKind, Rule, Spec } from "../spec/types";
import { type Compiled, compile, type Env, truthy, type Value } from "./expr";
import { fillPlaceholders, placeholdersOf, readsWholeState, varsOf } from "./paths";

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
  /** The context fields its requirement and explanation read ("all": the whole `ctx`). */
  readonly ctxFields: ViewFields;
  /** The fields of `state` it reads (built only then, and only those). */
  readonly stateFields: StateFields;
  /** Whether it reads the state the event reached (a `state.*` path, an `effective` test). */
  readonly readsState: boolean;
}

/**
 * The fields of the rules' `state` a check reads: none (false), a few (`state.tlb.stale`
 * reads `tlb`), or all of them (`state` itself). Building every CPU's and task's view for
 * a check that reads `state.tlb` alone would be most of its cost.
 */
type StateFields = false | "all" | ReadonlySet<string>;

/** What the checks one kind of event (and function) concerns read. */
interface Concerned {
  readonly checks: readonly CompiledCheck[];
  /** The context fields they read, or false when no check concerns the event. */
  readonly fields: ViewFields | false;
  readonly stateFields: StateFields;
  /** Whether some check reads the state the event reached. */
  readonly readsState: boolean;
}

function readsOf(require: unknown, explain: string): { ctx: ViewFields; state: StateFields } {
  const vars: string[] = [];
  varsOf(require, vars);
  vars.push(...placeholdersOf(explain));
  const fields = new Set<keyof ContextView>();
  let all = false;
  const stateFields = new Set<string>();
  let allState = false;
  for (const v of vars) {
    const [root, field] = v.split(".");
    if (root === "state") {
      if (field === undefined) allState = true;
      else stateFields.add(field);
    }
    if (root !== "ctx") continue;
    // The whole view, or a field the view does not have (it reads as null either way).
    if (field === undefined) all = true;
    else fields.add(field as keyof ContextView);
  }
  const state = allState ? "all" : stateFields.size > 0 ? stateFields : false;
  return { ctx: all ? "all" : [...fields], state };
}

function union(a: ViewFields, b: ViewFields): ViewFields {
  if (a === "all" || b === "all") return "all";
  return [...new Set([...a, ...b])];
}

function unionState(a: StateFields, b: StateFields): StateFields {
  if (a === false) return b;
  if (b === false) return a;
  if (a === "all" || b === "all") return "all";
  return new Set([...a, ...b]);
}

/** The state view of the fields `reads` names (every field for "all"). */
function viewFor(s: Kernel, reads: "all" | ReadonlySet<string>) {
  return stateView(s, reads === "all" ? undefined : reads);
}

export interface Monitor {
  readonly spec: Spec;
  /** The events some rule reads: the explorer records only these. */
  readonly listens: Listen;
  /** Violations caused by one transition's events, judged on the state it reached. */
  transition(events: readonly Observation[], post: Kernel): Violation[];
  /**
   * Whether judging these events reads the state they reached: when not, `transition`
   * gives the same violations whatever that state (the explorer remembers them).
   */
  readsPost(events: readonly Observation[]): boolean;
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
      const explain = c.explain ?? `rule ${rule.id} does not hold`;
      const reads = readsOf(c.require, explain);
      list.push({
        rule,
        index,
        fns: c.on.fn === undefined ? undefined : new Set(c.on.fn),
        require: compile(c.require),
        explain,
        ctxFields: reads.ctx,
        stateFields: reads.state,
        readsState: reads.state !== false || readsWholeState(c.require),
      });
      byEvent.set(c.on.event, list);
    });
  }
  const stateChecks = byEvent.get("state") ?? [];
  const stateCheckFields = stateChecks.map((c) => c.stateFields).reduce(unionState, false);
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

  // The checks an event of this kind (and function) concerns, and what they read, computed
  // once per pair: the explorer asks for every call and return it records.
  // Keyed by kind, then function ("" for none): no string is built per event.
  const concerned = new Map<string, Map<string, Concerned>>();
  const relevantTo = (kind: Observation["kind"], fn: string | undefined): Concerned => {
    let byFn = concerned.get(kind);
    if (byFn === undefined) {
      byFn = new Map();
      concerned.set(kind, byFn);
    }
    let hit = byFn.get(fn ?? "");
    if (hit === undefined) {
      const checks = (byEvent.get(kind) ?? []).filter(
        (c) => c.fns === undefined || (fn !== undefined && c.fns.has(fn)),
      );
      hit = {
        checks,
        fields: checks.length === 0 ? false : checks.map((c) => c.ctxFields).reduce(union, []),
        stateFields: checks.map((c) => c.stateFields).reduce(unionState, false),
        readsState: checks.some((c) => c.readsState),
      };
      byFn.set(fn ?? "", hit);
    }
    return hit;
  };
  const listens: Listen = (kind, fn) => relevantTo(kind, fn).fields;

  return {
    spec,
    listens,
    transition(events, post) {
      const out: Violation[] = [];
      for (const e of events) {
        const fn = "fn" in e && KINDS_WITH_FN.has(e.kind) ? e.fn : undefined;
        const relevant = relevantTo(e.kind, fn);
        if (relevant.checks.length === 0) continue;
        const { ctx, ...event } = e;
        const vars: Record<string, Value> = {
          event: event as unknown as Value,
          ctx: ctx as unknown as Value,
        };
        if (relevant.stateFields !== false) vars.state = viewFor(post, relevant.stateFields);
        run(relevant.checks, vars, post, out, eventAddr(e));
      }
      return out;
    },
    state(s) {
      const out: Violation[] = [];
      if (stateChecks.length > 0) {
        const state = stateCheckFields === false ? {} : viewFor(s, stateCheckFields);
        run(stateChecks, { state }, s, out);
      }
      return out;
    },
    readsPost(events) {
      for (const e of events) {
        const fn = "fn" in e && KINDS_WITH_FN.has(e.kind) ? e.fn : undefined;
        if (relevantTo(e.kind, fn).readsState) return true;
      }
      return false;
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
  return fillPlaceholders(template, (path) => {
    const v = compile({ var: path })(env);
    return typeof v === "string" ? v : JSON.stringify(v);
  });
}
