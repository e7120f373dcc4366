// An ITF value (Apalache ADR-015, https://apalache-mc.org/docs/adr/015adr-trace.html, with
// the variants Quint's quint/src/itf.ts writes), and the error a reader throws where a
// value does not have the shape it expects.

export type Itf =
  | string
  | boolean
  | { readonly "#bigint": string }
  | { readonly "#map": readonly (readonly [Itf, Itf])[] }
  | { readonly "#set": readonly Itf[] }
  | { readonly "#tup": readonly Itf[] }
  | { readonly tag: string; readonly value: Itf }
  | readonly Itf[]
  | { readonly [field: string]: Itf };

/** A value that is not what was expected, at a JSON pointer into the trace. */
export class ItfShapeError extends Error {
  constructor(
    readonly path: string,
    expected: string,
  ) {
    super(`expected ${expected}`);
  }
}
