// A trace's events in words, from their data (trace/document.ts): the sentence the text trace
// prints ("A calls set_pte_at(addr=user:0, value=2)"), and the shorter form a swimlane
// prints when the event's context is the one that acted, which the lane already names
// ("call set_pte_at(addr=user:0, value=2)").

import type { EventMeta } from "../trace/document";

function callText(e: { readonly fn: string; readonly args: Readonly<Record<string, unknown>> }) {
  return `${e.fn}(${Object.entries(e.args)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ")})`;
}

export function eventSentence(e: EventMeta): string {
  const who = e.context.id;
  switch (e.kind) {
    case "call":
      return `${who} calls ${callText(e)}`;
    case "return":
      return `${e.fn}() returns to ${who}`;
    case "read":
      return `${who} reads pte[${e.addr}] = ${e.value}`;
    case "bug":
      return e.message;
    case "finish":
      return `${who} finishes`;
    case "might-sleep":
      return `${who} may sleep in ${e.fn}: ${e.label}`;
  }
}

/** The event in the lane of `actor` (the step's context): its own doings lose its name. */
export function eventInLane(e: EventMeta, actor: string | undefined): string {
  if (actor !== e.context.id) return eventSentence(e);
  switch (e.kind) {
    case "call":
      return `call ${callText(e)}`;
    case "return":
      return `ret ${e.fn}()`;
    case "read":
      return `read pte[${e.addr}] = ${e.value}`;
    case "finish":
      return "finishes";
    case "bug":
    case "might-sleep":
      return eventSentence(e);
  }
}
