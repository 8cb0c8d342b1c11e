import type { Attributes, Condition, Json } from "./types.js";

type Value = Json | undefined;
type Obj = { [key: string]: Json };
type Path = (string | number)[];

/**
 * What is wrong at one place of a condition (the message for each is in
 * `@splitlab/sdk/condition`, `conditionIssueMessage`):
 * `not-object`, `too-deep`, `empty-list` ($and/$or), `misplaced-operator`, `path-too-long`,
 * `empty-path-part`, `proto-key`, `mixed-expression`, `unknown-operator`, `needs-array`,
 * `needs-number-or-string`, `needs-boolean`, `needs-string`, `regex-too-long`,
 * `regex-invalid`, `regex-backreference`, `regex-nested-quantifier`, `regex-alternation`.
 */
export type ConditionIssueCode =
  | "not-object"
  | "too-deep"
  | "empty-list"
  | "misplaced-operator"
  | "path-too-long"
  | "empty-path-part"
  | "proto-key"
  | "mixed-expression"
  | "unknown-operator"
  | "needs-array"
  | "needs-number-or-string"
  | "needs-boolean"
  | "needs-string"
  | "regex-too-long"
  | "regex-invalid"
  | "regex-backreference"
  | "regex-nested-quantifier"
  | "regex-alternation";

/** One problem in a targeting condition: where it is (keys and indexes inside the condition) and what. */
export interface ConditionIssue {
  path: Path;
  code: ConditionIssueCode;
}

/** Longest accepted `$regex` pattern (UTF-16 units). */
export const MAX_REGEX_LENGTH = 256;
/** `$regex` is tried only on strings of at most this many UTF-16 units; longer ones do not match. */
export const MAX_REGEX_INPUT = 512;
/** Deepest nesting of conditions and operator expressions. */
export const MAX_CONDITION_DEPTH = 10;
/** Longest attribute path (UTF-16 units). */
export const MAX_ATTRIBUTE_PATH = 256;

// Compiled `$regex` patterns (bounded). Invalid patterns are cached as null.
const regexCache = new Map<string, RegExp | null>();

function compileRegex(pattern: string): RegExp | null {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern);
    } catch {
      re = null;
    }
    if (regexCache.size >= 256) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/**
 * Tokens of a JS pattern: an escape, a character class, a group opening (with its `(?:`,
 * `(?=`, `(?<name>` prefix), a `{n,m}` quantifier, a `*`/`+`/`?` quantifier, any other character.
 */
