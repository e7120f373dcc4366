// Where two kernel states differ, in words a maintainer can check against the trace: the
// kernel facts that differ (view.ts), or, for what the facts do not show (a frame's locals,
// a ghost region), the path of each differing field, e.g. `tasks/0 (A)/ghost/lazyDepth`.

import type { Kernel } from "../../model/kernel/state";
import { canonical } from "../explore/encode";
import { diff, facts } from "./view";

export interface Difference {
  readonly what: string;
  readonly recorded: string;
  readonly model: string;
}

export function sameState(a: Kernel, b: Kernel): boolean {
  return canonical(a) === canonical(b);
}

/** The differences between a recorded state and the one the model reached. */
export function stateDifferences(recorded: Kernel, model: Kernel): Difference[] {
  const named = diff(facts(recorded), facts(model)).map(([what, r, m]) => ({
    what,
    recorded: r,
    model: m,
  }));
  if (named.length > 0) return named;
  const out: Difference[] = [];
  fieldDifferences(recorded, model, "", out);
  return out;
}

/** JSON with object keys sorted: a stable text for any part of a state. */
export function stableJson(x: unknown): string {
  return (
    JSON.stringify(x, (_k, v: unknown) =>
      v !== null && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
        : v,
    ) ?? "undefined"
  );
}

function label(parent: unknown, key: string): string {
  const item = Array.isArray(parent) ? (parent[Number(key)] as unknown) : undefined;
  if (item !== null && typeof item === "object" && "id" in item) {
    const id = (item as { id: unknown }).id;
    return `${key} (${typeof id === "number" ? `CPU${id}` : String(id)})`;
  }
  return key;
}

function fieldDifferences(a: unknown, b: unknown, path: string, out: Difference[]): void {
  if (stableJson(a) === stableJson(b)) return;
  const bothObjects = a !== null && b !== null && typeof a === "object" && typeof b === "object";
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) {
    out.push({ what: path || "/", recorded: stableJson(a), model: stableJson(b) });
    return;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort();
  for (const k of keys) {
    const sub = `${path === "" ? "" : `${path}/`}${label(a, k)}`;
    if (!(k in ra) || !(k in rb)) {
      out.push({
        what: sub,
        recorded: k in ra ? stableJson(ra[k]) : "(absent)",
        model: k in rb ? stableJson(rb[k]) : "(absent)",
      });
    } else fieldDifferences(ra[k], rb[k], sub, out);
  }
}
