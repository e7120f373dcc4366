// A registry of models or scenarios by id: the built-in ones, then any a user's file adds
// (`lazymmu --load FILE`). Ids are unique across everything registered; an entry added from
// a file remembers which file and content hash, so that a trace can say where it came from.

/** The file a registered entry was loaded from, and its content's SHA-256 (hex). */
export interface Origin {
  readonly file: string;
  readonly sha256: string;
}

export class Registry<T extends { readonly id: string }> {
  readonly #items: T[] = [];
  readonly #origins = new Map<string, Origin>();
  /** Every entry, in registration order; a live view that grows as files are loaded. */
  readonly all: readonly T[] = this.#items;

  constructor(builtIn: readonly T[] = []) {
    for (const x of builtIn) {
      const problem = this.add(x);
      if (problem !== undefined) throw new Error(`model error: ${problem}`);
    }
  }

  /** Adds an entry; returns why it cannot be added (a duplicate id) instead of throwing. */
  add(item: T, origin?: Origin, others: readonly Registry<T>[] = []): string | undefined {
    for (const r of [this, ...others]) {
      if (r.find(item.id) === undefined) continue;
      const where = r.originOf(item.id);
      return `the id "${item.id}" is already taken (by ${where === undefined ? "a built-in one" : where.file})`;
    }
    this.#items.push(item);
    if (origin !== undefined) this.#origins.set(item.id, origin);
    return undefined;
  }

  find(id: string): T | undefined {
    return this.#items.find((x) => x.id === id);
  }

  /** Where an entry came from: undefined for a built-in one. */
  originOf(id: string): Origin | undefined {
    return this.#origins.get(id);
  }
}
