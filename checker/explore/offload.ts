// Breadth-first exploration of one large cell on two threads. This one keeps the search
// itself (the store, the BFS tree, the limits, the findings) and takes each state's
// successors, in state-number order, from whichever thread expanded it: an expander thread
// that runs the transition relation on states sent ahead of time, or this one, which
// expands the next states itself whenever the expander's answer has not come yet. Keys are
// made of components the threads share (shared-store.ts), so a key means the same state in
// both, whichever thread numbered its components first. The result is explore()'s (bfs.ts):
// the states are stored and judged in the same order, with the same counts, limits and
// findings.
//
// The search starts in this thread and offloads once it has stored `handOffAt` states (at
// the end of a level): a small run never starts a thread. A reduced run (symmetry.ts) never
// offloads: it stores an orbit as its relabelling with the smallest component numbers, and
// with two threads numbering components, which relabelling that is would depend on timing.

import {
  type Exploration,
  type Finding,
  type Limits,
  type Successor,
  type System,
  search,
} from "./bfs";
import { DEADLOCK, findingKey, reporter } from "./findings";
import { hashBytes } from "./store";

/** States to expand: the first one's number and their keys (key r ends at `ends[r]`). */
export interface ExpandRequest {
  readonly first: number;
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

/** What an expander found, for the states of one request, in order. */
export interface ExpandResult {
  readonly first: number;
  /** Successors per state; the states after a model error are missing. */
  readonly counts: Int32Array;
  /** Per state: 1 for a state with no successor that is not final (a deadlock). */
  readonly stuck: Uint8Array;
  /** The successors' keys, state after state (successor r ends at `ends[r]`). */
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
  /** Their hashes (store.ts `hashBytes`), made by the thread that made the keys. */
  readonly hashes: Int32Array;
  /**
   * The transitions that break rules: for each, its place among the result's successors,
   * how many violations, then each one's rule and finding key.
   */
  readonly broken: readonly (number | string)[];
  /** The model threw expanding the state `first + counts.length`. */
  readonly error?: string;
}

/**
 * A thread (or, in tests, a function) that expands states: it answers the requests it is
 * sent in the order they were sent.
 */
export interface Expander {
  send(req: ExpandRequest): void;
  /** The answer to the oldest request unanswered, if it has come (without waiting). */
  take(): ExpandResult | undefined;
  /** The same, waiting for it. */
  wait(): Promise<ExpandResult>;
  /** The rules the expander's monitor evaluated (for vacuity), once the search is over. */
  asked(): Promise<readonly string[]>;
  close(): void;
}

/** States per request, and requests in flight: enough to keep the expander busy. */
const CHUNK = 1024;
const IN_FLIGHT = 8;
/**
 * Chunks answered or asked at most: this thread expands no further ahead of the expander's
 * answers than this (its results wait in memory until their turn).
 */
const MAX_AHEAD = 1024;

export interface OffloadedExploration<V> extends Exploration<V> {
  /** Whether another thread expanded states (the run was large enough). */
  readonly offloaded: boolean;
  /** States this thread expanded after the hand-off, while the expander was behind. */
  readonly expandedHere: number;
  /** The rules the expander's monitor evaluated (none when nothing was offloaded). */
  readonly asked: readonly string[];
}

export async function exploreOffloaded<S, V>(
  sys: System<S, V>,
  limits: Limits,
  opts: {
    readonly handOffAt: number;
    readonly start: () => Expander;
    /** States per request (tests: small, for a small state space to make many). */
    readonly chunk?: number;
  },
): Promise<OffloadedExploration<V>> {
  const chunk = opts.chunk ?? CHUNK;
  // States this thread expands at a time while the expander has not answered.
  const localChunk = Math.max(1, chunk >> 2);
  const first = search(
    sys,
    limits,
    sys.sharedKeys === true && sys.reduced !== true ? opts.handOffAt : Number.POSITIVE_INFINITY,
  );
  if (first.done !== undefined)
    return { ...first.done, offloaded: false, expandedHere: 0, asked: [] };
  const h = first.handoff;
  const { store, tree, findings } = h;
  const most = limits.tracesPerRule ?? 1;
  const expander = opts.start();
  try {
    let transitions = h.transitions;
    let depth = h.depth;
    let levelStart = h.levelStart;
    let levelEnd = store.size;
    let stoppedBy: Exploration<V>["stoppedBy"] = null;
    let error: Exploration<V>["error"];
    let expanded = 0;
    let sent = levelStart;
    let expandedHere = 0;
    // The states to expand, in number order, as chunks: each is answered by the expander
    // (those in `remote`, in the order sent) or by this thread.
    const chunks: { first: number; result: ExpandResult | undefined }[] = [];
    const remote: { first: number; result: ExpandResult | undefined }[] = [];
    // The keys of states `sent` on: copied a run at a time, as consecutive states lie one
    // after another in an arena chunk.
    const request = (n: number): ExpandRequest => {
      const ends = new Uint32Array(n);
      let size = 0;
      for (let j = 0; j < n; j++) {
        store.locate(sent + j);
        size += store.end - store.at;
        ends[j] = size;
      }
      const bytes = new Uint8Array(size);
      let o = 0;
      for (let j = 0; j < n; ) {
        const chunk = store.locate(sent + j);
        const from = store.at;
        let to = store.end;
        for (j++; j < n && store.locate(sent + j) === chunk && store.at === to; j++) to = store.end;
        bytes.set(chunk.subarray(from, to), o);
        o += to - from;
      }
      const req = { first: sent, bytes, ends };
      sent += n;
      return req;
    };
    const pump = () => {
      while (remote.length < IN_FLIGHT && sent < store.size) {
        const c = { first: sent, result: undefined };
        expander.send(request(Math.min(chunk, store.size - sent)));
        chunks.push(c);
        remote.push(c);
      }
    };
    const answered = (r: ExpandResult) => {
      const c = remote.shift();
      if (c === undefined || c.first !== r.first)
        throw new Error("checker error: the expander answered out of order");
      c.result = r;
    };
    const next = async (): Promise<ExpandResult | undefined> => {
      pump();
      const c = chunks.shift();
      if (c === undefined) return undefined;
      while (c.result === undefined) {
        const r = expander.take();
        if (r !== undefined) answered(r);
        else if (sent < store.size && chunks.length < MAX_AHEAD) {
          const first = sent;
          const req = request(Math.min(localChunk, store.size - sent));
          chunks.push({ first, result: expandRequest(sys, req, most) });
          expandedHere += req.ends.length;
        } else answered(await expander.wait());
      }
      return c.result;
    };
    const report = reporter(sys, tree, findings);
    const onProgress = limits.onProgress;
    states: for (;;) {
      const r = await next();
      if (r === undefined) break;
      let t = 0; // the result's successor
      let b = 0; // the next entry of r.broken
      for (let j = 0; j < r.counts.length; j++) {
        const i = r.first + j;
        const n = r.counts[j] ?? 0;
        if (n === 0 && r.stuck[j] === 1 && !findings.hasDeadlock())
          findings.keepDeadlock(() => ({ kind: DEADLOCK, path: tree.pathTo(i) }));
        for (let k = 0; k < n; k++, t++) {
          transitions++;
          if ((r.broken[b] ?? -1) === t) {
            const count = Number(r.broken[b + 1]);
            for (let v = 0; v < count; v++) {
              const rule = String(r.broken[b + 2 + 2 * v]);
              const key = String(r.broken[b + 3 + 2 * v]);
              if (findings.wants(rule, key))
                findings.keep(rule, key, () => broke(sys, tree.pathTo(i), k, rule, key, most));
            }
            b += 2 + 2 * count;
          }
          const from = t === 0 ? 0 : (r.ends[t - 1] ?? 0);
          const to = r.ends[t] ?? 0;
          const hash = r.hashes[t] ?? 0;
          // At the limit a new state stops the run before it is stored, as in explore().
          if (store.size >= limits.maxStates) {
            if (store.has(r.bytes.subarray(from, to))) continue;
            stoppedBy = "max-states";
            break states;
          }
          const index = store.addHashed(r.bytes, from, to, hash);
          if (!store.added) continue;
          tree.add(i, k);
          report(
            sys.keyViolations !== undefined
              ? sys.keyViolations(r.bytes, from, to)
              : sys.stateViolations(sys.decode(r.bytes.slice(from, to))),
            index,
          );
        }
        // The clock every 64 states (a run stopped by time is not repeatable anyway).
        if ((++expanded & 63) === 0) {
          const elapsed = limits.now() - h.start;
          if (elapsed > limits.timeoutMs) {
            stoppedBy = "timeout";
            break states;
          }
          if (onProgress !== undefined && (expanded & 16383) === 0)
            onProgress({ states: store.size, transitions, depth, seconds: elapsed / 1000 });
        }
        if (i + 1 === levelEnd) {
          levelStart = levelEnd;
          levelEnd = store.size;
          if (levelEnd > levelStart) depth++;
        }
      }
      if (r.error !== undefined) {
        error = { message: r.error, path: tree.pathTo(r.first + r.counts.length) };
        break;
      }
    }
    // The requests in flight past a stop are answered (and dropped) before this one.
    const asked = await expander.asked();
    return {
      findings: findings.built(),
      stats: { states: store.size, transitions, depth, seconds: (limits.now() - h.start) / 1000 },
      stoppedBy,
      ...(error === undefined ? {} : { error }),
      storeBytes: store.bytes,
      offloaded: true,
      expandedHere,
      asked,
    };
  } finally {
    expander.close();
  }
}

/** The finding of transition `k` of the state `path` reaches, which broke `rule`. */
function broke<S, V>(
  sys: System<S, V>,
  path: readonly number[],
  k: number,
  rule: string,
  key: string,
  most: number,
): Finding<V> {
  let s = sys.initial;
  for (const c of path) {
    const t = sys.successors(s)[c];
    if (!t) throw new Error("checker error: a stored path's transition is gone");
    s = t.next;
  }
  const t = sys.successors(s)[k];
  const v = t?.violations.find((x) => findingKey(sys, most, x) === key);
  if (v === undefined) throw new Error(`checker error: ${rule} does not break again on replay`);
  return { kind: "rule", violation: v, path: [...path, k] };
}

/** The expander's side: the successors of the states of a request (pure, as `successors`). */
export function expandRequest<S, V>(
  sys: System<S, V>,
  req: ExpandRequest,
  most: number,
): ExpandResult {
  const n = req.ends.length;
  const counts: number[] = [];
  const stuck = new Uint8Array(n);
  const out = OUT;
  out.reset();
  const broken: (number | string)[] = [];
  let t = 0;
  let error: string | undefined;
  for (let j = 0; j < n; j++) {
    const from = j === 0 ? 0 : (req.ends[j - 1] ?? 0);
    const to = req.ends[j] ?? 0;
    let succ: readonly Successor<S, V>[];
    try {
      succ =
        sys.expand !== undefined
          ? sys.expand(req.bytes, from, to)
          : sys.successors(sys.decode(req.bytes.slice(from, to)));
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      break;
    }
    counts.push(succ.length);
    if (succ.length === 0 && !sys.done(sys.decode(req.bytes.slice(from, to)))) stuck[j] = 1;
    for (const s of succ) {
      if (s.violations.length > 0) {
        broken.push(t, s.violations.length);
        for (const v of s.violations) broken.push(sys.ruleOf(v), findingKey(sys, most, v));
      }
      out.push(sys.successorKey === undefined ? sys.key(s.next) : sys.successorKey(s));
      t++;
    }
  }
  return {
    first: req.first,
    counts: Int32Array.from(counts),
    stuck,
    bytes: out.bytes(),
    ends: out.ends(),
    hashes: out.hashes(),
    broken,
    ...(error === undefined ? {} : { error }),
  };
}

/** Keys appended one after another. */
class Growing {
  private b = new Uint8Array(1 << 16);
  private e = new Uint32Array(1 << 12);
  private h = new Int32Array(1 << 12);
  private used = 0;
  private n = 0;
  push(key: Uint8Array): void {
    if (this.used + key.length > this.b.length) {
      const bigger = new Uint8Array(Math.max(this.used + key.length, this.b.length * 2));
      bigger.set(this.b.subarray(0, this.used));
      this.b = bigger;
    }
    if (this.n === this.e.length) {
      const bigger = new Uint32Array(this.e.length * 2);
      bigger.set(this.e);
      this.e = bigger;
      const hashes = new Int32Array(this.h.length * 2);
      hashes.set(this.h);
      this.h = hashes;
    }
    // Keys are short: a loop copies them without the call `set` would take.
    const b = this.b;
    const at = this.used;
    if (key.length <= 64) for (let j = 0; j < key.length; j++) b[at + j] = key[j] ?? 0;
    else b.set(key, at);
    this.h[this.n] = hashBytes(b, at, at + key.length);
    this.used += key.length;
    this.e[this.n++] = this.used;
  }
  /** Empty again (its buffers kept: what was taken from it was copied). */
  reset(): void {
    this.used = 0;
    this.n = 0;
  }
  bytes(): Uint8Array {
    return this.b.slice(0, this.used);
  }
  ends(): Uint32Array {
    return this.e.slice(0, this.n);
  }
  hashes(): Int32Array {
    return this.h.slice(0, this.n);
  }
}

/** The keys of one request's successors, reused by each (expandRequest is not re-entered). */
const OUT = new Growing();

/**
 * An expander in this thread (tests): each request answered when it is taken, but for
 * `late` of them in turn, for which `take` says the answer has not come yet.
 */
export function localExpander<S, V>(
  sys: System<S, V>,
  most: number,
  asked: () => Iterable<string> = () => [],
  late = 0,
): Expander {
  const queue: ExpandRequest[] = [];
  let turn = 0;
  const answer = () => {
    const req = queue.shift();
    if (req === undefined) throw new Error("checker error: a result taken before it was asked");
    return expandRequest(sys, req, most);
  };
  return {
    send: (req) => {
      queue.push(req);
    },
    take: () => {
      if (queue.length === 0 || turn++ % (late + 1) !== 0) return undefined;
      return answer();
    },
    wait: () => Promise.resolve(answer()),
    asked: async () => {
      queue.length = 0;
      return [...asked()];
    },
    close: () => {},
  };
}
