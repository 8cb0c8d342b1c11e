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
/** Tests an attribute value. */
type Test = (x: Value) => boolean;
/** Tests a user's attributes (a compiled condition). */
export type Matcher = (attributes: Attributes) => boolean;
/**
 * Validates an operator's argument and compiles it in the same pass: the test of the attribute
 * value, or the issue code (nested issues go to `out`).
 */
type Compile = (arg: Json, at: Path, depth: number, out: Out) => Test | ConditionIssueCode;

const never = () => false;
const always = () => true;

/** A test that passes when every one of `tests` does (none: always). */
function every<T>(tests: ((v: T) => boolean)[]): (v: T) => boolean {
  return tests.length === 1
    ? tests[0]!
    : (v) => {
        for (const t of tests) if (!t(v)) return false;
        return true;
      };
}

/** Checks a literal (compared by deep equality): any JSON without `__proto__` keys. */
function checkLiteral(v: Json, path: Path, out: Out): void {
  if (typeof v === "object" && v !== null) {
    for (const k of Object.keys(v)) {
      const at = [...path, Array.isArray(v) ? +k : k];
      if (k === "__proto__") out.push({ path: at, code: "proto-key" });
      else checkLiteral((v as Obj)[k]!, at, out);
    }
  }
}
const literal = (v: Json, path: Path, out: Out): Test => {
  checkLiteral(v, path, out);
  return (x) => deepEqual(x, v);
};
const list =
  (negate: boolean): Compile =>
  (v, path, _depth, out) => {
    if (!Array.isArray(v)) return "needs-array";
    checkLiteral(v, path, out);
    return (x) => inList(x, v) !== negate;
  };
/** Numbers with numbers, strings with strings (by UTF-16 code unit); never across types. */
const ordering =
  (compare: (x: number, y: number) => boolean): Compile =>
  (y) =>
    typeof y === "string" || (typeof y === "number" && Number.isFinite(y))
      ? (x) => typeof x === typeof y && compare(x as number, y as number)
      : "needs-number-or-string";

/** The operators of an attribute expression: each validates its argument and compiles it. */
const OPERATORS: Record<string, Compile> = {
  $eq: (v, at, _d, out) => literal(v, at, out),
  $ne: (v, at, _d, out) => {
    const t = literal(v, at, out);
    return (x) => !t(x);
  },
  $in: list(false),
  $nin: list(true),
  $gt: ordering((x, y) => x > y),
  $gte: ordering((x, y) => x >= y),
  $lt: ordering((x, y) => x < y),
  $lte: ordering((x, y) => x <= y),
  $exists: (v) => (typeof v === "boolean" ? (x) => v === (x !== undefined && x !== null) : "needs-boolean"),
  $regex: (v) => {
    if (typeof v !== "string") return "needs-string";
    if (v.length > MAX_REGEX_LENGTH) return "regex-too-long";
    try {
      const re = new RegExp(v);
      return regexHazard(v) || ((x) => typeof x === "string" && x.length <= MAX_REGEX_INPUT && re.test(x));
    } catch {
      return "regex-invalid";
    }
  },
  $not: (v, at, depth, out) => {
    const t = compileValue(v, at, depth + 1, out);
    return typeof t === "string" ? t : (x) => !t(x);
  },
};

/** The operators of attribute expressions, in documentation order. */
export const CONDITION_OPERATORS = /* @__PURE__ */ Object.keys(OPERATORS);

/** What an attribute is compared with: an operator expression, or a literal. */
function compileValue(v: Json, path: Path, depth: number, out: Out): Test | ConditionIssueCode {
  if (!isOperators(v)) return literal(v, path, out);
  if (depth > MAX_CONDITION_DEPTH) return "too-deep";
  const tests: Test[] = [];
  for (const op of Object.keys(v)) {
    const at = [...path, op];
    // `$` first: inherited names (constructor, __proto__) never reach the table.
    const compile = op[0] === "$" && OPERATORS[op];
    const t =
      op[0] !== "$" ? "mixed-expression" : compile ? compile(v[op]!, at, depth, out) : "unknown-operator";
    if (typeof t === "string") out.push({ path: at, code: t });
    else tests.push(t);
  }
  return every(tests);
}

function compileCondition(c: unknown, path: Path, depth: number, out: Out): Matcher {
  if (!isObject(c) || depth > MAX_CONDITION_DEPTH) {
    out.push({ path, code: isObject(c) ? "too-deep" : "not-object" });
    return never;
  }
  const matchers: Matcher[] = [];
  for (const key of Object.keys(c)) {
    const at = [...path, key];
    const v = c[key]!;
    const parts = key.split(".");
    let m: Matcher | ConditionIssueCode;
    if (key === "$and" || key === "$or") {
      if (Array.isArray(v) && v.length > 0) {
        const ms = v.map((item, i) => compileCondition(item, [...at, i], depth + 1, out));
        m = key === "$and" ? every(ms) : (a) => ms.some((x) => x(a));
      } else m = "empty-list";
    } else if (key === "$not") {
      const inner = compileCondition(v, at, depth + 1, out);
      m = (a) => !inner(a);
    } else if (key[0] === "$") m = "misplaced-operator";
    else if (key.length > MAX_ATTRIBUTE_PATH) m = "path-too-long";
    else if (parts.includes("__proto__")) m = "proto-key";
    else if (parts.includes("")) m = "empty-path-part";
    else {
      const t = compileValue(v, at, depth + 1, out);
      m = typeof t === "string" ? t : (a) => t(lookup(a, key, parts));
    }
    if (typeof m === "string") out.push({ path: at, code: m });
    else matchers.push(m);
  }
  return every(matchers);
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
  compileCondition(condition, [], 0, out);
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

/**
 * The attribute at `path`: an own property named `path`, else the dotted path (`parts`, the
 * path split at dots) through nested objects.
 */
function lookup(attributes: Attributes, path: string, parts: string[]): Value {
  if (Object.hasOwn(attributes, path)) return attributes[path];
  let current: Value = attributes as Obj;
  for (const part of parts) {
    if (!isObject(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

function inList(x: Value, list: Json[]): boolean {
  if (Array.isArray(x)) {
    for (const item of x) if (inList(item, list)) return true;
    return false;
  }
  for (const l of list) if (deepEqual(x, l)) return true;
  return false;
}

// The compiled form of each condition object seen (configs are not mutated after they arrive).
const compiled = new WeakMap<object, Matcher>();

/**
 * The condition compiled into one function of the attributes (validated and compiled in one
 * pass, once per condition object): matches everyone for a null or missing condition, no one
 * for an invalid one (fail closed). {@link evaluateCondition} runs it.
 *
 * @example conditionMatcher({ plan: "pro" })({ plan: "pro" }) // true
 */
export function conditionMatcher(condition: Condition | null | undefined): Matcher {
  if (condition === null || condition === undefined) return always;
  if (typeof condition !== "object") return never;
  let m = compiled.get(condition);
  if (m === undefined) {
    const out: Out = [];
    m = compileCondition(condition, [], 0, out);
    if (out.length > 0) m = never;
    compiled.set(condition, m);
  }
  return m;
}

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
  return conditionMatcher(condition)(attributes);
}
