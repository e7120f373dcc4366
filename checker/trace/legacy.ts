// The trace format lazymmu wrote before its steps carried structured data,
// "lazymmu-trace/1": each step's #meta held the action's fields with the context as a
// string (a task id or `<source>@cpu<n>`) and its events as sentences. `replay` still
// reads it (the states, choices and action fields are all it needs); `show` and `html`
// refuse it (read.ts), since its events cannot be rendered without parsing sentences.
// A sample is kept in test/fixtures/trace-v1/.

import type { Kernel } from "../../model/kernel/state";
import { nat, optStr, type Rec, record, str, strings } from "./decode";
import type { TraceMeta } from "./document";
import { ItfShapeError } from "./itf";

export const LEGACY_FORMAT = "lazymmu-trace/1";

export interface LegacyStepMeta {
  readonly index: number;
  readonly action: string;
  readonly cpu?: number;
  /** The context's id: lazymmu-trace/1 did not say whether it was a task or an interrupt. */
  readonly context?: string;
  readonly fn?: string;
  readonly label: string;
  readonly at?: string;
}

export interface LegacyTrace {
  readonly version: 1;
  readonly meta: TraceMeta;
  readonly steps: readonly { readonly meta: LegacyStepMeta; readonly state: Kernel }[];
}

export function legacyStepMeta(x: unknown, path: string, index: number): LegacyStepMeta {
  const m: Rec = record(x, path, "the step's #meta object");
  if (m.index !== index) throw new ItfShapeError(`${path}/index`, `${index}, this state's index`);
  strings(m, path, "events");
  const context = optStr(m, path, "context");
  const fn = optStr(m, path, "fn");
  const at = optStr(m, path, "at");
  return {
    index,
    action: str(m, path, "action"),
    label: str(m, path, "label"),
    ...(m.cpu === undefined ? {} : { cpu: nat(m.cpu, `${path}/cpu`) }),
    ...(context === undefined ? {} : { context }),
    ...(fn === undefined ? {} : { fn }),
    ...(at === undefined ? {} : { at }),
  };
}
