import type { Condition } from "@splitlab/sdk/types";
import { z } from "zod";
import { jsonValue } from "../../shared/schemas.js";

/** Operators allowed in targeting conditions (MongoDB-style subset; see sdk/src/condition.ts). */
export const CONDITION_OPERATORS = [
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
  "$and",
  "$or",
  "$not",
] as const;

const MAX_DEPTH = 10;

type Issue = { path: (string | number)[]; message: string };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkOperatorObject(
  expr: Record<string, unknown>,
  path: (string | number)[],
  depth: number,
  out: Issue[],
) {
  for (const [op, arg] of Object.entries(expr)) {
    const at = [...path, op];
    switch (op) {
      case "$eq":
      case "$ne":
        break;
      case "$in":
      case "$nin":
        if (!Array.isArray(arg)) out.push({ path: at, message: `${op} needs an array` });
        break;
      case "$gt":
      case "$gte":
      case "$lt":
      case "$lte":
        if (typeof arg !== "number" && typeof arg !== "string") {
          out.push({ path: at, message: `${op} needs a number or a string` });
        }
        break;
      case "$exists":
        if (typeof arg !== "boolean") out.push({ path: at, message: "$exists needs true or false" });
        break;
      case "$regex":
        if (typeof arg !== "string") out.push({ path: at, message: "$regex needs a string" });
        else if (arg.length > 256) out.push({ path: at, message: "$regex is longer than 256 characters" });
        else {
          try {
            new RegExp(arg);
          } catch {
            out.push({ path: at, message: "$regex is not a valid regular expression" });
          }
        }
        break;
      case "$not":
        if (isPlainObject(arg) && isOperatorObjectLike(arg)) checkOperatorObject(arg, at, depth + 1, out);
        else if (isPlainObject(arg) && Object.keys(arg).length === 0) {
          out.push({ path: at, message: "$not needs an operator expression" });
        }
        break;
      default:
        out.push({ path: at, message: `unknown operator ${op} (allowed: ${CONDITION_OPERATORS.join(" ")})` });
    }
  }
}

function isOperatorObjectLike(v: Record<string, unknown>): boolean {
  const keys = Object.keys(v);
  return keys.length > 0 && keys.some((k) => k.startsWith("$"));
}

function checkCondition(cond: unknown, path: (string | number)[], depth: number, out: Issue[]): void {
  if (depth > MAX_DEPTH) {
    out.push({ path, message: `condition is nested deeper than ${MAX_DEPTH} levels` });
    return;
  }
  if (!isPlainObject(cond)) {
    out.push({ path, message: "a condition must be an object" });
    return;
  }
  for (const [key, value] of Object.entries(cond)) {
    const at = [...path, key];
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(value) || value.length === 0) {
        out.push({ path: at, message: `${key} needs a non-empty array of conditions` });
        continue;
      }
      value.forEach((item, i) => {
        checkCondition(item, [...at, i], depth + 1, out);
      });
    } else if (key === "$not") {
      checkCondition(value, at, depth + 1, out);
    } else if (key.startsWith("$")) {
      out.push({
        path: at,
        message: `${key} is not allowed at this level (use $and, $or, $not or an attribute name)`,
      });
    } else if (key.length > 256) {
      out.push({ path: at, message: "attribute names are at most 256 characters" });
    } else if (isPlainObject(value) && isOperatorObjectLike(value)) {
      const keys = Object.keys(value);
      if (!keys.every((k) => k.startsWith("$"))) {
        out.push({ path: at, message: "cannot mix operators ($...) and plain fields in one expression" });
      } else checkOperatorObject(value, at, depth + 1, out);
    }
    // Anything else is a literal compared with $eq.
  }
}

/**
 * A targeting condition, validated structurally: known operators only, the right argument
 * types, regexes that compile, bounded nesting. Errors name the path inside the condition.
 */
export const conditionSchema = z
  .record(z.string(), jsonValue)
  .superRefine((cond, ctx) => {
    const issues: Issue[] = [];
    checkCondition(cond, [], 0, issues);
    for (const issue of issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  })
  .transform((c) => c as Condition)
  .meta({ id: "Condition", description: `MongoDB-style condition: ${CONDITION_OPERATORS.join(" ")}` });
