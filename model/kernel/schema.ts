// The kernel state's packed layout, as data: the struct kind of its one declaration
// (model/kernel/state.ts KERNEL_FIELDS, in the language of kind.ts). The explorer's packed
// state key, its decoder and the scratch copies the explorer runs steps on are compiled from
// it (checker/explore/codec.ts), and so are the traces' ITF encoding and decoding
// (checker/trace/state-fields.ts).

import { kindOfTable } from "./fields";
import { KERNEL_FIELDS } from "./state";

export type { Kind, Struct } from "./kind";

export const kernelSchema = kindOfTable(KERNEL_FIELDS);
