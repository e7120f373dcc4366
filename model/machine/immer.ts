// The immer instance that produces successor states. Auto-freeze is off: deep-freezing
// every successor costs more than exploring it, and immer never writes to a base state
// anyway (the model contract test checks that on deep-frozen states).

import { Immer } from "immer";

const immer = new Immer({ autoFreeze: false });

export const produce: Immer["produce"] = immer.produce.bind(immer);
