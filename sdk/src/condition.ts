import type { Attributes, Condition, Json } from "./types.js";

type Value = Json | undefined;

// Compiled `$regex` patterns (bounded). Invalid patterns are cached as null and never match.
const regexCache = new Map<string, RegExp | null>();
const REGEX_CACHE_MAX = 256;

function compileRegex(pattern: string): RegExp | null {
  let re = regexCache.get(pattern);
  if (re !== undefined) return re;
  try {
    re = new RegExp(pattern);
  } catch {
    re = null;
  }
  if (regexCache.size >= REGEX_CACHE_MAX) regexCache.clear();
  regexCache.set(pattern, re);
  return re;
}

function isPlainObject(v: Value): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isOperatorObject(v: Value): v is { [key: string]: Json } {
  if (!isPlainObject(v)) return false;
  let any = false;
  for (const k in v) {
    if (k.charCodeAt(0) !== 36 /* $ */) return false;
    any = true;
  }
  return any;
}

function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!(k in b) || !deepEqual(a[k], b[k])) return false;
  return true;
}

function lookup(attributes: Attributes, path: string): Value {
  const direct = attributes[path];
  if (direct !== undefined || path.indexOf(".") < 0) return direct;
  let current: Value = attributes as { [key: string]: Json };
  for (const part of path.split(".")) {
    if (!isPlainObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

function compare(x: Value, y: Json): number | null {
  if (typeof x === "number" && typeof y === "number") return x - y;
  if (typeof x === "string" && typeof y === "string") return x < y ? -1 : x > y ? 1 : 0;
  return null;
}

function inList(x: Value, list: Json): boolean {
  if (!Array.isArray(list)) return false;
  if (Array.isArray(x)) {
    for (const item of x) if (inList(item, list)) return true;
    return false;
  }
  for (const l of list) if (l === x || deepEqual(x, l)) return true;
  return false;
}

function evalOperator(op: string, x: Value, arg: Json): boolean {
  switch (op) {
    case "$eq":
      return deepEqual(x, arg);
    case "$ne":
      return !deepEqual(x, arg);
    case "$in":
      return inList(x, arg);
    case "$nin":
      return Array.isArray(arg) && !inList(x, arg);
    case "$gt": {
      const c = compare(x, arg);
      return c !== null && c > 0;
    }
    case "$gte": {
      const c = compare(x, arg);
      return c !== null && c >= 0;
    }
    case "$lt": {
      const c = compare(x, arg);
      return c !== null && c < 0;
    }
    case "$lte": {
      const c = compare(x, arg);
      return c !== null && c <= 0;
    }
    case "$exists":
      return arg === (x !== undefined && x !== null);
    case "$regex": {
      if (typeof x !== "string" || typeof arg !== "string") return false;
      const re = compileRegex(arg);
      return re ? re.test(x) : false;
    }
    case "$not":
      return !evalValue(x, arg);
    default:
      return false; // unknown operator: fail closed
  }
}

function evalValue(x: Value, expected: Json): boolean {
  if (!isOperatorObject(expected)) return deepEqual(x, expected);
  for (const op in expected) {
    if (!evalOperator(op, x, expected[op]!)) return false;
  }
  return true;
}

function evalList(list: Json, attributes: Attributes, wantAll: boolean): boolean {
  if (!Array.isArray(list)) return false;
  if (list.length === 0) return true;
  for (const item of list) {
    const ok = isPlainObject(item) && evaluateCondition(item, attributes);
    if (ok !== wantAll) return !wantAll;
  }
  return wantAll;
}

/**
 * Evaluate a MongoDB-style targeting condition against user attributes.
 *
 * Supported: `$eq $ne $in $nin $gt $gte $lt $lte $exists $regex $and $or $not`; a bare value
 * means deep equality; keys with dots read nested attributes (`"address.country"`).
 * Comparisons never coerce types (`"18"` is not `$gte: 18`). `$in`/`$nin` with an array
 * attribute test whether any element is in the list. Empty `$and`/`$or` lists are true.
 * Unknown operators, invalid regexes and malformed conditions evaluate to false (fail closed).
 * An empty or missing condition matches everyone.
 *
 * @example evaluateCondition({ country: { $in: ["US", "CA"] }, age: { $gte: 18 } }, { country: "US", age: 30 }) // true
 */
export function evaluateCondition(condition: Condition | null | undefined, attributes: Attributes): boolean {
  if (condition === null || condition === undefined) return true;
  if (!isPlainObject(condition)) return false;
  for (const key in condition) {
    const arg = condition[key]!;
    let ok: boolean;
    if (key === "$and") ok = evalList(arg, attributes, true);
    else if (key === "$or") ok = evalList(arg, attributes, false);
    else if (key === "$not") ok = isPlainObject(arg) && !evaluateCondition(arg, attributes);
    else if (key.charCodeAt(0) === 36) ok = false;
    else ok = evalValue(lookup(attributes, key), arg);
    if (!ok) return false;
  }
  return true;
}
