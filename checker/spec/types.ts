// A contract as loaded from specs/*.json: its rules, each a list of checks.

import type { Expr } from "../rules/expr";

export type Obligation = "caller" | "implementation";
export type EventKind = "call" | "return" | "read" | "bug" | "finish" | "might-sleep" | "state";

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
  /** The file it was read from. */
  readonly path: string;
}