const REGEX_TOKENS =
  /\\.|\[(?:\\.|[^\]\\])*\]|\((?:\?(?:<(?![=!])[^>]*>|.))?|\{\d+(?:,\d*)?\}\??|[*+?]\??|./gs;

/**
 * Why a pattern could take exponential time in a backtracking engine (an issue code), or ""
 * when it cannot by this (conservative) check: no backreference, and no repeated group (`*`, `+`, `{n,}`,
 * `{n,m}` with m > 1) that contains a quantifier or an alternation. That refuses
 * `^(\w+\s?)*$`, `(a+)+`, `(a|a)*`; polynomial patterns are bounded by {@link MAX_REGEX_INPUT}.
 */
function regexHazard(p: string): ConditionIssueCode | "" {
  const outer: number[] = [];
  let group = 0; // the open group holds: 1 a quantifier, 2 an alternation
  let atom = 0; // the same for a group that just closed (what a quantifier here repeats)
  for (const [t] of p.matchAll(REGEX_TOKENS)) {
    const c = t[0]!;
    if (c === "\\" && /[1-9k]/.test(t[1]!)) return "regex-backreference";
    if (c === "(") {
      outer.push(group);
      group = 0;
    } else if (c === ")") {
      atom = group;
      group |= outer.pop() ?? 0;
      continue;
    } else if (c === "|") group |= 2;
    else if ("*+?".includes(c) || (c === "{" && t[1])) {
      // `?` does not repeat; `*`, `+` and `{...}` do (the last conservatively, even `{1}`).
      if (atom && c !== "?") {
        return atom & 2 ? "regex-alternation" : "regex-nested-quantifier";
      }
      group |= 1;
    }
    atom = 0;
  }
  return "";
}

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** An operator expression: an object whose keys start with `$` (valid ones have only such keys). */
const isOperators = (v: unknown): v is Obj => isObject(v) && Object.keys(v).some((k) => k[0] === "$");

type Out = ConditionIssue[];
/** Checks an operator's argument: the issue code, or "" when it is fine (nested issues go to `out`). */
type ArgCheck = (arg: Json, at: Path, depth: number, out: Out) => ConditionIssueCode | "";
type Test = (x: Value, arg: Json) => boolean;

/** A literal (compared by deep equality): any JSON without `__proto__` keys. */
const literal: ArgCheck = (v, path, _depth, out) => {
  if (typeof v === "object" && v !== null) {
    for (const k of Object.keys(v)) {
      const at = [...path, Array.isArray(v) ? +k : k];
      if (k === "__proto__") out.push({ path: at, code: "proto-key" });
      else literal((v as Obj)[k]!, at, 0, out);
    }
  }
  return "";
};
const list: ArgCheck = (v, path, depth, out) =>
  Array.isArray(v) ? literal(v, path, depth, out) : "needs-array";
const ordered: ArgCheck = (v) =>
  typeof v === "string" || (typeof v === "number" && Number.isFinite(v)) ? "" : "needs-number-or-string";
/** Numbers with numbers, strings with strings (by UTF-16 code unit); never across types. */
const ordering =
  (sign: (c: number) => boolean): Test =>
  (x, y) =>
    typeof x === typeof y &&
    (typeof x === "number" || typeof x === "string") &&
    sign((x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0);

/**
 * The operators of an attribute expression: how the argument is checked and how it tests the
 * attribute value `x`. Validation and evaluation both read this one table.
 */
const OPERATORS: Record<string, [ArgCheck, Test]> = {
  $eq: [literal, (x, y) => deepEqual(x, y)],
  $ne: [literal, (x, y) => !deepEqual(x, y)],
  $in: [list, (x, y) => inList(x, y as Json[])],
  $nin: [list, (x, y) => !inList(x, y as Json[])],
  $gt: [ordered, ordering((c) => c > 0)],
  $gte: [ordered, ordering((c) => c >= 0)],
  $lt: [ordered, ordering((c) => c < 0)],
  $lte: [ordered, ordering((c) => c <= 0)],
  $exists: [
    (v) => (typeof v === "boolean" ? "" : "needs-boolean"),
    (x, y) => y === (x !== undefined && x !== null),
  ],
  $regex: [
    (v) =>
      typeof v !== "string"
        ? "needs-string"
        : v.length > MAX_REGEX_LENGTH
          ? "regex-too-long"
          : compileRegex(v)
            ? regexHazard(v)
            : "regex-invalid",
    (x, y) => typeof x === "string" && x.length <= MAX_REGEX_INPUT && compileRegex(y as string)!.test(x),
  ],
  $not: [(v, at, depth, out) => checkValue(v, at, depth + 1, out), (x, y) => !matchValue(x, y)],
};

/** The operators of attribute expressions, in documentation order. */
export const CONDITION_OPERATORS = Object.keys(OPERATORS);

/** What an attribute is compared with: an operator expression, or a literal. */
function checkValue(v: Json, path: Path, depth: number, out: Out): ConditionIssueCode | "" {
  if (!isOperators(v)) return literal(v, path, depth, out);
  if (depth > MAX_CONDITION_DEPTH) return "too-deep";
  for (const op of Object.keys(v)) {
    const at = [...path, op];
    const check = OPERATORS[op]?.[0]; // inherited names (constructor, __proto__) have no [0]
    const code =
      op[0] !== "$" ? "mixed-expression" : check ? check(v[op]!, at, depth, out) : "unknown-operator";
    if (code) out.push({ path: at, code });
  }
  return "";
}

function checkCondition(c: unknown, path: Path, depth: number, out: Out): void {
  if (!isObject(c) || depth > MAX_CONDITION_DEPTH) {
    out.push({ path, code: isObject(c) ? "too-deep" : "not-object" });
    return;
  }
  for (const key of Object.keys(c)) {
    const at = [...path, key];
    const v = c[key]!;
    const parts = key.split(".");
    let code: ConditionIssueCode | "" = "";
    if (key === "$and" || key === "$or") {
      if (Array.isArray(v) && v.length > 0) {
        v.forEach((item, i) => {
          checkCondition(item, [...at, i], depth + 1, out);
        });
      } else code = "empty-list";
    } else if (key === "$not") checkCondition(v, at, depth + 1, out);
    else {
      code =
        key[0] === "$"
          ? "misplaced-operator"
          : key.length > MAX_ATTRIBUTE_PATH
            ? "path-too-long"
            : parts.includes("__proto__")
              ? "proto-key"
              : parts.includes("")
                ? "empty-path-part"
                : checkValue(v, at, depth + 1, out);
    }
    if (code) out.push({ path: at, code });
  }
}

/**
 * Check a targeting condition against the grammar that {@link evaluateCondition} runs; the
 * server validates with this same function. Returns every problem with its path inside the
 * condition and a code (`[]` when valid); `conditionIssueMessage` from
 * `@splitlab/sdk/condition` words each one.
 *
 * Grammar: a condition is an object. Keys are `$and`/`$or` (a non-empty array of conditions),
 * `$not` (a condition) or an attribute path (1-256 characters; dots read nested objects, no
 * empty part). An attribute's value is a literal (any JSON, compared by deep equality) or an
 * operator expression whose keys are all operators: `$eq $ne` (any JSON), `$in $nin` (an
 * array), `$gt $gte $lt $lte` (a number or a string), `$exists` (a boolean), `$regex` (a
 * pattern of at most 256 characters that compiles, without backreferences or repeated groups
 * holding a quantifier or `|`), `$not` (a value). At most 10 levels deep; no `__proto__` key
 * anywhere.
 *
 * @example validateCondition({ age: { $gte: 18 }, $or: [] }) // [{ path: ["$or"], code: "empty-list" }]
 */
export function validateCondition(condition: unknown): ConditionIssue[] {
  const out: Out = [];
  checkCondition(condition, [], 0, out);
  return out;
}

function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !deepEqual((a as Obj)[k], (b as Obj)[k])) return false;
  return true;
}

