// The registry of architecture models. Adding an architecture is one new file exporting
// its eras, plus one line here.

import { generic } from "./generic";
import { sparc64Models } from "./sparc64";
import type { ArchModel } from "./types";
import { x86Models } from "./x86";

export const architectures: readonly ArchModel[] = [generic, ...sparc64Models, ...x86Models];

export function findArch(id: string): ArchModel | undefined {
  return architectures.find((a) => a.id === id);
}
