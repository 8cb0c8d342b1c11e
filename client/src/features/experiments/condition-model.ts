/**
 * The targeting condition builder's model: rows of attribute / operator / value joined by
 * and/or, with one level of nested groups, converted to and from the SDK's condition JSON
 * (`sdk/src/condition.ts`). Validation runs the SDK's own `validateCondition` (the function the
 * server and every SDK check with), so the builder refuses what the server would refuse, bar the
 * server's extra ReDoS check of `$regex` (its 400 is still shown at the field).
 */
import { describeConditionIssues } from "@splitlab/sdk/targeting";
import type { Json } from "../../api/types.js";

/**
 * The SDK's attribute operators that the builder offers as a row (`CONDITION_OPERATORS` minus
 * `$not`, which a row offers as its "not" switch). Pinned to the SDK's list by a test.
 */
export const ROW_OPERATORS = [
  "$eq",
  "$ne",
  "$in",
  "$nin",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$exists",
  "$regex",
] as const;
export type RowOperator = (typeof ROW_OPERATORS)[number];

/** Each operator in words (the select's option text). */
export const OPERATOR_LABELS: Record<RowOperator, string> = {
  $eq: "equals ($eq)",
  $ne: "does not equal ($ne)",
  $in: "is one of ($in)",
  $nin: "is none of ($nin)",
  $gt: "greater than ($gt)",
  $gte: "at least ($gte)",
  $lt: "less than ($lt)",
  $lte: "at most ($lte)",
  $exists: "is present ($exists)",
  $regex: "matches regex ($regex)",
};

export type Join = "and" | "or";

/** One attribute test. `value` is text: see {@link parseValue}; for `$in`/`$nin` one value per line. */
export interface Rule {
  kind: "rule";
  attribute: string;
  operator: RowOperator;
  value: string;
  not: boolean;
}

/** A nested group of rules with its own join (one level deep). */
export interface Group {
  kind: "group";
  join: Join;
  rules: Rule[];
}

/** The whole builder: a top-level join over rules and groups. No items = everyone. */
export interface Builder {
  join: Join;
  items: (Rule | Group)[];
}

/** A fresh row. */
export function emptyRule(): Rule {
  return { kind: "rule", attribute: "", operator: "$eq", value: "", not: false };
}

const isObject = (v: unknown): v is { [k: string]: Json } =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A typed value: valid JSON scalars are read as JSON (`18` is a number, `true` a boolean,
 * `"18"` the string 18, `null`, `[1,2]`, `{"a":1}`); anything else is the text itself
 * (`US`, `Mozilla/5.0`). The SDK never coerces, so `18` and `"18"` differ.
 */
export function parseValue(text: string): Json {
  const t = text.trim();
  if (t === "") return "";
  try {
    return JSON.parse(t) as Json;
  } catch {
    return t;
  }
}

/** The text of a value that {@link parseValue} reads back as the same value. */
export function formatValue(value: Json): string {
  if (typeof value === "string") {
    const plain = value.trim() === value && value !== "" && parseValue(value) === value;
    return plain ? value : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

function operatorArg(rule: Rule): Json {
  switch (rule.operator) {
    case "$in":
    case "$nin":
      return rule.value
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map(parseValue);
    case "$exists":
      return rule.value !== "false";
    case "$regex":
      return rule.value;
    default:
      return parseValue(rule.value);
  }
}

/** One row as a condition object: `{ attribute: { $op: value } }` (inside `$not` when negated). */
export function ruleToCondition(rule: Rule): { [k: string]: Json } {
  const expression = { [rule.operator]: operatorArg(rule) };
  return { [rule.attribute.trim()]: rule.not ? { $not: expression } : expression };
}

/** Joins condition objects: `$or: [...]`, or for `and` one merged object when no key repeats. */
function joinConditions(join: Join, parts: { [k: string]: Json }[]): { [k: string]: Json } {
  if (parts.length === 1) return parts[0]!;
  if (join === "or") return { $or: parts };
  const merged: { [k: string]: Json } = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const before = merged[key];
      if (before === undefined) merged[key] = value;
      else if (isObject(before) && isObject(value) && !Object.keys(value).some((op) => op in before)) {
        merged[key] = { ...before, ...value }; // age >= 18 and age < 65: one expression
      } else return { $and: parts };
    }
  }
  return merged;
}