/** The attribute at `path`: an own property named `path`, else the dotted path through nested objects. */
function lookup(attributes: Attributes, path: string): Value {
  if (Object.hasOwn(attributes, path)) return attributes[path];
  let current: Value = attributes as Obj;
  if (path.indexOf(".") < 0) return undefined;
  for (const part of path.split(".")) {
    if (!isObject(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

function inList(x: Value, list: Json[]): boolean {
  if (Array.isArray(x)) return x.some((item) => inList(item, list));
  return list.some((l) => deepEqual(x, l));
}

function matchValue(x: Value, expected: Json): boolean {
  // Valid expressions have only operator keys or none, so the first key tells (no allocation).
  let operators = false;
  if (isObject(expected)) for (const k in expected) operators = k[0] === "$";
  if (!operators) return deepEqual(x, expected);
  for (const op in expected as Obj) if (!OPERATORS[op]![1](x, (expected as Obj)[op]!)) return false;
  return true;
}

function matches(condition: Obj, attributes: Attributes): boolean {
  for (const key in condition) {
    const arg = condition[key]!;
    if (
      key === "$and"
        ? !(arg as Obj[]).every((c) => matches(c, attributes))
        : key === "$or"
          ? !(arg as Obj[]).some((c) => matches(c, attributes))
          : key === "$not"
            ? matches(arg as Obj, attributes)
            : !matchValue(lookup(attributes, key), arg)
    ) {
      return false;
    }
  }
  return true;
}

// Validity of each condition object seen (configs are not mutated after they arrive).
const validity = new WeakMap<object, boolean>();

/**
 * Evaluate a MongoDB-style targeting condition against user attributes.
 *
 * Only a condition that {@link validateCondition} accepts can match; any other evaluates to
 * false (fail closed), so the SDK and the server share one grammar. A bare value means deep
 * equality; an attribute path is the attribute of that exact name if there is one, else the
 * dotted path through nested objects (`"address.country"`); only own properties are read.
 * Comparisons never coerce types (`"18"` is not `$gte: 18`; strings compare by UTF-16 code
 * unit). `$in`/`$nin` with an array attribute test whether any element is in the list.
 * `$exists: true` means present and not null. `$regex` does not match strings longer than
 * {@link MAX_REGEX_INPUT}. An empty, null or missing condition matches everyone.
 *
 * @example evaluateCondition({ country: { $in: ["US", "CA"] }, age: { $gte: 18 } }, { country: "US", age: 30 }) // true
 */
export function evaluateCondition(condition: Condition | null | undefined, attributes: Attributes): boolean {
  if (condition === null || condition === undefined) return true;
  if (typeof condition !== "object") return false;
  let valid = validity.get(condition);
  if (valid === undefined) {
    valid = validateCondition(condition).length === 0;
    validity.set(condition, valid);
  }
  return valid && matches(condition, attributes);
}
