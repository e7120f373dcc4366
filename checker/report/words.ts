// A trace's events in words, from their data (trace/document.ts) and the words each kind
// declares (model/kernel/events.ts): the sentence the text trace prints ("A calls
// set_pte_at(addr=user:0, value=2)"), and the shorter form a swimlane prints when the
// event's context is the one that acted, which the lane already names ("call set_pte_at(...)").

import { EVENTS } from "../../model/kernel/events";
import type { EventMeta } from "../trace/document";

/** Words of the kind of `e`, given its recorded fields (the declaration types them so). */
function wordsOf(e: EventMeta): {
  readonly says: (e: EventMeta, who: string) => string;
  readonly own?: (e: EventMeta) => string;
} {
  // Each kind's words read the fields its trace records: `e` has them, being of that kind.
  return EVENTS[e.kind].words as unknown as ReturnType<typeof wordsOf>;
}

export function eventSentence(e: EventMeta): string {
  return wordsOf(e).says(e, e.context.id);
}

/** The event in the lane of `actor` (the step's context): its own doings lose its name. */
export function eventInLane(e: EventMeta, actor: string | undefined): string {
  const w = wordsOf(e);
  if (actor !== e.context.id || w.own === undefined) return w.says(e, e.context.id);
  return w.own(e);
}