/** The builder as a condition, or null (everyone) when it has no rows. */
export function builderToCondition(builder: Builder): { [k: string]: Json } | null {
  const parts = builder.items
    .filter((item) => item.kind === "rule" || item.rules.length > 0)
    .map((item) =>
      item.kind === "rule"
        ? ruleToCondition(item)
        : joinConditions(item.join, item.rules.map(ruleToCondition)),
    );
  if (parts.length === 0) return null;
  return joinConditions(builder.join, parts);
}

function isRowOperator(op: string): op is RowOperator {
  return (ROW_OPERATORS as readonly string[]).includes(op);
}

function ruleFrom(attribute: string, operator: string, arg: Json, not: boolean): Rule | null {
  if (!isRowOperator(operator)) return null;
  let value: string;
  if (operator === "$in" || operator === "$nin") {
    if (!Array.isArray(arg)) return null;
    value = arg.map(formatValue).join("\n");
    // A value holding a line break would split into two on the way back.
    if (arg.some((v) => formatValue(v).includes("\n"))) return null;
  } else if (operator === "$exists") {
    if (typeof arg !== "boolean") return null;
    value = String(arg);
  } else if (operator === "$regex") {
    if (typeof arg !== "string") return null;
    value = arg;
  } else value = formatValue(arg);
  return { kind: "rule", attribute, operator, value, not };
}

/** The rows of one attribute's value (a literal is `$eq`; several operators are several rows). */
function rulesOfAttribute(attribute: string, expected: Json): Rule[] | null {
  const isExpression = isObject(expected) && Object.keys(expected).some((k) => k.startsWith("$"));
  if (!isExpression)
    return [{ kind: "rule", attribute, operator: "$eq", value: formatValue(expected), not: false }];
  const rules: Rule[] = [];
  for (const [op, arg] of Object.entries(expected as { [k: string]: Json })) {
    if (op === "$not") {
      if (!isObject(arg) || Object.keys(arg).length !== 1) return null;
      const [[inner, innerArg]] = Object.entries(arg) as [[string, Json]];
      const rule = ruleFrom(attribute, inner, innerArg, true);
      if (!rule) return null;
      rules.push(rule);
    } else {
      const rule = ruleFrom(attribute, op, arg, false);
      if (!rule) return null;
      rules.push(rule);
    }
  }
  return rules;
}

/** A condition object whose keys are all attributes, as AND-ed rows; null when it is not. */
function flatRules(condition: Json): Rule[] | null {
  if (!isObject(condition)) return null;
  const rules: Rule[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (key.startsWith("$")) return null;
    const some = rulesOfAttribute(key, value);
    if (!some) return null;
    rules.push(...some);
  }
  return rules;
}

/** A condition as rows joined by `join`, one group level allowed below; null when it does not fit. */
function itemsOf(condition: Json, join: Join): (Rule | Group)[] | null {
  if (!isObject(condition)) return null;
  const keys = Object.keys(condition);
  const list = condition[`$${join}`];
  if (keys.length === 1 && Array.isArray(list) && list.length > 0) {
    const items: (Rule | Group)[] = [];
    for (const part of list) {
      const rules = flatRules(part);
      if (rules && (rules.length === 1 || join === "and")) {
        items.push(...rules);
        continue;
      }
      const other: Join = join === "and" ? "or" : "and";
      const group = groupRules(part, other);
      if (!group) return null;
      items.push({ kind: "group", join: other, rules: group });
    }
    return items;
  }
  if (join === "or") return null;
  // An implicit AND: attribute keys (rows) and at most one `$or` (a group).
  const items: (Rule | Group)[] = [];
  for (const key of keys) {
    if (key === "$or") {
      const rules = groupRules({ $or: condition[key]! }, "or");
      if (!rules) return null;
      items.push({ kind: "group", join: "or", rules });
    } else if (key.startsWith("$")) return null;
    else {
      const rules = rulesOfAttribute(key, condition[key]!);
      if (!rules) return null;
      items.push(...rules);
    }
  }
  // Key order means nothing in JSON (PostgreSQL's jsonb stores "$or" before longer keys): rows first.
  return [...items.filter((i) => i.kind === "rule"), ...items.filter((i) => i.kind === "group")];
}

