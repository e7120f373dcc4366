// The rule language's operators, declared once with the shape and types of their operands:
// the spec checker (check.ts) types expressions from this, error messages list the
// operators from it, and a test holds the JSON schema's expression forms to it.

/**
 * What an operand must be: `any` value, a `number`, a `string`, a `list`, or a
 * `collection` (a list, or a record looked up by key).
 */
export type OperandType = "any" | "number" | "string" | "list" | "collection";

export type OperatorShape =
  /** `{"var": "ctx.lazyDepth"}`: a path into the event, the context, the state or a bound name. */
  | { readonly shape: "path" }
  | { readonly shape: "unary"; readonly operand: OperandType }
  | { readonly shape: "list"; readonly operand: OperandType }
  | { readonly shape: "pair"; readonly operands: readonly [OperandType, OperandType] }
  /** `{"forall": {"var": "a", "in": list, "holds": e}}`: binds `var` in `holds`. */
  | { readonly shape: "quantifier" };

/** What an operator yields: a boolean, a number, or (get) an element of its first operand. */
export type ResultType = "boolean" | "number" | "element" | "path";

export interface Operator {
  readonly form: OperatorShape;
  readonly result: ResultType;
  readonly meaning: string;
}

const pair = (a: OperandType, b: OperandType): OperatorShape => ({
  shape: "pair",
  operands: [a, b],
});

export const OPERATORS = {
  var: { form: { shape: "path" }, result: "path", meaning: "the value at a path" },
  not: { form: { shape: "unary", operand: "any" }, result: "boolean", meaning: "negation" },
  and: { form: { shape: "list", operand: "any" }, result: "boolean", meaning: "all hold" },
  or: { form: { shape: "list", operand: "any" }, result: "boolean", meaning: "one holds" },
  implies: { form: pair("any", "any"), result: "boolean", meaning: "if the first, the second" },
  eq: { form: pair("any", "any"), result: "boolean", meaning: "equal (records by content)" },
  ne: { form: pair("any", "any"), result: "boolean", meaning: "not equal" },
  lt: { form: pair("number", "number"), result: "boolean", meaning: "less than" },
  le: { form: pair("number", "number"), result: "boolean", meaning: "at most" },
  gt: { form: pair("number", "number"), result: "boolean", meaning: "greater than" },
  ge: { form: pair("number", "number"), result: "boolean", meaning: "at least" },
  in: {
    form: pair("any", "collection"),
    result: "boolean",
    meaning: "an element of a list, or a key of a record",
  },
  get: {
    form: pair("collection", "any"),
    result: "element",
    meaning: "the element at an index or key",
  },
  count: {
    form: { shape: "unary", operand: "list" },
    result: "number",
    meaning: "a list's length",
  },
  forall: { form: { shape: "quantifier" }, result: "boolean", meaning: "every element satisfies" },
  exists: { form: { shape: "quantifier" }, result: "boolean", meaning: "some element satisfies" },
  effective: {
    form: { shape: "unary", operand: "string" },
    result: "boolean",
    meaning: "the latest PTE change at the address is in effect",
  },
} as const satisfies Record<string, Operator>;

export type OperatorName = keyof typeof OPERATORS;

export const OPERATOR_NAMES = Object.keys(OPERATORS) as OperatorName[];

export function isOperator(k: string): k is OperatorName {
  return Object.hasOwn(OPERATORS, k);
}
