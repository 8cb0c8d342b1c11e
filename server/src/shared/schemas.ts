import type { Json } from "@splitlab/sdk/types";
import { z } from "zod";

// In a `u` regex a surrogate class matches only a lone (unpaired) surrogate.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what is refused
const BAD_TEXT = /[\u0000\uD800-\uDFFF]/u;

/**
 * Why a string cannot be stored as PostgreSQL text/jsonb, or null when it can: a NUL
 * character, or a lone surrogate (not well-formed Unicode, e.g. an emoji cut in half by
 * `slice`). PostgreSQL refuses the first and would silently turn the second into U+FFFD.
 */
export function textProblem(value: string): string | null {
  const bad = BAD_TEXT.exec(value);
  if (!bad) return null;
  return bad[0] === "\u0000"
    ? "must not contain a NUL character (\\u0000)"
    : "must be well-formed Unicode (it holds a lone surrogate, e.g. an emoji cut in half)";
}

/** Deepest nesting {@link findTextProblem} walks; deeper input is refused. */
export const MAX_INPUT_DEPTH = 64;

/**
 * First string (key or value) in parsed JSON that {@link textProblem} refuses, or a
 * `__proto__` key (JSON.parse keeps it as an own property, but copying the object drops
 * it or changes its prototype), with its dot-joined path (`variants.0.payload.note`).
 * Null when every string is storable.
 */
export function findTextProblem(
  value: unknown,
  path: string[] = [],
): { path: string; message: string } | null {
  if (path.length > MAX_INPUT_DEPTH) {
    return { path: path.join("."), message: `nested deeper than ${MAX_INPUT_DEPTH} levels` };
  }
  if (typeof value === "string") {
    const message = textProblem(value);
    return message ? { path: path.join(".") || "(root)", message } : null;
  }
  if (value === null || typeof value !== "object") return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findTextProblem(value[i], [...path, String(i)]);
      if (problem) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const at = [...path, key];
    if (key === "__proto__") return { path: at.join("."), message: "a __proto__ key is not allowed" };
    const keyIssue = textProblem(key);
    if (keyIssue) return { path: at.join("."), message: `key ${keyIssue}` };
    const problem = findTextProblem((value as Record<string, unknown>)[key], at);
    if (problem) return problem;
  }
  return null;
}

/** Keys of experiments, metrics, layers and variants: lowercase slug, 1..100 chars. */
export const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, "must be a lowercase slug (a-z, 0-9, -, _; 1-100 characters)");

/** Path params `:key`. */
export const keyParams = z.object({ key: slug });

/** A display name. */
export const displayName = z.string().trim().min(1, "must not be empty").max(200);

/** A longer free text. */
export const longText = z.string().max(5000);

/** A number in [0, 1]. */
export const unitInterval = z.number().finite().min(0).max(1);

function isJson(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJson(v, depth + 1));
  if (typeof value === "object") return Object.values(value).every((v) => isJson(v, depth + 1));
  return false;
}

/**
 * Any JSON value (at most 32 levels deep). Not `z.json()`: its recursive definition sends
 * the OpenAPI generator into endless recursion; this one renders as "any value".
 */
export const jsonValue = z
  .unknown()
  .refine((v) => v !== undefined && isJson(v), "must be a JSON value (at most 32 levels deep)")
  .transform((v) => v as Json);

/** Environment names: lowercase slug (SDK keys, experiments' `environments`, results' `?environment=`). */
export const environmentName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "must be a lowercase slug (a-z, 0-9, -, _), at most 63 characters");
