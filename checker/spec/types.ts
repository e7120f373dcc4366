// A contract as loaded from specs/*.json: its rules, each a list of checks.

import type { Trigger } from "../../model/machine/vocabulary";
import type { Expr } from "../rules/expr";

export type Obligation = "caller" | "implementation";
/** What a check is triggered by: an event kind (model/kernel/events.ts), or `state`. */
export type EventKind = Trigger;

export interface Check {
  readonly on: { readonly event: EventKind; readonly fn?: readonly string[] };
  readonly require: Expr;
  readonly explain?: string;
}

export interface Rule {
  readonly id: string;
  readonly obligation: Obligation;
  readonly text: string;
  readonly source?: string;
  readonly checks: readonly Check[];
}

export interface Spec {
  readonly id: string;
  readonly title: string;
  readonly kernel: string;
  readonly commits: readonly string[];
  readonly source?: string;
  readonly rules: readonly Rule[];
  /** The id of the spec this one extends (its rules merged in: added, replaced, dropped). */
  readonly extends?: string;
  /** The file it was read from. */
  readonly path: string;
}
