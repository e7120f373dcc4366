// The registry of architecture models: the built-in ones below, then any a file loaded with
// `--load` adds (checker/load). Adding a built-in architecture is one new file exporting its
// eras, plus one line here.

import { Registry } from "../registry";
import { arm64Models } from "./arm64";
import { generic } from "./generic";
import { powerpcHashModels } from "./powerpc-hash";
import { sparc64Models } from "./sparc64";
import type { ArchModel } from "./types";
import { x86Native } from "./x86-native";
import { x86XenPvModels } from "./x86-xen-pv";

export const archRegistry = new Registry<ArchModel>([
  generic,
  x86Native,
  ...x86XenPvModels,
  ...sparc64Models,
  ...powerpcHashModels,
  ...arm64Models,
]);

/** Every registered architecture model (a live view: loaded ones appear here). */
export const architectures: readonly ArchModel[] = archRegistry.all;

export function findArch(id: string): ArchModel | undefined {
  return archRegistry.find(id);
}
