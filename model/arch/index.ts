// The registry of architecture models. Adding an architecture is one new file exporting
// its eras, plus one line here.

import { arm64Models } from "./arm64";
import { generic } from "./generic";
import { powerpcHashModels } from "./powerpc-hash";
import { sparc64Models } from "./sparc64";
import type { ArchModel } from "./types";
import { x86Models } from "./x86";

export const architectures: readonly ArchModel[] = [
  generic,
  ...x86Models,
  ...sparc64Models,
  ...powerpcHashModels,
  ...arm64Models,
];

export function findArch(id: string): ArchModel | undefined {
  return architectures.find((a) => a.id === id);
}