/** The rows of a nested group (no deeper nesting): `{ $or: [rows] }` or an AND of attributes. */
function groupRules(condition: Json, join: Join): Rule[] | null {
  if (join === "and") {
    const flat = flatRules(condition);
    if (flat) return flat;
  }
  if (!isObject(condition) || Object.keys(condition).length !== 1) return null;
  const list = condition[`$${join}`];
  if (!Array.isArray(list) || list.length === 0) return null;
  const rules: Rule[] = [];
  for (const part of list) {
    const flat = flatRules(part);
    const only = flat?.length === 1 ? flat[0] : undefined;
    if (!only) return null;
    rules.push(only);
  }
  return rules;
}

/**
 * A condition as a builder, or null when the builder cannot show it (deeper nesting, a
 * condition-level `$not`, several groups under one `and` object, an invalid shape): the editor
 * then stays in JSON mode and says why. `null`/`{}` is the empty builder (everyone).
 */
export function conditionToBuilder(condition: Json | undefined): Builder | null {
  if (condition === null || condition === undefined) return { join: "and", items: [] };
  if (!isObject(condition)) return null;
  if (Object.keys(condition).length === 0) return { join: "and", items: [] };
  for (const join of ["and", "or"] as const) {
    const items = itemsOf(condition, join);
    if (items) return { join, items };
  }
  return null;
}

/** Row problems by field id (`items.0.value`, `items.1.rules.0.attribute`) plus condition-wide ones. */
export type BuilderErrors = Record<string, string>;

function ruleErrors(rule: Rule, at: string, out: BuilderErrors): void {
  if (rule.attribute.trim() === "") out[`${at}.attribute`] = "name the attribute (e.g. country)";
  if ((rule.operator === "$in" || rule.operator === "$nin") && (operatorArg(rule) as Json[]).length === 0) {
    out[`${at}.value`] = "give at least one value, one per line";
  } else if (
    rule.value.trim() === "" &&
    rule.operator !== "$exists" &&
    rule.operator !== "$eq" &&
    rule.operator !== "$ne"
  ) {
    out[`${at}.value`] = "give a value";
  }
  if (out[`${at}.attribute`] || out[`${at}.value`]) return;
  // The SDK's grammar on this one row: the message lands at the row's value or attribute.
  for (const issue of describeConditionIssues(ruleToCondition(rule))) {
    const field = issue.path.length <= 1 ? `${at}.attribute` : `${at}.value`;
    out[field] = out[field] ? `${out[field]}; ${issue.message}` : issue.message;
  }
}

/**
 * Checks the builder with the SDK's rules: every row has an attribute and a value its operator
 * accepts, groups are not empty, and the whole condition passes `validateCondition`.
 */
export function validateBuilder(builder: Builder): BuilderErrors {
  const out: BuilderErrors = {};
  builder.items.forEach((item, i) => {
    if (item.kind === "rule") ruleErrors(item, `items.${i}`, out);
    else if (item.rules.length === 0) out[`items.${i}`] = "a group needs at least one rule";
    else
      item.rules.forEach((rule, j) => {
        ruleErrors(rule, `items.${i}.rules.${j}`, out);
      });
  });
  if (Object.keys(out).length > 0) return out;
  const condition = builderToCondition(builder);
  const issues = condition ? describeConditionIssues(condition) : [];
  if (issues.length > 0) out.condition = issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  return out;
}

/**
 * Raw JSON text checked with the SDK's grammar: the condition, or the message to show.
 * Empty text is null (everyone).
 */
export function parseConditionText(
  text: string,
): { ok: true; condition: { [k: string]: Json } | null } | { ok: false; message: string } {
  if (text.trim() === "") return { ok: true, condition: null };
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (error) {
    return { ok: false, message: `not valid JSON (${(error as Error).message})` };
  }
  if (!isObject(value)) {
    return { ok: false, message: 'a condition is a JSON object, e.g. {"country": {"$in": ["US", "CA"]}}' };
  }
  const issues = describeConditionIssues(value);
  if (issues.length > 0) {
    return {
      ok: false,
      message: issues
        .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
        .join("; "),
    };
  }
  return { ok: true, condition: value };
}
