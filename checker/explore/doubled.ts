// The explorer's tables are typed arrays that double when full: a copy twice as long.

type Table = Int32Array | Uint8Array;

/** `a` copied into a typed array of its kind twice as long (the rest zero). */
export function doubled<T extends Table>(a: T): T {
  // A typed array's constructor makes one of its own kind.
  const b = new (a.constructor as new (length: number) => T)(a.length * 2);
  b.set(a);
  return b;
}
